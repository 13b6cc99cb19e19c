"""Writes of the community loop: watching, following, notices, suggestions.

The writes people make (a comment, an editor's save) call in here, in their
own transaction; what is slow or talks to another server (making every
notice of a change, sending email) runs afterwards as a task
(community/tasks.py), queued once the transaction commits.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.text import Truncator, slugify

from ailments.models import Ailment
from core import freshness
from remedies.models import EvidencePage, Remedy

from . import emails
from .models import (
    DEFAULT_EMAIL,
    Activity,
    Email,
    Follow,
    Notice,
    Preference,
    Suggestion,
    Watch,
)

log = logging.getLogger(__name__)


def setting(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


def stranger_cap() -> int:
    """Notices a day from one member to someone who never answered them; the rest fold into one."""
    return setting("COMMUNITY_STRANGER_DAILY_CAP", 3)


# Preferences


def email_choice(member) -> str:
    found = (
        Preference.objects.filter(member=member).values_list("email", flat=True).first()
    )
    return found or DEFAULT_EMAIL


def set_email_choice(member, choice: str) -> None:
    if choice not in Preference.Email.values:
        raise ValueError(f"Not an email choice: {choice!r}")
    Preference.objects.update_or_create(member=member, defaults={"email": choice})


def unsubscribe(member) -> None:
    """No more emails of any kind; notices on the site go on."""
    set_email_choice(member, Preference.Email.NEVER)


# Watching discussions and following remedies and ailments


def _discussion(target: Remedy | EvidencePage) -> dict:
    if isinstance(target, EvidencePage):
        return {"evidence_page": target}
    return {"remedy": target}


def _create_once(model, **fields) -> bool:
    """Create the row; False when its unique constraint says it exists already."""
    try:
        with transaction.atomic():
            model.objects.create(**fields)
    except IntegrityError:
        return False
    return True


def watch(member, target: Remedy | EvidencePage) -> bool:
    """Watch `target`'s discussion; False when already watching."""
    return _create_once(Watch, member=member, **_discussion(target))


def unwatch(member, target: Remedy | EvidencePage) -> bool:
    deleted, _ = Watch.objects.of(target).filter(member=member).delete()
    return bool(deleted)


def _followed(thing: Remedy | Ailment) -> dict:
    if isinstance(thing, Ailment):
        return {"ailment": thing}
    if isinstance(thing, Remedy):
        return {"remedy": thing}
    raise TypeError(f"Only remedies and ailments are followed, not {thing!r}")


def follow(member, thing: Remedy | Ailment) -> bool:
    """Follow a remedy or an ailment; False when already following."""
    return _create_once(Follow, member=member, **_followed(thing))


def unfollow(member, thing: Remedy | Ailment) -> bool:
    deleted, _ = Follow.objects.filter(member=member, **_followed(thing)).delete()
    return bool(deleted)


# Notices on the site


def _unread_sql() -> str:
    comment = Activity._meta.get_field("comment").related_model
    shown = ", ".join(f"'{state}'" for state in comment.SHOWN)
    return (
        f"SELECT COUNT(*) FROM {Notice._meta.db_table} n "
        f"JOIN {Activity._meta.db_table} a ON a.id = n.activity_id "
        f"LEFT JOIN {comment._meta.db_table} c ON c.id = a.comment_id "
        "WHERE n.member_id = %s AND n.fold_id IS NULL AND n.read_at IS NULL "
        f"AND (a.comment_id IS NULL OR c.state IN ({shown}))"
    )


def unread_count(member) -> int:
    """The member's unread notices, for the header. One query; none for a visitor.

    The same count as `Notice.objects.filter(member=…, fold=None).unread()
    .shown().count()` (tested), in plain SQL: it is read on every page a
    member opens, and building the ORM's query costs more than running it.
    """
    if not getattr(member, "is_authenticated", False):
        return 0
    with connection.cursor() as cursor:
        cursor.execute(_unread_sql(), [member.pk])
        return cursor.fetchone()[0]


def account_summary(member) -> dict:
    """Unread notices, email choice, follows and watches, in one query (the account page)."""
    from django.db.models import IntegerField, OuterRef, Subquery
    from django.db.models.functions import Coalesce

    def count(queryset):
        counted = (
            queryset.filter(member=OuterRef("pk"))
            .order_by()
            .values("member")
            .annotate(n=Count("pk"))
            .values("n")
        )
        return Coalesce(Subquery(counted, output_field=IntegerField()), 0)

    unread = Notice.objects.filter(fold__isnull=True).unread().shown()
    row = (
        get_user_model()
        .objects.filter(pk=member.pk)
        .annotate(
            n_unread=count(unread),
            n_follows=count(Follow.objects.all()),
            n_watches=count(Watch.objects.all()),
        )
        .values("n_unread", "n_follows", "n_watches", "community_preference__email")
        .first()
    )
    return {
        "unread": row["n_unread"],
        "follow_count": row["n_follows"],
        "watch_count": row["n_watches"],
        "email": row["community_preference__email"] or DEFAULT_EMAIL,
    }


def mark_read(notice: Notice) -> None:
    if notice.read_at is None:
        Notice.objects.filter(pk=notice.pk, read_at__isnull=True).update(
            read_at=timezone.now()
        )


def mark_all_read(member) -> int:
    return Notice.objects.filter(member=member, read_at__isnull=True).update(
        read_at=timezone.now()
    )


# What happened: each write makes an Activity in its own transaction, and a
# task makes the notices and emails once it commits.


def _after_commit(task, *args) -> None:
    """Queue `task` once the transaction commits. A queue that fails then is
    logged, not raised: the write is saved, and `tick` queues it again."""
    from . import tasks

    def enqueue():
        task.enqueue(*args)
        tasks.ensure_tick()

    transaction.on_commit(enqueue, robust=True)


def _record(**fields) -> Activity:
    from . import tasks

    activity = Activity.objects.create(**fields)
    _after_commit(tasks.fan_out, activity.pk)
    return activity


def place_of(target: Remedy | EvidencePage) -> str:
    if isinstance(target, EvidencePage):
        return f"{target.remedy.name} for {target.ailment.name}"
    return target.name


def comment_posted(comment, *, answering=None) -> Activity | None:
    """A comment or reply was written: its author watches the discussion, and
    its readers (the author of the comment it answers, the discussion's
    watchers) hear of it. Call it in the transaction that wrote the comment.

    `answering`: the comment a reply answers, where the reply is attached
    elsewhere (beside it, at the deepest level); else its parent."""
    if comment.author_id is None:
        return None
    answered = answering or comment.parent
    target = comment.target
    with transaction.atomic():
        watch(comment.author, target)
        found = Activity.objects.filter(
            kind=Activity.Kind.COMMENT, comment=comment
        ).first()
        if found:  # the same form sent twice stores one comment
            return found
        actor = comment.author.public_name
        place = place_of(target)
        return _record(
            kind=Activity.Kind.COMMENT,
            actor=comment.author,
            actor_name=actor[:50],
            comment=comment,
            answered_id=answered.author_id if answered is not None else None,
            remedy=target if isinstance(target, Remedy) else target.remedy,
            evidence_page=target if isinstance(target, EvidencePage) else None,
            title=f"{actor} commented on {place}"[:300],
            place=place[:300],
            text=comment.text,
            path=reverse("discussions:comment", args=[comment.pk]),
        )


def page_published(page: EvidencePage, *, by=None) -> Activity | None:
    """An editor published a new evidence page: followers of its remedy or ailment hear of it."""
    if not (
        page.is_published and page.remedy.is_published and page.ailment.is_published
    ):
        return None
    place = place_of(page)
    return _record(
        kind=Activity.Kind.PUBLISHED,
        actor=by,
        actor_name=by.public_name[:50] if by else "",
        remedy=page.remedy,
        ailment=page.ailment,
        evidence_page=page,
        title=f"New evidence page: {place}"[:300],
        place=place[:300],
        text=page.summary,
        path=page.get_absolute_url(),
    )


def safety_update(obj, changes: list[str], *, by=None) -> Activity | None:
    """A red flag added, a warning changed, or a safety rating or evidence grade
    gone down, on `obj` (a remedy, an ailment or an evidence page). Followers
    and voters hear of it, marked as a safety update."""
    if not changes or not _is_live(obj):
        return None
    place = place_of(obj) if not isinstance(obj, Ailment) else obj.name
    return _record(
        kind=Activity.Kind.SAFETY,
        actor=by,
        actor_name=by.public_name[:50] if by else "",
        **_subject_of(obj),
        title=f"Safety update: {place}"[:300],
        place=place[:300],
        text="\n".join(changes),
        path=obj.get_absolute_url(),
    )


def _is_live(obj) -> bool:
    if isinstance(obj, EvidencePage):
        return obj.is_published and obj.remedy.is_published and obj.ailment.is_published
    return obj.is_published


def _subject_of(obj) -> dict:
    if isinstance(obj, EvidencePage):
        return {"evidence_page": obj, "remedy": obj.remedy, "ailment": obj.ailment}
    if isinstance(obj, Remedy):
        return {"remedy": obj}
    return {"ailment": obj}


# Who hears of what


def _active_only(people: dict) -> dict:
    """The members of `people` (member id: reason) whose accounts are active."""
    if not people:
        return people
    active = set(
        get_user_model()
        .objects.filter(pk__in=people, is_active=True)
        .values_list("pk", flat=True)
    )
    return {pk: why for pk, why in people.items() if pk in active}


def audience(kind: str, obj, *, exclude=None) -> dict[int, str]:
    """{member id: reason} for a new evidence page (`kind` "published") or a
    safety update ("safety") about `obj`. Each member once: followers first,
    then members who voted on it. The editors' forms count the same."""
    subject = _subject_of(obj)
    followed = Q(pk__in=[])
    if (remedy := subject.get("remedy")) is not None:
        followed |= Q(remedy=remedy)
    if (ailment := subject.get("ailment")) is not None:
        followed |= Q(ailment=ailment)
    people: dict[int, str] = dict.fromkeys(
        Follow.objects.filter(followed).values_list("member_id", flat=True),
        Notice.Reason.FOLLOWING,
    )
    if kind == Activity.Kind.SAFETY:
        # Members who voted on it (reached through their votes, by relation name).
        voted = get_user_model().objects
        if isinstance(obj, EvidencePage):
            voted = voted.filter(votes__page=obj)
        elif isinstance(obj, Remedy):
            voted = voted.filter(votes__page__remedy=obj)
        else:
            voted = voted.filter(votes__page__ailment=obj)
        for pk in voted.values_list("pk", flat=True).distinct():
            people.setdefault(pk, Notice.Reason.VOTED)
    if exclude is not None:
        people.pop(exclude.pk, None)
    return _active_only(people)


def audience_count(kind: str, obj, *, exclude=None) -> int:
    return len(audience(kind, obj, exclude=exclude))


# Making notices and emails: the fan-out task's work.


def fan_out(activity_id: int) -> int:
    """Make every notice and email of one activity, once; returns how many notices.

    Idempotent: each notice has a unique key, so a task that runs again (a
    worker stopped half-way, a retry) makes only what is missing.
    """
    from . import tasks

    activity = (
        Activity.objects.select_related("comment", "suggestion")
        .filter(pk=activity_id)
        .first()
    )
    if activity is None or activity.fanned_out_at is not None:
        return 0
    if activity.kind == Activity.Kind.COMMENT:
        people, capped = _comment_readers(activity), True
    elif activity.kind == Activity.Kind.DECISION:
        s = activity.suggestion
        people = {s.member_id: Notice.Reason.SUGGESTION} if s and s.member_id else {}
        capped = False
    else:
        obj = activity.evidence_page or activity.remedy or activity.ailment
        people = audience(activity.kind, obj, exclude=activity.actor)
        capped = False
    with transaction.atomic():
        made = _make_notices(activity, people, capped=capped)
        new_emails = _make_emails(made)
        Activity.objects.filter(pk=activity.pk).update(fanned_out_at=timezone.now())
        for email in new_emails:
            transaction.on_commit(
                lambda pk=email.pk: tasks.deliver.enqueue(pk), robust=True
            )
    return len(made)


def _comment_readers(activity: Activity) -> dict[int, str]:
    comment = activity.comment
    if comment is None or not comment.is_shown or comment.author_id is None:
        return {}
    people: dict[int, str] = {}
    if activity.answered_id:
        people[activity.answered_id] = Notice.Reason.REPLY
    # Those who watched when it was written (not those who came to watch since).
    watchers = Watch.objects.of(comment.target).filter(
        created_at__lte=comment.created_at
    )
    for pk in watchers.values_list("member_id", flat=True):
        people.setdefault(pk, Notice.Reason.WATCHING)
    people.pop(comment.author_id, None)  # nobody hears of their own comment
    return _active_only(people)


def _day_start(moment: datetime) -> datetime:
    return moment.astimezone(UTC).replace(hour=0, minute=0, second=0, microsecond=0)


def _over_the_cap(activity: Activity, people: Iterable[int]) -> set[int]:
    """Members who have had `stranger_cap()` notices today from this activity's
    author, someone they have never answered."""
    people = list(people)
    comment_model = type(activity.comment)
    actor = activity.actor_id
    answered = set(
        comment_model.objects.filter(
            author_id__in=people, parent__author_id=actor
        ).values_list("author_id", flat=True)
    )
    strangers = [pk for pk in people if pk not in answered]
    if not strangers:
        return set()
    day = _day_start(activity.created_at)
    counts = dict(
        Notice.objects.filter(
            member_id__in=strangers,
            activity__actor_id=actor,
            activity__kind=Activity.Kind.COMMENT,
            activity__created_at__gte=day,
            activity__created_at__lt=activity.created_at,
            fold__isnull=True,
        )
        .exclude(key__startswith="fold:")
        .values("member_id")
        .annotate(n=Count("pk"))
        .values_list("member_id", "n")
    )
    cap = stranger_cap()
    return {pk for pk in strangers if counts.get(pk, 0) >= cap}


def _email_modes(people: Iterable[int]) -> dict[int, str]:
    """How each member takes email: "now", "daily" or "never" (also when they
    have no verified address to send to)."""
    people = list(people)
    modes = dict.fromkeys(people, Preference.Email.NEVER)
    verified = (
        get_user_model()
        .objects.filter(
            pk__in=people,
            emailaddress__verified=True,
            emailaddress__primary=True,
        )
        .values_list("pk", flat=True)
    )
    chosen = dict(
        Preference.objects.filter(member_id__in=people).values_list(
            "member_id", "email"
        )
    )
    for pk in verified:
        modes[pk] = chosen.get(pk, DEFAULT_EMAIL)
    return modes


def _make_notices(
    activity: Activity, people: dict[int, str], *, capped: bool
) -> list[Notice]:
    """The notices of `activity` that do not exist yet; returns those made that
    an email tells of at once."""
    if not people:
        return []
    over = _over_the_cap(activity, people) if capped else set()
    modes = _email_modes(people)
    keys = {pk: f"a:{activity.pk}:{pk}" for pk in people}
    existing = set(
        Notice.objects.filter(key__in=keys.values()).values_list("key", flat=True)
    )
    now = timezone.now()
    day = _day_start(activity.created_at).date().isoformat()
    new: list[Notice] = []
    for pk, reason in people.items():
        if keys[pk] in existing:
            continue
        mode = modes[pk]
        if pk in over:
            fold = _fold_for(activity, pk, reason, day, mode)
            new.append(
                Notice(
                    member_id=pk,
                    activity=activity,
                    reason=reason,
                    key=keys[pk],
                    fold=fold,
                    read_at=now,
                    created_at=activity.created_at,
                )
            )
            continue
        email = {
            Preference.Email.NOW: Notice.Email.NOW,
            Preference.Email.DAILY: Notice.Email.DIGEST,
        }.get(mode, Notice.Email.NONE)
        new.append(
            Notice(
                member_id=pk,
                activity=activity,
                reason=reason,
                key=keys[pk],
                email=email,
                created_at=activity.created_at,
            )
        )
    made = Notice.objects.bulk_create(new)
    folds = {n.fold_id for n in made if n.fold_id}
    for fold_id in folds:
        Notice.objects.filter(pk=fold_id).update(
            folded=Notice.objects.filter(fold_id=fold_id).count()
        )
    return [n for n in made if n.email == Notice.Email.NOW]


def _fold_for(activity, member_id: int, reason: str, day: str, mode: str) -> Notice:
    """The one notice of the day into which `activity`'s author's further
    comments fold for `member_id`; it goes out in the next digest."""
    fold, _ = Notice.objects.get_or_create(
        key=f"fold:{activity.actor_id}:{day}:{member_id}",
        defaults={
            "member_id": member_id,
            "activity": activity,
            "reason": reason,
            "email": (
                Notice.Email.NONE
                if mode == Preference.Email.NEVER
                else Notice.Email.DIGEST
            ),
            "created_at": activity.created_at,
        },
    )
    return fold


def _make_emails(notices: list[Notice]) -> list[Email]:
    if not notices:
        return []
    members = {
        u.pk: u
        for u in get_user_model().objects.filter(pk__in={n.member_id for n in notices})
    }
    made = []
    for notice in notices:
        member = members[notice.member_id]
        key = f"notice:{notice.pk}"
        message = emails.for_notice(notice, member, key)
        made.append(
            Email(
                key=key,
                member=member,
                notice=notice,
                to=member.email,
                subject=message.subject,
                body=message.body,
                headers=message.headers,
            )
        )
    return Email.objects.bulk_create(made)


# Digests


def digest_due(now: datetime) -> bool:
    """Digests go out once a day, from COMMUNITY_DIGEST_HOUR (UTC)."""
    return now.astimezone(UTC).hour >= setting("COMMUNITY_DIGEST_HOUR", 7)


def send_digests(now: datetime | None = None) -> int:
    """Make today's digest for every member with notices waiting for one; returns how many."""
    now = now or timezone.now()
    if not digest_due(now):
        return 0
    waiting = (
        Notice.objects.filter(email=Notice.Email.DIGEST)
        .values_list("member_id", flat=True)
        .distinct()
    )
    return sum(1 for pk in list(waiting) if make_digest(pk, now))


def make_digest(member_id: int, now: datetime) -> Email | None:
    """One email with every notice waiting for a digest; at most one a day."""
    from . import tasks

    day = now.astimezone(UTC).date().isoformat()
    key = f"digest:{member_id}:{day}"
    member = get_user_model().objects.filter(pk=member_id).first()
    try:
        with transaction.atomic():
            if member is None or Email.objects.filter(key=key).exists():
                return None
            notices = list(
                Notice.objects.select_for_update(of=("self",))
                .filter(member_id=member_id, email=Notice.Email.DIGEST)
                .select_related("activity__comment")
                .order_by("created_at", "pk")
            )
            shown = [n for n in notices if _still_shown(n)]
            mode = _email_modes([member_id])[member_id]
            if not shown or mode == Preference.Email.NEVER or not member.is_active:
                Notice.objects.filter(pk__in=[n.pk for n in notices]).update(
                    email=Notice.Email.NONE
                )
                return None
            message = emails.for_digest(shown, member, key)
            email = Email.objects.create(
                key=key,
                member=member,
                to=member.email,
                subject=message.subject,
                body=message.body,
                headers=message.headers,
            )
            Notice.objects.filter(pk__in=[n.pk for n in shown]).update(
                email=Notice.Email.DIGESTED
            )
            Notice.objects.filter(
                pk__in=[n.pk for n in notices if n not in shown]
            ).update(email=Notice.Email.NONE)
            transaction.on_commit(lambda: tasks.deliver.enqueue(email.pk), robust=True)
            return email
    except IntegrityError:  # another worker made it first
        return None


def _still_shown(notice: Notice) -> bool:
    comment = notice.activity.comment
    return comment is None or comment.is_shown


# Finding lost work


def recover(now: datetime | None = None) -> tuple[int, int]:
    """Queue again what a lost task left undone: activities whose notices were
    never made, emails never sent. Returns (activities, emails) queued.

    Queuing twice is harmless: a fan-out makes only missing notices, and only
    one task can claim an email."""
    from . import tasks

    now = now or timezone.now()
    grace = timedelta(seconds=setting("COMMUNITY_RECOVER_AFTER_SECONDS", 300))
    activities = list(
        Activity.objects.filter(
            fanned_out_at__isnull=True, queued_at__lt=now - grace
        ).values_list("pk", flat=True)[:500]
    )
    for pk in activities:
        Activity.objects.filter(pk=pk).update(queued_at=now)
        tasks.fan_out.enqueue(pk)
    lost = list(Email.objects.lost(now, grace).values_list("pk", flat=True)[:500])
    for pk in lost:
        Email.objects.filter(pk=pk).update(queued_at=now)
        tasks.deliver.enqueue(pk)
    if activities or lost:
        log.warning(
            "Queued again after their tasks were lost: %d activities, %d emails",
            len(activities),
            len(lost),
        )
    return len(activities), len(lost)


# Suggestions


def suggest(member, **fields) -> Suggestion:
    return Suggestion.objects.create(member=member, **fields)


def _decided(suggestion: Suggestion, status: str, by, reason: str) -> Suggestion:
    """Lock the suggestion, check it still waits, and record the decision."""
    locked = Suggestion.objects.select_for_update().get(pk=suggestion.pk)
    if not locked.is_pending:
        raise ValidationError("This suggestion has already been decided.")
    suggestion.status = status
    suggestion.decided_at = timezone.now()
    suggestion.decided_by = by
    suggestion.reason = reason
    return suggestion


def accept_suggestion(
    suggestion: Suggestion, *, by, note: str = "", category=None
) -> Suggestion:
    """Accept: a new remedy or a remedy for an ailment becomes a draft linked to
    the suggestion; a correction is linked to the latest change in its page's
    history. The member hears of it."""
    if not (by.is_staff and by.has_perm("community.change_suggestion")):
        raise PermissionDenied("Only editors decide on suggestions.")
    with transaction.atomic():
        _decided(suggestion, Suggestion.Status.ACCEPTED, by, note)
        fields = ["status", "decided_at", "decided_by", "reason"]
        if suggestion.kind == Suggestion.Kind.REMEDY:
            if category is None:
                raise ValidationError("Choose a category for the new remedy.")
            suggestion.draft_remedy = _draft_remedy(suggestion, category)
            fields.append("draft_remedy")
        elif suggestion.kind == Suggestion.Kind.PAIR:
            suggestion.draft_page = _draft_page(suggestion)
            fields.append("draft_page")
        else:
            suggestion.history_id = _link_history(suggestion)
            fields.append("history_id")
        suggestion.save(update_fields=fields)
        _decision_activity(suggestion, by)
    return suggestion


def decline_suggestion(suggestion: Suggestion, *, by, reason: str) -> Suggestion:
    """Decline, with a reason the member reads."""
    if not (by.is_staff and by.has_perm("community.change_suggestion")):
        raise PermissionDenied("Only editors decide on suggestions.")
    if not reason.strip():
        raise ValidationError(
            "Say why the suggestion is declined: the member reads it."
        )
    with transaction.atomic():
        _decided(suggestion, Suggestion.Status.DECLINED, by, reason.strip())
        suggestion.save(update_fields=["status", "decided_at", "decided_by", "reason"])
        _decision_activity(suggestion, by)
    return suggestion


def _unique_slug(model, name: str) -> str:
    base = slugify(name)[:100] or "suggested"
    slug, n = base, 2
    while model.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


def _draft_remedy(suggestion: Suggestion, category) -> Remedy:
    existing = Remedy.objects.filter(name__iexact=suggestion.remedy_name).first()
    if existing:
        return existing
    remedy = Remedy.objects.create(
        name=suggestion.remedy_name,
        slug=_unique_slug(Remedy, suggestion.remedy_name),
        category=category,
        what_it_is=suggestion.details,
        is_published=False,
    )
    freshness.content_changed(remedy)
    return remedy


def _draft_page(suggestion: Suggestion) -> EvidencePage:
    if suggestion.remedy is None or suggestion.ailment is None:
        raise ValidationError("The remedy or the ailment is no longer on the site.")
    page, created = EvidencePage.objects.get_or_create(
        remedy=suggestion.remedy,
        ailment=suggestion.ailment,
        defaults={
            "summary": "",
            "why_it_works": suggestion.details,
            "grade": EvidencePage.Grade.INSUFFICIENT,
            "is_published": False,
        },
    )
    if created:
        freshness.content_changed(page)
    return page


def _link_history(suggestion: Suggestion) -> int | None:
    """The latest change in the history of the corrected page, noted as this correction."""
    target = suggestion.target
    if target is None:
        raise ValidationError("The page is no longer on the site.")
    record = target.history.order_by("-history_date", "-history_id").first()
    if record is None:
        return None
    if not record.history_change_reason:
        type(record).objects.filter(pk=record.pk).update(
            history_change_reason=f"Correction suggested by a member (suggestion {suggestion.pk})"
        )
    return record.pk


def _decision_activity(suggestion: Suggestion, by) -> None:
    if suggestion.member_id is None:
        return
    verb = "accepted" if suggestion.status == Suggestion.Status.ACCEPTED else "declined"
    subject = Truncator(suggestion.subject).chars(120)
    _record(
        kind=Activity.Kind.DECISION,
        actor=by,
        actor_name=by.public_name[:50],
        suggestion=suggestion,
        title=f"Your suggestion was {verb}: {subject}"[:300],
        place=subject[:300],
        text=suggestion.reason,
        path=reverse("accounts:profile") + "#suggestions",
    )


# The member's own data download (accounts/export.py adds it under "community").


def _time(value):
    return value.isoformat() if value else None


def member_data(member) -> dict:
    """Everything the community holds about `member`: their email choice,
    follows, watches, notices and suggestions. Five queries."""
    follows = Follow.objects.filter(member=member).select_related("remedy", "ailment")
    watches = Watch.objects.filter(member=member).select_related(
        "remedy", "evidence_page__remedy", "evidence_page__ailment"
    )
    notices = Notice.objects.filter(member=member).select_related("activity")
    return {
        "email_choice": email_choice(member),
        "following": [
            {"name": (f.remedy or f.ailment).name, "since": _time(f.created_at)}
            for f in follows
        ],
        "watching": [
            {"discussion": str(w.target), "since": _time(w.created_at)} for w in watches
        ],
        "notices": [
            {
                "headline": n.headline,
                "why": n.get_reason_display(),
                "at": _time(n.created_at),
                "read_at": _time(n.read_at),
            }
            for n in notices
        ],
        "suggestions": [
            {
                "kind": s.get_kind_display(),
                "about": s.subject,
                "details": s.details,
                "source": s.source,
                "status": s.get_status_display(),
                "editors_note": s.reason,
                "at": _time(s.created_at),
            }
            for s in Suggestion.objects.of(member)
        ],
    }
