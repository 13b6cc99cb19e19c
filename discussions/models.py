"""Comments on a remedy (its community discussion) or on an evidence page, and flags."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.db import models
from django.db.models import Count, Q
from django.utils import timezone

from remedies.models import EvidencePage, Remedy

# Replies nest this many levels deep (depth 0 to MAX_DEPTH - 1); a reply to the
# deepest level attaches at that level, beside the comment it answers.
MAX_DEPTH = 4
MAX_LENGTH = 5000
EDIT_WINDOW = timedelta(minutes=30)
THREADS_PER_PAGE = 10
ORDERS = ("newest", "oldest")


def flag_threshold() -> int:
    """Flags from different members that hide a comment until an editor reviews it."""
    return getattr(settings, "DISCUSSION_FLAG_THRESHOLD", 3)


def is_editor(user) -> bool:
    """Staff with the moderation permission: they edit and delete any comment."""
    return bool(
        user.is_authenticated
        and user.is_staff
        and user.has_perm("discussions.moderate_comment")
    )


class CommentQuerySet(models.QuerySet):
    def on(self, target: Remedy | EvidencePage) -> CommentQuerySet:
        """The comments of one discussion: a remedy's, or an evidence page's."""
        if isinstance(target, EvidencePage):
            return self.filter(evidence_page=target)
        return self.filter(remedy=target)

    def threads(self, order: str = "newest") -> CommentQuerySet:
        """Top-level comments, newest or oldest first."""
        roots = self.filter(parent__isnull=True)
        if order == "oldest":
            return roots.order_by("created_at", "pk")
        return roots.order_by("-created_at", "-pk")

    def stats(self) -> dict[str, int]:
        """Comments and participants on show, and the number of threads, in one query.

        Deleted members' comments count as one participant, "a deleted member",
        as the page shows them.
        """
        shown = Q(state__in=Comment.SHOWN)
        stats = self.aggregate(
            comments=Count("pk", filter=shown),
            participants=Count("author", filter=shown, distinct=True),
            orphans=Count("pk", filter=shown & Q(author__isnull=True)),
            threads=Count("pk", filter=Q(parent__isnull=True)),
        )
        stats["participants"] += 1 if stats.pop("orphans") else 0
        return stats


class Comment(models.Model):
    class State(models.TextChoices):
        PUBLISHED = "published", "Published"
        PENDING = "pending", "Hidden pending review"
        APPROVED = "approved", "Approved by an editor"
        REMOVED = "removed", "Removed by an editor"
        DELETED = "deleted", "Deleted by its author"

    SHOWN = (State.PUBLISHED, State.APPROVED)
    PLACEHOLDERS = {
        State.PENDING: "[hidden while editors review it]",
        State.REMOVED: "[removed by an editor]",
        State.DELETED: "[deleted]",
    }

    # Exactly one of these is set (see the constraint).
    remedy = models.ForeignKey(
        "remedies.Remedy",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="comments",
    )
    evidence_page = models.ForeignKey(
        "remedies.EvidencePage",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="comments",
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="replies",
    )
    # The top-level comment of the thread (empty on a top-level comment), so a
    # page of threads loads all its replies in one query.
    thread = models.ForeignKey(
        "self",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="thread_replies",
    )
    depth = models.PositiveSmallIntegerField(default=0)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="comments",
    )
    text = models.TextField(max_length=MAX_LENGTH, blank=True)
    state = models.CharField(
        max_length=10, choices=State.choices, default=State.PUBLISHED
    )
    flag_count = models.PositiveIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    edited_at = models.DateTimeField(null=True, blank=True)
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # A random value from the form that posted it: a double submit finds the
    # comment stored by the first and stores no second one.
    token = models.UUIDField(null=True, blank=True, unique=True, editable=False)

    objects = CommentQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        permissions = [
            ("moderate_comment", "Can edit, remove and approve any comment"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(remedy__isnull=False, evidence_page__isnull=True)
                | Q(remedy__isnull=True, evidence_page__isnull=False),
                name="comment_on_a_remedy_or_an_evidence_page",
            ),
            models.CheckConstraint(
                condition=Q(parent__isnull=True, thread__isnull=True, depth=0)
                | Q(
                    parent__isnull=False,
                    thread__isnull=False,
                    depth__gte=1,
                    depth__lt=MAX_DEPTH,
                ),
                name="comment_depth_matches_its_place",
            ),
        ]
        indexes = [
            models.Index(
                fields=["remedy", "created_at"],
                condition=Q(parent__isnull=True),
                name="comment_remedy_threads",
            ),
            models.Index(
                fields=["evidence_page", "created_at"],
                condition=Q(parent__isnull=True),
                name="comment_page_threads",
            ),
        ]

    def __str__(self) -> str:
        return f"Comment {self.pk} by {self.author_name}"

    @property
    def target(self) -> Remedy | EvidencePage:
        return self.evidence_page if self.evidence_page_id else self.remedy

    @property
    def is_shown(self) -> bool:
        return self.state in self.SHOWN

    @property
    def placeholder(self) -> str:
        return self.PLACEHOLDERS.get(self.state, "")

    @property
    def author_name(self) -> str:
        return self.author.public_name if self.author_id else "A deleted member"

    def in_edit_window(self, now: datetime | None = None) -> bool:
        return (now or timezone.now()) - self.created_at <= EDIT_WINDOW

    def can_edit(self, user, *, now: datetime | None = None, editor=None) -> bool:
        """Its author within the edit window, or an editor, while it is not deleted."""
        if not user.is_authenticated or self.state in (
            self.State.DELETED,
            self.State.REMOVED,
        ):
            return False
        if editor if editor is not None else is_editor(user):
            return True
        return (
            self.author_id == user.pk
            and self.state != self.State.PENDING
            and self.in_edit_window(now)
        )

    def can_delete(self, user, *, editor=None) -> bool:
        """Its author at any time, or an editor."""
        if not user.is_authenticated or self.state in (
            self.State.DELETED,
            self.State.REMOVED,
        ):
            return False
        return self.author_id == user.pk or (
            editor if editor is not None else is_editor(user)
        )

    def can_flag(self, user) -> bool:
        return (
            user.is_authenticated
            and self.author_id != user.pk
            and self.state == self.State.PUBLISHED
        )


class FlaggedComment(Comment):
    """The moderation queue in the admin: comments members have flagged."""

    class Meta:
        proxy = True
        verbose_name = "flagged comment"
        verbose_name_plural = "flagged comments (moderation queue)"


class Flag(models.Model):
    """One member's report that a comment breaks the rules; once per member."""

    class Reason(models.TextChoices):
        SPAM = "spam", "Spam or advertising"
        HARMFUL = "harmful", "Harmful medical advice"
        ABUSE = "abuse", "Abuse or harassment"
        OTHER = "other", "Something else"

    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="flags")
    # Kept when the member deletes their account, so the comment's count stays true.
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="comment_flags",
    )
    reason = models.CharField(max_length=10, choices=Reason.choices)
    note = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["comment", "member"], name="flag_a_comment_once_per_member"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_reason_display()} on comment {self.comment_id}"


# Reading a discussion: one page of threads, as a tree, in a fixed number of queries.


@dataclass
class Node:
    """A comment in the tree, with what the person reading may do to it."""

    comment: Comment
    children: list[Node] = field(default_factory=list)
    can_edit: bool = False
    can_delete: bool = False
    can_flag: bool = False


@dataclass
class Discussion:
    target: Remedy | EvidencePage
    threads: list[Node]
    comment_count: int
    participant_count: int
    thread_count: int
    order: str
    page: int
    page_count: int

    @property
    def has_previous(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.page_count


def node_for(comment: Comment, user, *, editor: bool, now: datetime) -> Node:
    return Node(
        comment,
        can_edit=comment.can_edit(user, now=now, editor=editor),
        can_delete=comment.can_delete(user, editor=editor),
        can_flag=comment.can_flag(user),
    )


def load_discussion(
    target: Remedy | EvidencePage, *, user, order: str = "newest", page: int = 1
) -> Discussion:
    """One page of `target`'s threads with all their replies.

    Queries: the counts, then (when there are threads) the page of top-level
    comments and every reply in those threads, whatever their number.
    """
    comments = Comment.objects.on(target)
    stats = comments.stats()
    page_count = max(1, -(-stats["threads"] // THREADS_PER_PAGE))
    page = min(max(page, 1), page_count)
    threads: list[Node] = []
    if stats["threads"]:
        editor, now = is_editor(user), timezone.now()
        start = (page - 1) * THREADS_PER_PAGE
        roots = list(
            comments.threads(order).select_related("author")[
                start : start + THREADS_PER_PAGE
            ]
        )
        nodes = {c.pk: node_for(c, user, editor=editor, now=now) for c in roots}
        threads = [nodes[c.pk] for c in roots]
        replies = list(
            Comment.objects.filter(thread__in=roots)
            .select_related("author")
            .order_by("created_at", "pk")
        )
        for reply in replies:
            nodes[reply.pk] = node_for(reply, user, editor=editor, now=now)
        for reply in replies:
            nodes[reply.parent_id].children.append(nodes[reply.pk])
    return Discussion(
        target=target,
        threads=threads,
        comment_count=stats["comments"],
        participant_count=stats["participants"],
        thread_count=stats["threads"],
        order=order,
        page=page,
        page_count=page_count,
    )


def thread_page(comment: Comment, order: str = "newest") -> int:
    """The page of its discussion on which `comment`'s thread is shown."""
    root = comment.thread if comment.thread_id else comment
    roots = Comment.objects.filter(
        remedy_id=root.remedy_id,
        evidence_page_id=root.evidence_page_id,
        parent__isnull=True,
    )
    if order == "oldest":
        before = Q(created_at__lt=root.created_at) | Q(
            created_at=root.created_at, pk__lt=root.pk
        )
    else:
        before = Q(created_at__gt=root.created_at) | Q(
            created_at=root.created_at, pk__gt=root.pk
        )
    return roots.filter(before).count() // THREADS_PER_PAGE + 1
