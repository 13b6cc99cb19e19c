"""The community's per-person parts (docs/architecture.md, "Per-person slots").

The follow and watch slots of one page share one query: whether the member
follows the page's remedy and ailment, watches its discussion, and voted on
its evidence page, read together once per request.
"""

from django.contrib.auth import get_user_model
from django.db import connection

from core.pages import slot_provider

from .models import Follow, Watch


def _state(request, remedy_id: int, ailment_id: int, page_id: int) -> dict:
    """Whether the member follows, watches and voted: one statement of index
    lookups, in plain SQL (it runs on every page a member opens, and building
    the ORM's query cost more than running it)."""
    key = (remedy_id, ailment_id, page_id)
    found = request.__dict__.setdefault("_community_state", {})
    if key in found:
        return found[key]
    follow, watch = Follow._meta.db_table, Watch._meta.db_table
    # Votes are reached through the member's relation, never by importing them.
    vote = get_user_model()._meta.get_field("votes").related_model._meta.db_table
    member = request.user.pk
    checks = {}
    if remedy_id:
        checks["follows_remedy"] = (
            f"{follow} WHERE member_id = %s AND remedy_id = %s",
            remedy_id,
        )
        checks["watches_remedy"] = (
            f"{watch} WHERE member_id = %s AND remedy_id = %s",
            remedy_id,
        )
    if ailment_id:
        checks["follows_ailment"] = (
            f"{follow} WHERE member_id = %s AND ailment_id = %s",
            ailment_id,
        )
    if page_id:
        checks["watches_page"] = (
            f"{watch} WHERE member_id = %s AND evidence_page_id = %s",
            page_id,
        )
        checks["voted"] = (f"{vote} WHERE member_id = %s AND page_id = %s", page_id)
    state = dict.fromkeys(checks, False)
    if checks:
        sql = "SELECT " + ", ".join(
            f"EXISTS (SELECT 1 FROM {where})" for where, _ in checks.values()
        )
        params = [p for _, value in checks.values() for p in (member, value)]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            state.update(zip(checks, (bool(v) for v in cursor.fetchone()), strict=True))
    found[key] = state
    return state


@slot_provider("follow")
def follow_controls(
    request, *, remedy_id: int = 0, ailment_id: int = 0, page_id: int = 0, **args
) -> dict:
    """Whether the member follows the page's remedy and ailment; after voting
    on an evidence page, an offer to follow them."""
    if not request.user.is_authenticated:
        return {}
    state = _state(request, remedy_id, ailment_id, page_id)
    following_remedy = state.get("follows_remedy", False)
    following_ailment = state.get("follows_ailment", False)
    return {
        "following_remedy": following_remedy,
        "following_ailment": following_ailment,
        "offer": state.get("voted", False)
        and not (following_remedy or following_ailment),
    }


@slot_provider("watch")
def watch_controls(
    request, *, remedy_id: int = 0, ailment_id: int = 0, page_id: int = 0, **args
) -> dict:
    """Whether the member watches this discussion (a remedy's, or an evidence page's)."""
    if not request.user.is_authenticated or not remedy_id:
        return {"watching": False}
    state = _state(request, remedy_id, ailment_id, page_id)
    return {"watching": state["watches_page" if page_id else "watches_remedy"]}
