"""Sending is once only and never lost: a claim that one worker alone wins,
retries with backoff after a failure (logged), a lease after which a stopped
worker's email goes again, and the tick that queues lost work again."""

from __future__ import annotations

import smtplib
from datetime import timedelta
from unittest import mock

from django.core import mail
from django.db import OperationalError
from django.tasks import TaskResultStatus
from django.test import TransactionTestCase, override_settings
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from community import delivery, services, tasks
from community.models import Activity, Email
from tests.helpers import make_comment, make_member, make_page

from .helpers import run_tasks


def fail_then_send(failures: int):
    """A mailer whose first `failures` sends fail as a mail server would."""
    real = mail.mailers.default
    calls = {"n": 0}

    class Flaky:
        def send_messages(self, messages):
            calls["n"] += 1
            if calls["n"] <= failures:
                raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
            return real.send_messages(messages)

    return mock.patch.object(
        type(mail.mailers),
        "default",
        new_callable=mock.PropertyMock,
        return_value=Flaky(),
    ), calls


@override_settings(DISCUSSION_POST_INTERVAL=0, COMMUNITY_RETRY_BASE_SECONDS=30)
class DeliveryTests(TransactionTestCase):
    def setUp(self):
        page = make_page()
        self.alice = make_member(display_name="Alice")
        root = make_comment(page, author=self.alice, text="Root")
        make_comment(parent=root, author=make_member(display_name="Bob"), text="Hi")
        # Make the notices and the email, but send nothing yet.
        for activity in Activity.objects.all():
            tasks.fan_out.call(activity.pk)
        self.email = Email.objects.get()
        DBTaskResult.objects.all().delete()  # each test queues what it needs

    def test_an_email_is_sent_once_however_often_its_task_runs(self):
        for _ in range(3):
            tasks.deliver.call(self.email.pk)
        run_tasks()
        self.assertEqual(len(mail.outbox), 1)
        self.email.refresh_from_db()
        self.assertEqual(self.email.status, Email.Status.SENT)
        self.assertEqual(self.email.attempts, 1)

    def test_only_one_worker_can_claim_an_email(self):
        first = delivery.claim(self.email.pk)
        self.assertIsNotNone(first)
        self.assertIsNone(delivery.claim(self.email.pk))
        self.assertEqual(delivery.deliver(self.email.pk), "nothing to do")
        self.assertEqual(mail.outbox, [])

    def test_a_failure_is_logged_and_tried_again_later_with_backoff(self):
        patch, calls = fail_then_send(2)
        with (
            patch,
            self.assertLogs("community.delivery", "WARNING") as logs,
            self.assertRaises(smtplib.SMTPServerDisconnected),
        ):
            tasks.deliver.call(self.email.pk)
        self.assertIn("failed (try 1 of 8)", logs.output[0])
        self.email.refresh_from_db()
        self.assertEqual(self.email.status, Email.Status.PENDING)
        wait = self.email.due_at - timezone.now()
        self.assertTrue(timedelta(seconds=20) < wait < timedelta(seconds=40), wait)
        # The retry is queued for then, not before.
        retry = DBTaskResult.objects.get(
            task_path="community.tasks.deliver", status=TaskResultStatus.READY
        )
        self.assertAlmostEqual(
            retry.run_after.timestamp(), self.email.due_at.timestamp(), delta=1
        )
        self.assertEqual(run_tasks(), 0)
        # Once due: the second try fails too, and waits about twice as long.
        Email.objects.filter(pk=self.email.pk).update(due_at=timezone.now())
        DBTaskResult.objects.update(run_after=timezone.now())
        with patch, self.assertLogs("community.delivery", "WARNING"):
            run_tasks()
        self.email.refresh_from_db()
        wait = self.email.due_at - timezone.now()
        self.assertTrue(timedelta(seconds=45) < wait < timedelta(seconds=75), wait)
        Email.objects.filter(pk=self.email.pk).update(due_at=timezone.now())
        DBTaskResult.objects.filter(status=TaskResultStatus.READY).update(
            run_after=timezone.now()
        )
        with patch:
            run_tasks()
        self.assertEqual(calls["n"], 3)
        self.assertEqual(len(mail.outbox), 1)
        self.email.refresh_from_db()
        self.assertEqual((self.email.status, self.email.attempts), ("sent", 3))
        self.assertEqual(self.email.last_error, "")
        # A failed try the worker ran shows as a failed task, with its traceback.
        failed = DBTaskResult.objects.get(status=TaskResultStatus.FAILED)
        self.assertIn("SMTPServerDisconnected", failed.traceback)

    def test_it_gives_up_after_the_last_try_and_says_so(self):
        Email.objects.filter(pk=self.email.pk).update(
            attempts=delivery.MAX_ATTEMPTS - 1
        )
        patch, _ = fail_then_send(1)
        with (
            patch,
            self.assertLogs("community.delivery", "ERROR") as logs,
            self.assertRaises(smtplib.SMTPServerDisconnected),
        ):
            delivery.deliver(self.email.pk)
        self.assertIn("giving up", logs.output[0])
        self.email.refresh_from_db()
        self.assertEqual(self.email.status, Email.Status.FAILED)
        self.assertIn("Connection unexpectedly closed", self.email.last_error)

    def test_a_worker_that_stopped_mid_send_leaves_it_for_another_after_the_lease(self):
        # A worker claimed it, then vanished before recording anything.
        claimed = delivery.claim(self.email.pk)
        self.assertEqual(claimed.status, Email.Status.SENDING)
        self.assertEqual(services.recover(), (0, 0))  # the lease still holds
        Email.objects.filter(pk=self.email.pk).update(
            claimed_until=timezone.now() - timedelta(seconds=1)
        )
        with self.assertLogs("community.services", "WARNING"):
            self.assertEqual(services.recover(), (0, 1))
        run_tasks()
        self.assertEqual(len(mail.outbox), 1)
        self.email.refresh_from_db()
        self.assertEqual((self.email.status, self.email.attempts), ("sent", 2))

    def test_the_tick_queues_work_whose_task_was_lost(self):
        later = timezone.now() + timedelta(minutes=10)
        # An activity whose fan-out never ran, and the email's task lost too.
        reply = make_comment(
            parent=self.email.notice.activity.comment, author=self.alice
        )
        activity = Activity.objects.get(comment=reply)
        DBTaskResult.objects.all().delete()
        with (
            mock.patch.object(timezone, "now", return_value=later),
            self.assertLogs("community.services", "WARNING"),
        ):
            result = tasks.tick.call()
        self.assertEqual(
            (result["requeued_activities"], result["requeued_emails"]), (1, 1)
        )
        run_tasks()
        activity.refresh_from_db()
        self.assertIsNotNone(activity.fanned_out_at)
        self.assertEqual(len(mail.outbox), 2)  # Alice's email, and Bob's of her reply

    def test_the_tick_queues_the_next_one_once(self):
        DBTaskResult.objects.all().delete()
        tasks.ensure_tick()
        tasks.ensure_tick()
        ticks = DBTaskResult.objects.filter(task_path="community.tasks.tick")
        self.assertEqual(ticks.count(), 1)
        self.assertGreater(ticks.get().run_after, timezone.now())
        # A tick, when it runs, queues the next before doing anything else.
        tick = ticks.get()
        DBTaskResult.objects.filter(pk=tick.pk).update(run_after=timezone.now())
        run_tasks()
        self.assertEqual(
            DBTaskResult.objects.filter(
                task_path="community.tasks.tick", status=TaskResultStatus.READY
            ).count(),
            1,
        )

    def test_a_sent_email_is_recorded_even_when_the_database_blinks(self):
        real_update = type(Email.objects.all()).update
        calls = {"n": 0}

        def blinking(qs, **fields):
            if fields.get("status") == Email.Status.SENT and calls["n"] < 2:
                calls["n"] += 1
                raise OperationalError("server closed the connection unexpectedly")
            return real_update(qs, **fields)

        with (
            mock.patch.object(type(Email.objects.all()), "update", blinking),
            mock.patch("community.delivery.time.sleep"),
            self.assertLogs("community.delivery", "WARNING"),
        ):
            self.assertEqual(delivery.deliver(self.email.pk), "sent")
        self.email.refresh_from_db()
        self.assertEqual(self.email.status, Email.Status.SENT)
        self.assertEqual(len(mail.outbox), 1)
