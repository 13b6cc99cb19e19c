"""The header's per-person part (docs/architecture.md, "Per-person slots")."""

from community.services import unread_count
from core.pages import slot_provider


@slot_provider("account-nav")
def account_nav(request, **args) -> dict:
    """The member's unread notices, beside the link to their inbox."""
    return {"unread": unread_count(request.user)}
