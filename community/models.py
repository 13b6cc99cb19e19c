"""Watching, following, notices, emails and suggestions.

This app stands below votes and discussions (docs/architecture.md): it names
their models by string ("discussions.Comment") and reaches votes through
reverse relations, and never imports them.
"""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from remedies.models import EvidencePage, Remedy

# Members who never chose get emails at once.
DEFAULT_EMAIL = "now"


class Preference(models.Model):
    """How a member hears about things: notices on the site always; emails as they choose."""

    class Email(models.TextChoices):
        NOW = "now", "At once, one email for each"
        DAILY = "daily", "Once a day, in one digest"
        NEVER = "never", "Never: notices on the site only"

    member = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="community_preference",
    )
    email = models.CharField(max_length=5, choices=Email.choices, default=DEFAULT_EMAIL)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Emails {self.get_email_display().lower()}"


def _one_of(*fields: str) -> Q:
    """Exactly one of `fields` is set."""
    condition = Q()
    for field in fields:
        others = {f"{o}__isnull": True for o in fields if o != field}
        condition |= Q(**{f"{field}__isnull": False}, **others)
    return condition


class WatchQuerySet(models.QuerySet):
    def of(self, target: Remedy | EvidencePage) -> WatchQuerySet:
        """Watches of one discussion: a remedy's, or an evidence page's."""
        if isinstance(target, EvidencePage):
            return self.filter(evidence_page=target)
        return self.filter(remedy=target)


class Watch(models.Model):
    """A member hears of every new comment in one discussion."""

    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="watches"
    )
    # The discussion: a remedy's, or an evidence page's (exactly one is set).
    remedy = models.ForeignKey(
        Remedy, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    evidence_page = models.ForeignKey(
        EvidencePage, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = WatchQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=_one_of("remedy", "evidence_page"),
                name="watch_one_discussion",
            ),
            models.UniqueConstraint(
                fields=["member", "remedy"],
                condition=Q(remedy__isnull=False),
                name="watch_a_remedy_discussion_once",
            ),
            models.UniqueConstraint(
                fields=["member", "evidence_page"],
                condition=Q(evidence_page__isnull=False),
                name="watch_a_page_discussion_once",
            ),
        ]

    def __str__(self) -> str:
        return f"Watching {self.target}"

    @property
    def target(self) -> Remedy | EvidencePage:
        return self.evidence_page if self.evidence_page_id else self.remedy


class Follow(models.Model):
    """A member hears of new evidence pages and safety updates for a remedy or an ailment."""

    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="follows"
    )
    remedy = models.ForeignKey(
        Remedy, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    ailment = models.ForeignKey(
        "ailments.Ailment",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=_one_of("remedy", "ailment"), name="follow_one_thing"
            ),
            models.UniqueConstraint(
                fields=["member", "remedy"],
                condition=Q(remedy__isnull=False),
                name="follow_a_remedy_once",
            ),
            models.UniqueConstraint(
                fields=["member", "ailment"],
                condition=Q(ailment__isnull=False),
                name="follow_an_ailment_once",
            ),
        ]

    def __str__(self) -> str:
        return f"Following {self.remedy or self.ailment}"


class SuggestionQuerySet(models.QuerySet):
    def of(self, member) -> SuggestionQuerySet:
        """A member's suggestions, newest first, with what they are about."""
        return self.filter(member=member).select_related(
            "remedy", "ailment", "evidence_page__remedy", "evidence_page__ailment"
        )

    def waiting(self) -> SuggestionQuerySet:
        return self.filter(status=Suggestion.Status.PENDING)


class Suggestion(models.Model):
    """A member's suggestion: a new remedy, a remedy for an ailment, or a correction."""

    class Kind(models.TextChoices):
        REMEDY = "remedy", "A new remedy"
        PAIR = "pair", "A remedy for an ailment"
        CORRECTION = "correction", "A correction"

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for an editor"
        ACCEPTED = "accepted", "Accepted"
        DECLINED = "declined", "Declined"

    member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="suggestions",
    )
    kind = models.CharField(max_length=10, choices=Kind.choices)
    # A new remedy: its name. A remedy for an ailment: both, chosen from the site's.
    # A correction: the page it is about (a remedy, an ailment or an evidence page).
    remedy_name = models.CharField("remedy", max_length=120, blank=True)
    remedy = models.ForeignKey(
        Remedy, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    ailment = models.ForeignKey(
        "ailments.Ailment",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    evidence_page = models.ForeignKey(
        EvidencePage,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    details = models.TextField(max_length=3000)
    source = models.CharField(
        max_length=500, blank=True, help_text="A URL, a DOI or a PubMed ID."
    )
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.PENDING
    )
    created_at = models.DateTimeField(default=timezone.now)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    reason = models.TextField("editor’s note", max_length=1000, blank=True)
    # What accepting it made: a draft remedy or evidence page, or (a correction)
    # the change in the page's history that made it.
    draft_remedy = models.ForeignKey(
        Remedy, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    draft_page = models.ForeignKey(
        EvidencePage,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    history_id = models.PositiveBigIntegerField(null=True, blank=True, editable=False)

    objects = SuggestionQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "created_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.subject}"

    @property
    def subject(self) -> str:
        """What it is about, in a few words."""
        if self.kind == self.Kind.REMEDY:
            return self.remedy_name
        if self.kind == self.Kind.PAIR:
            remedy = self.remedy.name if self.remedy_id else self.remedy_name
            ailment = self.ailment.name if self.ailment_id else "an ailment"
            return f"{remedy} for {ailment}"
        return str(self.target or "a page no longer on the site")

    @property
    def target(self):
        """The page a correction is about."""
        return self.evidence_page or self.remedy or self.ailment

    @property
    def is_pending(self) -> bool:
        return self.status == self.Status.PENDING


class Activity(models.Model):
    """Something members may hear about. Made in the transaction of the write
    itself, so it is never lost; its notices and emails are made by a task."""

    class Kind(models.TextChoices):
        COMMENT = "comment", "A comment"
        PUBLISHED = "published", "A new evidence page"
        SAFETY = "safety", "A safety update"
        DECISION = "decision", "A decision on a suggestion"

    kind = models.CharField(max_length=10, choices=Kind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    comment = models.ForeignKey(
        "discussions.Comment",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    # A reply: the author of the comment it answers.
    answered = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    remedy = models.ForeignKey(
        Remedy, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    ailment = models.ForeignKey(
        "ailments.Ailment",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    evidence_page = models.ForeignKey(
        EvidencePage, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    suggestion = models.ForeignKey(
        Suggestion, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    # Written when it happens: names change, pages move.
    actor_name = models.CharField(max_length=50, blank=True)
    title = models.CharField(max_length=300)
    place = models.CharField(max_length=300)
    text = models.TextField(blank=True)
    path = models.CharField(max_length=500)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    # When its fan-out task was last queued, and when it finished.
    queued_at = models.DateTimeField(default=timezone.now)
    fanned_out_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["comment"],
                condition=Q(kind="comment"),
                name="one_activity_per_comment",
            )
        ]
        indexes = [
            models.Index(
                fields=["queued_at"],
                condition=Q(fanned_out_at__isnull=True),
                name="activity_waiting",
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_safety(self) -> bool:
        return self.kind == self.Kind.SAFETY


class NoticeQuerySet(models.QuerySet):
    def shown(self) -> NoticeQuerySet:
        """Notices whose comment, if any, is still on show (not removed, hidden or deleted)."""
        comment_model = Activity._meta.get_field("comment").related_model
        return self.filter(
            Q(activity__comment__isnull=True)
            | Q(activity__comment__state__in=comment_model.SHOWN)
        )

    def unread(self) -> NoticeQuerySet:
        return self.filter(read_at__isnull=True)

    def for_inbox(self) -> NoticeQuerySet:
        """What the inbox lists: comments over the day's cap show as their folded notice."""
        return (
            self.filter(fold__isnull=True)
            .shown()
            .select_related("activity")
            .order_by("-created_at", "-pk")
        )


class Notice(models.Model):
    """One member's notice of an activity, in their inbox on the site."""

    class Reason(models.TextChoices):
        REPLY = "reply", "Someone replied to your comment"
        WATCHING = "watching", "You watch this discussion"
        FOLLOWING = "following", "You follow this"
        VOTED = "voted", "You voted on this"
        SUGGESTION = "suggestion", "You made this suggestion"

    class Email(models.TextChoices):
        NONE = "none", "No email"
        NOW = "now", "Emailed at once"
        DIGEST = "digest", "Waiting for the next digest"
        DIGESTED = "digested", "Sent in a digest"

    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notices"
    )
    activity = models.ForeignKey(
        Activity, on_delete=models.CASCADE, related_name="notices"
    )
    reason = models.CharField(max_length=10, choices=Reason.choices)
    # "a:<activity>:<member>"; or "fold:<actor>:<day>:<member>" for the one
    # notice into which a day's cap folds a member's further comments.
    key = models.CharField(max_length=120, unique=True)
    folded = models.PositiveIntegerField(
        default=0, help_text="Comments folded into this notice by the daily cap."
    )
    # A comment over the cap: kept (so it is never notified twice), shown
    # only as part of the day's folded notice.
    fold = models.ForeignKey(
        "self",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="folded_notices",
    )
    email = models.CharField(
        max_length=8, choices=Email.choices, default=Email.NONE, db_index=True
    )
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)

    objects = NoticeQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(
                fields=["member"],
                condition=Q(read_at__isnull=True),
                name="notice_unread",
            ),
            models.Index(fields=["member", "-created_at"], name="notice_inbox"),
        ]

    def __str__(self) -> str:
        return self.headline

    def get_absolute_url(self) -> str:
        return reverse("community:open_notice", args=[self.pk])

    @property
    def is_read(self) -> bool:
        return self.read_at is not None

    @property
    def is_safety(self) -> bool:
        return self.activity.is_safety

    @property
    def headline(self) -> str:
        a = self.activity
        if self.folded:
            n = self.folded
            return f"{a.actor_name} posted {n} more comment{'s' if n > 1 else ''} today"
        if a.kind == Activity.Kind.COMMENT and self.reason == self.Reason.REPLY:
            return f"{a.actor_name} replied to your comment on {a.place}"
        return a.title


class EmailQuerySet(models.QuerySet):
    def lost(self, now: datetime, grace) -> EmailQuerySet:
        """Emails whose task was lost: waiting well past their time, or claimed
        by a worker that stopped before it finished."""
        return self.filter(
            Q(status=Email.Status.PENDING, due_at__lte=now, queued_at__lt=now - grace)
            | Q(status=Email.Status.SENDING, claimed_until__lt=now)
        )


class Email(models.Model):
    """An email to a member, stored before it is sent: its key makes it once only.

    A task claims it (SENDING, with a lease), sends it, and records SENT; a
    failure puts it back with a later `due_at`. `tick` finds any whose task
    was lost (a worker stopped, the database restarted) and queues it again.
    """

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting to be sent"
        SENDING = "sending", "Being sent"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"
        CANCELLED = "cancelled", "Not sent: no longer wanted"

    key = models.CharField(max_length=150, unique=True)
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # The notice it tells of; none for a digest, which tells of many.
    notice = models.ForeignKey(
        Notice, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    to = models.EmailField(max_length=254)
    subject = models.CharField(max_length=300)
    body = models.TextField()
    headers = models.JSONField(default=dict)
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    due_at = models.DateTimeField(default=timezone.now)
    queued_at = models.DateTimeField(default=timezone.now)
    claimed_until = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    objects = EmailQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(
                fields=["status", "due_at"],
                condition=Q(status__in=["pending", "sending"]),
                name="email_waiting",
            )
        ]

    def __str__(self) -> str:
        return f"{self.subject} ({self.get_status_display().lower()})"
