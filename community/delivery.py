"""Sending one stored email, exactly once.

1. Claim it: one UPDATE moves it from waiting (and due) to SENDING with a
   lease. Only one worker's UPDATE can match, on SQLite and PostgreSQL alike.
2. Check it is still wanted (the member, their choice, the comment on show).
3. Send it through Django's mail API (settings.MAILERS).
4. Record SENT. If the database is away just then, keep trying until the
   lease runs out: the email is sent, and must not be sent again.

A failure to send puts it back to wait, with a later `due_at` (backoff), and
queues a task for then; after `MAX_ATTEMPTS` it is FAILED and logged. A
worker that stops between 1 and 4 leaves it SENDING; once the lease has run
out `tick` queues it again (services.recover). The one moment nothing can
cover is the mail server's "accepted" arriving and the process dying before
the next statement; then it goes again, with the same Message-ID.
"""

from __future__ import annotations

import logging
import random
import time
from datetime import timedelta

from django.core.mail import EmailMessage, mailers
from django.db import DatabaseError, connections
from django.utils import timezone

from .models import Email, Preference

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 8


def _setting(name: str, default: int) -> int:
    from .services import setting

    return setting(name, default)


def lease() -> timedelta:
    """How long a claim holds: well beyond the mail server's timeout."""
    return timedelta(seconds=_setting("COMMUNITY_SEND_LEASE_SECONDS", 300))


def backoff(attempt: int) -> timedelta:
    """30 s, 1 min, 2 min… at most an hour, give or take a fifth (so retries spread)."""
    base = _setting("COMMUNITY_RETRY_BASE_SECONDS", 30)
    seconds = min(base * 2 ** max(attempt - 1, 0), 3600)
    return timedelta(seconds=seconds * random.uniform(0.8, 1.2))  # noqa: S311


def claim(email_id: int) -> Email | None:
    """The email, now ours to send; None when it is sent, cancelled, not due,
    or being sent by another worker."""
    from django.db.models import F, Q

    now = timezone.now()
    claimed = (
        Email.objects.filter(pk=email_id)
        .filter(
            Q(status=Email.Status.PENDING, due_at__lte=now)
            | Q(status=Email.Status.SENDING, claimed_until__lt=now)
        )
        .update(
            status=Email.Status.SENDING,
            claimed_until=now + lease(),
            attempts=F("attempts") + 1,
        )
    )
    if not claimed:
        return None
    return (
        Email.objects.select_related("member", "notice__activity__comment")
        .filter(pk=email_id)
        .first()
    )


def unwanted(email: Email) -> str:
    """Why the email should no longer go out, or ""."""
    member = email.member
    if member is None:
        return "The member deleted their account."
    if not member.is_active:
        return "The member's account is inactive."
    choice = (
        Preference.objects.filter(member=member).values_list("email", flat=True).first()
    )
    if choice == Preference.Email.NEVER:
        return "The member turned emails off."
    if email.key.startswith("notice:"):
        if email.notice is None:
            return "The notice is gone."
        comment = email.notice.activity.comment
        if comment is not None and not comment.is_shown:
            return "The comment was removed, hidden or deleted."
    return ""


def _record(email: Email, **fields) -> int:
    """Update the claimed email, trying again while the database is away, until
    shortly before the lease runs out."""
    deadline = email.claimed_until - timedelta(seconds=5)
    pause = 0.25
    while True:
        try:
            return Email.objects.filter(
                pk=email.pk, status=Email.Status.SENDING
            ).update(**fields)
        except DatabaseError:
            if timezone.now() + timedelta(seconds=pause) > deadline:
                log.error(
                    "Email %s: could not record what happened before its lease ran out",
                    email.pk,
                )
                raise
            log.warning("Email %s: the database is away; trying again", email.pk)
            connections[Email.objects.db].close()
            time.sleep(pause)
            pause = min(pause * 2, 5)


def _message(email: Email) -> EmailMessage:
    return EmailMessage(
        subject=email.subject,
        body=email.body,
        to=[email.to],
        headers=email.headers,
    )


def deliver(email_id: int) -> str:
    """Send one stored email if it is due and nobody else is sending it. Returns what happened."""
    email = claim(email_id)
    if email is None:
        return "nothing to do"
    if why := unwanted(email):
        _record(
            email, status=Email.Status.CANCELLED, claimed_until=None, last_error=why
        )
        return "cancelled"
    try:
        if not mailers.default.send_messages([_message(email)]):
            raise RuntimeError("The mail server took nothing.")
    except Exception as exc:
        failed(email, exc)
        raise
    _record(
        email,
        status=Email.Status.SENT,
        sent_at=timezone.now(),
        claimed_until=None,
        last_error="",
    )
    return "sent"


def failed(email: Email, exc: Exception) -> None:
    """Put the email back to wait for a later try, or give up after MAX_ATTEMPTS."""
    from . import tasks

    error = f"{type(exc).__name__}: {exc}"[:2000]
    if email.attempts >= MAX_ATTEMPTS:
        _record(email, status=Email.Status.FAILED, claimed_until=None, last_error=error)
        log.error(
            "Email %s failed %d times; giving up: %s", email.pk, email.attempts, error
        )
        return
    now = timezone.now()
    due = now + backoff(email.attempts)
    _record(
        email,
        status=Email.Status.PENDING,
        due_at=due,
        queued_at=now,
        claimed_until=None,
        last_error=error,
    )
    log.warning(
        "Email %s failed (try %d of %d), trying again at %s: %s",
        email.pk,
        email.attempts,
        MAX_ATTEMPTS,
        due.isoformat(timespec="seconds"),
        error,
    )
    tasks.later(tasks.deliver, due, email.pk)
