"""The per-person parts every page has (docs/architecture.md, "Per-person slots")."""

from django.contrib.messages import get_messages

from .pages import slot_provider


@slot_provider("messages")
def waiting_messages(request, **args) -> dict:
    """The person's waiting messages, less those the view said are out of date
    (`request.stale_messages`, texts): shown now, they would mislead."""
    stale = getattr(request, "stale_messages", ())
    return {"messages": [m for m in get_messages(request) if m.message not in stale]}
