"""Writes to discussions: posting, replying, editing, deleting, flagging, moderating.

Who may do what is decided by the Comment model's can_* methods; these
functions enforce it again (PermissionDenied), so no caller can skip it.
"""

from __future__ import annotations

from uuid import UUID

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import F, QuerySet
from django.utils import timezone

from community.services import comment_posted
from core import freshness
from remedies.models import EvidencePage, Remedy

from .models import MAX_DEPTH, Comment, Flag, flag_threshold


def _create(token: UUID | None, **fields) -> Comment:
    """Insert a comment; when its token is already stored (a double submit), return that one."""
    try:
        with transaction.atomic():
            return Comment.objects.create(token=token, **fields)
    except IntegrityError:
        existing = (
            token
            and Comment.objects.filter(token=token, author=fields["author"]).first()
        )
        if not existing:
            raise
        return existing


def post_comment(
    *, author, target: Remedy | EvidencePage, text: str, token: UUID | None = None
) -> Comment:
    """Start a thread in `target`'s discussion."""
    on = (
        {"evidence_page": target}
        if isinstance(target, EvidencePage)
        else {"remedy": target}
    )
    with transaction.atomic():
        comment = _create(token, author=author, text=text, **on)
        freshness.discussion_changed(target)
        comment_posted(comment)
        return comment


def reply(*, author, parent: Comment, text: str, token: UUID | None = None) -> Comment:
    """Answer `parent`. Below the deepest level a reply attaches beside it, to its parent."""
    if not parent.is_shown:
        raise PermissionDenied("Only comments on show can be answered.")
    if parent.depth < MAX_DEPTH - 1:
        attach_id, depth = parent.pk, parent.depth + 1
    else:
        attach_id, depth = parent.parent_id, parent.depth
    with transaction.atomic():
        comment = _create(
            token,
            author=author,
            text=text,
            remedy_id=parent.remedy_id,
            evidence_page_id=parent.evidence_page_id,
            parent_id=attach_id,
            thread_id=parent.thread_id or parent.pk,
            depth=depth,
        )
        # Its readers hear of it (community/services.py); the author of the
        # comment it answers too, where it is attached beside that comment.
        freshness.discussion_changed(parent.target)
        comment_posted(comment, answering=parent)
        return comment


def edit_comment(*, comment: Comment, by, text: str) -> Comment:
    """Change a comment's text (its author within the edit window, or an editor)."""
    if not comment.can_edit(by):
        raise PermissionDenied("You can’t edit this comment.")
    with transaction.atomic():
        comment.text = text
        comment.edited_at = timezone.now()
        fields = ["text", "edited_at"]
        if comment.state == Comment.State.APPROVED and comment.author_id == by.pk:
            # An approval covers the text the editor read, not a new one.
            comment.state = Comment.State.PUBLISHED
            fields.append("state")
        comment.save(update_fields=fields)
        freshness.discussion_changed(comment.target)
    return comment


def delete_comment(*, comment: Comment, by) -> Comment:
    """Soft delete: replies stay readable under the placeholder.

    Its author's deletion blanks the text; an editor's keeps it for the record
    (shown only in the admin) and marks the comment removed.
    """
    if not comment.can_delete(by):
        raise PermissionDenied("You can’t delete this comment.")
    with transaction.atomic():
        if comment.author_id == by.pk:
            comment.state, comment.text = Comment.State.DELETED, ""
            comment.save(update_fields=["state", "text"])
        else:
            comment.state = Comment.State.REMOVED
            comment.reviewed_at, comment.reviewed_by = timezone.now(), by
            comment.save(update_fields=["state", "reviewed_at", "reviewed_by"])
        freshness.discussion_changed(comment.target)
    return comment


def delete_all_comments(*, author) -> int:
    """Blank every comment of `author` (before their account is deleted); returns how many."""
    with transaction.atomic():
        mine = Comment.objects.filter(author=author)
        freshness.comments_changed(mine)
        count = mine.exclude(state=Comment.State.DELETED).count()
        mine.filter(state=Comment.State.REMOVED).update(text="")
        mine.exclude(state=Comment.State.REMOVED).update(
            state=Comment.State.DELETED, text=""
        )
    return count


def flag_comment(
    *, comment: Comment, member, reason: str, note: str = ""
) -> tuple[Flag, bool]:
    """Record `member`'s flag, once; at the threshold the comment hides pending review.

    Returns the flag and whether it is new.
    """
    if not comment.can_flag(member):
        raise PermissionDenied("You can’t flag this comment.")
    if reason not in Flag.Reason.values:
        raise ValueError(f"Not a flag reason: {reason!r}")
    with transaction.atomic():
        # The comment's row lock makes concurrent flags count one after another.
        Comment.objects.select_for_update().filter(pk=comment.pk).values_list(
            "pk"
        ).first()
        flag, created = Flag.objects.get_or_create(
            comment=comment, member=member, defaults={"reason": reason, "note": note}
        )
        if created:
            Comment.objects.filter(pk=comment.pk).update(flag_count=F("flag_count") + 1)
            Comment.objects.filter(
                pk=comment.pk,
                state=Comment.State.PUBLISHED,
                flag_count__gte=flag_threshold(),
            ).update(state=Comment.State.PENDING)
            comment.refresh_from_db(fields=["flag_count", "state"])
            freshness.discussion_changed(comment.target)
    return flag, created


def approve_comments(*, comments: QuerySet[Comment], moderator) -> int:
    """An editor's review found nothing wrong: show them again; flags no longer hide them."""
    with transaction.atomic():
        freshness.comments_changed(comments)
        return comments.filter(
            state__in=[Comment.State.PUBLISHED, Comment.State.PENDING]
        ).update(
            state=Comment.State.APPROVED,
            reviewed_at=timezone.now(),
            reviewed_by=moderator,
        )


def remove_comments(*, comments: QuerySet[Comment], moderator) -> int:
    """An editor takes comments down; their replies stay, under “[removed by an editor]”."""
    with transaction.atomic():
        freshness.comments_changed(comments)
        return comments.exclude(
            state__in=[Comment.State.REMOVED, Comment.State.DELETED]
        ).update(
            state=Comment.State.REMOVED,
            reviewed_at=timezone.now(),
            reviewed_by=moderator,
        )
