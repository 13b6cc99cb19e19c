"""The community's background tasks (Django's Tasks framework).

Queued once the write that calls for them commits; run by `manage.py
db_worker` (django-tasks-db: the queue is a database table, so any number of
workers on any number of machines share it). Each task is safe to run twice:
what it makes has a unique key, and an email is claimed by one worker only.

`tick` runs every COMMUNITY_TICK_SECONDS: it sends the day's digests and
queues again whatever a stopped worker left undone.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.tasks import TaskResultStatus, task
from django.utils import timezone

from . import delivery, services

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 6


def later(what, when: datetime, *args, **kwargs) -> None:
    """Queue `what` to run at `when`, where the backend can wait; else now."""
    if what.get_backend().supports_defer:
        what = what.using(run_after=when)
    try:
        what.enqueue(*args, **kwargs)
    except Exception:  # the database is away: tick finds the work again later
        log.exception("Could not queue %s%s", what.name, args)


@task
def fan_out(activity_id: int, attempt: int = 1) -> int:
    """Make the notices and emails of one activity."""
    try:
        return services.fan_out(activity_id)
    except Exception:
        if attempt < MAX_ATTEMPTS:
            when = timezone.now() + delivery.backoff(attempt)
            log.warning(
                "Fan-out of activity %s failed (try %d); again at %s",
                activity_id,
                attempt,
                when.isoformat(timespec="seconds"),
            )
            later(fan_out, when, activity_id, attempt=attempt + 1)
        else:
            log.error("Fan-out of activity %s failed %d times", activity_id, attempt)
        raise


@task
def deliver(email_id: int) -> str:
    """Send one stored email (community/delivery.py)."""
    return delivery.deliver(email_id)


@task
def tick() -> dict:
    """Every COMMUNITY_TICK_SECONDS: the next tick first, then digests and lost work."""
    ensure_tick()
    activities, emails = services.recover()
    digests = services.send_digests()
    return {
        "requeued_activities": activities,
        "requeued_emails": emails,
        "digests": digests,
    }


def ensure_tick() -> None:
    """Queue the next tick unless one is waiting. Two at once merge into one:
    a tick that finds another waiting queues none."""
    backend = tick.get_backend()
    if not backend.supports_defer:
        return  # a backend that cannot wait: run `manage.py community_tick` on a schedule
    try:
        from django_tasks_db.backend import DatabaseBackend
        from django_tasks_db.models import DBTaskResult
    except ImportError:  # pragma: no cover - the database backend is a dependency
        return
    if not isinstance(backend, DatabaseBackend):
        return
    waiting = DBTaskResult.objects.filter(
        task_path=tick.module_path,
        backend_name=backend.alias,
        status=TaskResultStatus.READY,
    )
    if not waiting.exists():
        seconds = services.setting("COMMUNITY_TICK_SECONDS", 60)
        tick.using(run_after=timezone.now() + timedelta(seconds=seconds)).enqueue()
