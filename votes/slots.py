"""The vote box's per-person part (docs/architecture.md, "Per-person slots")."""

from django.db import connection

from core.pages import slot_provider

from .models import Vote


@slot_provider("vote-controls")
def vote_controls(request, *, page: int, **args) -> dict:
    """The member's own vote on the page, and what their last vote did.

    After a vote, the vote view has noted both on the request; on a page, the
    vote's message waits among the member's messages (tagged "vote-box").
    """
    notice = getattr(request, "vote_notice", None)
    known = getattr(request, "my_votes", {})
    ctx = {
        "notice": notice[0] if notice else "",
        "notice_is_error": bool(notice and notice[1]),
        # An answer to a vote shows its own notice and leaves other messages waiting.
        "show_messages": notice is None,
    }
    user = request.user
    if page in known:
        ctx["my_vote"] = known[page]
    elif user.is_authenticated:
        # Plain SQL: read on every evidence page a member opens, where
        # building the ORM's query costs more than running it.
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT value FROM {Vote._meta.db_table} "
                "WHERE member_id = %s AND page_id = %s",
                [user.pk, page],
            )
            row = cursor.fetchone()
        ctx["my_vote"] = row[0] if row else None
    else:
        ctx["my_vote"] = None
    return ctx
