"""The community's per-person parts (docs/architecture.md, "Per-person slots").

The follow and watch slots of one page share one query: whether the member
follows the page's remedy and ailment, watches its discussion, and voted on
its evidence page, read together once per request.
"""

from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef

from core.pages import slot_provider

from .models import Follow, Watch


def _state(request, remedy: str, ailment: str) -> dict:
    found = request.__dict__.setdefault("_community_state", {})
    if (remedy, ailment) in found:
        return found[(remedy, ailment)]
    member = OuterRef("pk")
    wanted = {}
    if remedy:
        wanted["follows_remedy"] = Follow.objects.filter(
            member=member, remedy__slug=remedy
        )
        wanted["watches_remedy"] = Watch.objects.filter(
            member=member, remedy__slug=remedy
        )
    if ailment:
        wanted["follows_ailment"] = Follow.objects.filter(
            member=member, ailment__slug=ailment
        )
    if remedy and ailment:
        on_page = {"remedy__slug": remedy, "ailment__slug": ailment}
        wanted["watches_page"] = Watch.objects.filter(
            member=member, **{f"evidence_page__{k}": v for k, v in on_page.items()}
        )
        # Votes are reached through the member's relation, never by importing them.
        vote = get_user_model()._meta.get_field("votes").related_model
        wanted["voted"] = vote.objects.filter(
            member=member, **{f"page__{k}": v for k, v in on_page.items()}
        )
    state = dict.fromkeys(wanted, False)
    if wanted:
        row = (
            get_user_model()
            .objects.filter(pk=request.user.pk)
            .annotate(**{name: Exists(q) for name, q in wanted.items()})
            .values(*wanted)
            .first()
        )
        state.update(row or {})
    found[(remedy, ailment)] = state
    return state


@slot_provider("follow")
def follow_controls(request, *, remedy: str = "", ailment: str = "", **args) -> dict:
    """Whether the member follows the page's remedy and ailment; after voting
    on an evidence page, an offer to follow them."""
    if not request.user.is_authenticated:
        return {}
    state = _state(request, remedy, ailment)
    following_remedy = state.get("follows_remedy", False)
    following_ailment = state.get("follows_ailment", False)
    return {
        "following_remedy": following_remedy,
        "following_ailment": following_ailment,
        "offer": state.get("voted", False)
        and not (following_remedy or following_ailment),
    }


@slot_provider("watch")
def watch_controls(request, *, remedy: str = "", ailment: str = "", **args) -> dict:
    """Whether the member watches this discussion (a remedy's, or an evidence page's)."""
    if not request.user.is_authenticated or not remedy:
        return {"watching": False}
    state = _state(request, remedy, ailment)
    return {"watching": state["watches_page" if ailment else "watches_remedy"]}
