"""The discussion's per-person parts (docs/architecture.md, "Per-person slots")."""

from datetime import datetime

from core.pages import slot_provider

from .forms import CommentForm
from .models import Comment, is_editor


def _editor(request) -> bool:
    # Once per request: every comment of the page asks.
    if not hasattr(request, "_is_editor"):
        request._is_editor = is_editor(request.user)
    return request._is_editor


@slot_provider("comment-form")
def comment_form(request, **args) -> dict:
    """The form to start a thread, with a new one-time token, for members."""
    return {"form": CommentForm() if request.user.is_authenticated else None}


@slot_provider("comment-actions")
def comment_actions(
    request, *, comment: int, author: int | None, state: str, created: str, **args
) -> dict:
    """What the person may do with one comment: reply, edit, delete, flag."""
    user = request.user
    if not user.is_authenticated:
        return {"can_edit": False, "can_delete": False, "can_flag": False}
    # The comment as the page stored it: its author, state and age decide.
    c = Comment(
        pk=comment,
        author_id=author,
        state=state,
        created_at=datetime.fromisoformat(created),
    )
    editor = _editor(request)
    return {
        "can_edit": c.can_edit(user, editor=editor),
        "can_delete": c.can_delete(user, editor=editor),
        "can_flag": c.can_flag(user),
    }
