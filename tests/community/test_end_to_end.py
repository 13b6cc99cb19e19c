"""The community loop end to end, through the real worker and a real SMTP
server (aiosmtpd on a local port): a reply reaches the member it answers,
whose one-click unsubscribe works; a digest gathers a day's replies; a safety
change reaches each follower once; a suggestion goes from a member's form to
an editor's decision and back.

`LoopTests` runs django-tasks-db's worker loop in this process (SQLite and
PostgreSQL). `WorkerProcessTests` (PostgreSQL, as CI runs it with Redis)
starts `manage.py db_worker` twice as processes of their own, kills one in
the middle of a batch and cuts the database off from another mid-send:
every message still arrives exactly once.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections import Counter
from urllib.parse import urlsplit

import pytest
from django.db import connection
from django.test import TransactionTestCase, override_settings

from community import services
from community.models import Email, Preference, Suggestion
from tests.admin.test_editor_admin import management, page_form
from tests.helpers import (
    make_ailment,
    make_comment,
    make_editor,
    make_member,
    make_page,
    make_remedy,
)
from votes.models import Vote
from votes.services import cast_vote

from .helpers import SMTPServer, WorkerProcess, body_of, links_in, run_tasks, worker_env

SITE = "http://testserver"


def reply_by_form(client, parent, text: str):
    r = client.post(
        f"/discussions/{parent.pk}/reply/", {"text": text, "token": str(uuid.uuid4())}
    )
    page = r.content.decode()
    assert r.status_code == 302, page[page.find("<main") :][:3000]


@override_settings(
    SITE_URL=SITE,
    DISCUSSION_POST_INTERVAL=0,
    DISCUSSION_NEW_MEMBER_POST_INTERVAL=0,
    COMMUNITY_DIGEST_HOUR=0,
)
class LoopTests(TransactionTestCase):
    def setUp(self):
        self.smtp = SMTPServer().__enter__()
        self.addCleanup(self.smtp.__exit__)
        mailers = override_settings(MAILERS=self.smtp.mailers)
        mailers.enable()
        self.addCleanup(mailers.disable)
        self.page = make_page(
            make_remedy(name="Heat Therapy"), make_ailment(name="Sciatica")
        )
        self.alice = make_member(display_name="Alice")
        self.bob = make_member(display_name="Bob")
        self.root = make_comment(
            self.page, author=self.alice, text="Heat helped my leg."
        )
        run_tasks()

    def test_a_reply_arrives_by_email_and_its_one_click_unsubscribe_works(self):
        self.client.force_login(self.bob)
        reply_by_form(self.client, self.root, "How long did you keep it on?")
        run_tasks()
        [message] = self.smtp.received.to(self.alice.email)
        self.assertEqual(
            message["Subject"], f"Bob replied to your comment on {self.page}"
        )
        body = body_of(message)
        self.assertIn("> How long did you keep it on?", body)
        reply = self.root.replies.get()
        self.assertIn(f"{SITE}/discussions/{reply.pk}/", links_in(message))
        # The reply's link leads to it.
        r = self.client.get(urlsplit(f"{SITE}/discussions/{reply.pk}/").path)
        self.assertEqual(
            r["Location"], f"{self.page.get_absolute_url()}#comment-{reply.pk}"
        )
        # One click, from the mail provider: no cookie, no CSRF token.
        link = message["List-Unsubscribe"].strip().strip("<>")
        self.assertEqual(message["List-Unsubscribe-Post"], "List-Unsubscribe=One-Click")
        self.assertIn(link, links_in(message))
        provider = self.client_class(enforce_csrf_checks=True)
        r = provider.post(
            urlsplit(link).path,
            "List-Unsubscribe=One-Click",
            content_type="application/x-www-form-urlencoded",
        )
        self.assertEqual(r.status_code, 200)
        self.assertEqual(services.email_choice(self.alice), Preference.Email.NEVER)
        # No more emails; the notices go on.
        reply_by_form(self.client, self.root, "Still there?")
        run_tasks()
        self.assertEqual(len(self.smtp.received.to(self.alice.email)), 1)
        self.assertEqual(services.unread_count(self.alice), 2)

    def test_a_digest_gathers_a_days_replies_into_one_email(self):
        services.set_email_choice(self.alice, Preference.Email.DAILY)
        for name in ["Bob", "Carol", "Dan"]:
            client = self.client_class()
            client.force_login(make_member(display_name=name))
            reply_by_form(client, self.root, f"{name} says hello")
        run_tasks()
        self.assertEqual(self.smtp.received.to(self.alice.email), [])
        from community import tasks

        tasks.tick.enqueue()
        run_tasks()
        [digest] = self.smtp.received.to(self.alice.email)
        self.assertEqual(digest["Subject"], "Your Remedies digest: 3 new notices")
        body = body_of(digest)
        for name in ["Bob", "Carol", "Dan"]:
            self.assertIn(f"  > {name} says hello", body)
        self.assertTrue(digest["List-Unsubscribe"])

    def test_a_safety_change_reaches_each_follower_once(self):
        editor = make_editor()
        followers = [make_member(display_name=f"F{i}") for i in range(3)]
        for member in followers:
            services.follow(member, self.page.remedy)
        services.follow(followers[0], self.page.ailment)
        cast_vote(member=followers[0], page=self.page, value=Vote.Value.UP)
        run_tasks()
        before = len(self.smtp.received.all())
        self.client.force_login(editor)
        data = page_form(
            self.page.remedy,
            self.page.ailment,
            [],
            summary=self.page.summary,
            why_it_works=self.page.why_it_works,
            red_flags="Loss of bladder control",
            grade=self.page.grade,
            **management("steps"),
        )
        r = self.client.post(
            f"/admin/remedies/evidencepage/{self.page.pk}/change/", data
        )
        self.assertEqual(r.status_code, 302)
        run_tasks()
        safety = [
            m
            for m in self.smtp.received.all()[before:]
            if "Safety update" in m["Subject"]
        ]
        self.assertEqual(
            Counter(m["To"] for m in safety), {m.email: 1 for m in followers}
        )
        self.assertIn("New warning sign: Loss of bladder control", body_of(safety[0]))

    def test_a_suggestion_goes_from_the_members_form_to_the_editors_decision_and_back(
        self,
    ):
        self.client.force_login(self.alice)
        r = self.client.post(
            "/suggest/remedy/",
            {
                "name": "Tart cherry juice",
                "details": "Two small trials found longer sleep.",
            },
        )
        self.assertEqual(r.status_code, 302)
        suggestion = Suggestion.objects.get()
        editor = make_editor(display_name="Erin")
        editors = self.client_class()
        editors.force_login(editor)
        r = editors.get("/admin/")
        self.assertContains(r, "/admin/community/suggestion/?status__exact=pending")
        r = editors.post(
            f"/admin/community/suggestion/{suggestion.pk}/change/",
            {
                "decision": "decline",
                "note": "We found no trial in people with insomnia.",
            },
        )
        self.assertEqual(r.status_code, 302)
        run_tasks()
        [message] = self.smtp.received.to(self.alice.email)
        self.assertEqual(
            message["Subject"], "Your suggestion was declined: Tart cherry juice"
        )
        self.assertIn("> We found no trial in people with insomnia.", body_of(message))
        self.assertIn(f"{SITE}/account/#suggestions", links_in(message))
        r = self.client.get("/account/")
        self.assertContains(r, "Declined")


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="worker processes share the test database: PostgreSQL (as in CI)",
)
@override_settings(SITE_URL=SITE, DISCUSSION_POST_INTERVAL=0, COMMUNITY_TICK_SECONDS=1)
class WorkerProcessTests(TransactionTestCase):
    """`manage.py db_worker` as production runs it: processes of their own."""

    def setUp(self):
        self.smtp = SMTPServer().__enter__()
        self.addCleanup(self.smtp.__exit__)
        self.env = worker_env(self.smtp.port, SITE, COMMUNITY_SEND_LEASE_SECONDS=6)
        self.workers: list[WorkerProcess] = []
        self.addCleanup(self.stop_workers)
        self.page = make_page()
        self.alice = make_member(display_name="Alice")

    def start_worker(self, name: str) -> WorkerProcess:
        worker = WorkerProcess(self.env, name)
        self.workers.append(worker)
        return worker

    def stop_workers(self):
        for worker in self.workers:
            worker.stop()

    def logs(self) -> str:
        return "\n".join(f"--- {w.log}\n{w.output()[-3000:]}" for w in self.workers)

    def watchers(self, n: int) -> list:
        members = [make_member(display_name=f"W{i}") for i in range(n)]
        for member in members:
            services.watch(member, self.page)
        return members

    def assert_each_once(self, members, timeout=60):
        try:
            received = self.smtp.received.wait_for(len(members), timeout)
        except AssertionError as e:
            raise AssertionError(f"{e}\n{self.logs()}") from None
        time.sleep(1.5)  # anything sent twice would arrive by now
        received = self.smtp.received.all()
        self.assertEqual(
            Counter(m["To"] for m in received), {m.email: 1 for m in members}
        )
        self.assertEqual(len({m["Message-ID"] for m in received}), len(members))
        statuses = Counter(Email.objects.values_list("status", flat=True))
        self.assertEqual(statuses, {"sent": len(members)})

    def test_two_workers_share_the_queue_and_a_reply_arrives(self):
        self.start_worker("a")
        self.start_worker("b")
        members = self.watchers(10)
        make_comment(self.page, author=make_member(display_name="Bob"), text="News!")
        self.assert_each_once(members)
        message = self.smtp.received.all()[0]
        self.assertIn("> News!", body_of(message))
        self.assertTrue(message["List-Unsubscribe"].startswith(f"<{SITE}/unsubscribe/"))

    def test_a_worker_killed_mid_batch_every_message_still_arrives_exactly_once(self):
        members = self.watchers(12)
        held, release = threading.Event(), threading.Event()
        seen = {"n": 0}

        def hold(message):
            seen["n"] += 1
            if seen["n"] == 4:  # the fourth message: the worker is mid-send
                held.set()
                release.wait(30)
                return "451 4.3.0 Try again later"
            return None

        self.smtp.handler.hold = hold
        first = self.start_worker("first")
        make_comment(self.page, author=make_member(display_name="Bob"), text="Hello")
        self.assertTrue(held.wait(60), self.logs())
        first.kill()  # in the middle of its fourth message, three sent
        release.set()
        self.assertEqual(len(self.smtp.received.all()), 3)
        self.start_worker("second")
        self.start_worker("third")
        self.assert_each_once(members, timeout=90)

    def test_the_database_cut_off_mid_send_the_message_is_recorded_once(self):
        members = self.watchers(3)
        held, release = threading.Event(), threading.Event()

        def hold(message):
            if not held.is_set():
                held.set()
                release.wait(30)
            return None  # accepted: the worker must record it once the database is back

        self.smtp.handler.hold = hold
        self.start_worker("only")
        make_comment(self.page, author=make_member(display_name="Bob"), text="Hello")
        self.assertTrue(held.wait(60), self.logs())
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
        release.set()
        self.assert_each_once(members, timeout=90)
