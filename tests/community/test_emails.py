"""What the emails say and carry: the reply's text, a whole absolute link to
it, why it came, and a one-click unsubscribe (RFC 8058) that works without
signing in and only for the member it names; the daily digest."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email import message_from_bytes, policy

from django.core import mail
from django.test import TestCase, TransactionTestCase, override_settings
from django.utils import timezone

from community import emails, services
from community.models import Email, Notice, Preference
from tests.helpers import make_comment, make_member, make_page

from .helpers import run_tasks

SITE = "https://remedies.example"


@override_settings(SITE_URL=SITE, DISCUSSION_POST_INTERVAL=0)
class ReplyEmailTests(TransactionTestCase):
    def setUp(self):
        self.page = make_page()
        self.alice = make_member(display_name="Alice")
        self.bob = make_member(display_name="Bob")
        self.root = make_comment(self.page, author=self.alice, text="It helped.")
        long_word = "https://example.org/" + "a" * 120
        self.reply = make_comment(
            parent=self.root,
            author=self.bob,
            text=f"Which stretch first? I read {long_word} and was not sure.",
        )
        run_tasks()
        [self.email] = mail.outbox

    def test_it_says_who_replied_what_and_where_and_why(self):
        e = self.email
        self.assertEqual(e.subject, f"Bob replied to your comment on {self.page}")
        self.assertIn("> Which stretch first?", e.body)
        self.assertIn(f"{SITE}/discussions/{self.reply.pk}/", e.body.splitlines())
        self.assertIn("Why you got this: Bob replied to a comment of yours.", e.body)
        self.assertIn(f"{SITE}/notifications/", e.body.splitlines())

    def test_every_line_is_short_so_it_goes_as_plain_text_and_links_stay_whole(self):
        for line in self.email.body.splitlines():
            self.assertLessEqual(len(line), emails.WIDTH, line)
        raw = self.email.message().as_bytes()
        self.assertNotIn(b"quoted-printable", raw.lower())
        self.assertNotIn(b"base64", raw.lower())
        parsed = message_from_bytes(raw, policy=policy.default)
        unsubscribe = emails.unsubscribe_link(self.alice.pk)
        self.assertIn(unsubscribe, parsed.get_content().splitlines())

    def test_one_click_unsubscribe_headers(self):
        headers = self.email.extra_headers
        link = emails.unsubscribe_link(self.alice.pk)
        self.assertEqual(headers["List-Unsubscribe"], f"<{link}>")
        self.assertEqual(headers["List-Unsubscribe-Post"], "List-Unsubscribe=One-Click")
        self.assertEqual(headers["Auto-Submitted"], "auto-generated")
        self.assertTrue(headers["Message-ID"].endswith("@remedies.example>"))
        self.assertIn(link, self.email.body)

    def test_the_message_id_is_the_same_for_the_same_email(self):
        stored = Email.objects.get()
        self.assertEqual(
            emails.headers_for(self.alice.pk, stored.key)["Message-ID"],
            self.email.extra_headers["Message-ID"],
        )


class UnsubscribeTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.alice = make_member(display_name="Alice")
        cls.bob = make_member(display_name="Bob")

    def url(self, member, token=None):
        token = token or emails.unsubscribe_token(member.pk)
        return f"/unsubscribe/{member.pk}/{token}/"

    def test_get_asks_and_changes_nothing(self):
        r = self.client.get(self.url(self.alice))
        self.assertContains(r, "Stop all emails from Remedies?")
        self.assertEqual(services.email_choice(self.alice), Preference.Email.NOW)

    def test_the_mail_providers_one_click_post_unsubscribes_without_signing_in(self):
        client = self.client_class(enforce_csrf_checks=True)
        r = client.post(
            self.url(self.alice),
            "List-Unsubscribe=One-Click",
            content_type="application/x-www-form-urlencoded",
        )
        self.assertEqual(r.status_code, 200)
        self.assertContains(r, "You won’t get any more emails")
        self.assertEqual(services.email_choice(self.alice), Preference.Email.NEVER)
        self.assertEqual(services.email_choice(self.bob), Preference.Email.NOW)

    def test_a_token_works_for_its_member_only(self):
        alices = emails.unsubscribe_token(self.alice.pk)
        for url in [
            f"/unsubscribe/{self.bob.pk}/{alices}/",
            self.url(
                self.alice, token=alices[:-1] + ("A" if alices[-1] != "A" else "B")
            ),
            self.url(self.alice, token="not-a-token"),
            f"/unsubscribe/999999/{alices}/",
        ]:
            self.assertEqual(self.client.post(url).status_code, 404, url)
        self.assertEqual(services.email_choice(self.bob), Preference.Email.NOW)
        self.assertEqual(services.email_choice(self.alice), Preference.Email.NOW)

    def test_an_old_secret_key_still_unsubscribes(self):
        token = emails.unsubscribe_token(self.alice.pk, secret="the-old-key")
        with override_settings(SECRET_KEY_FALLBACKS=["the-old-key"]):
            self.assertEqual(
                self.client.post(self.url(self.alice, token)).status_code, 200
            )


@override_settings(SITE_URL=SITE, DISCUSSION_POST_INTERVAL=0, COMMUNITY_DIGEST_HOUR=7)
class DigestTests(TransactionTestCase):
    def setUp(self):
        self.page = make_page()
        self.alice = make_member(display_name="Alice")
        services.set_email_choice(self.alice, Preference.Email.DAILY)
        self.root = make_comment(self.page, author=self.alice, text="It helped.")
        for i, name in enumerate(["Bob", "Carol", "Dan"]):
            make_comment(
                parent=self.root,
                author=make_member(display_name=name),
                text=f"Reply {i}",
            )
        run_tasks()

    def alices(self) -> list:
        return [m for m in mail.outbox if m.to == [self.alice.email]]

    def at(self, hour: int) -> datetime:
        return timezone.now().astimezone(UTC).replace(hour=hour, minute=5)

    def test_a_days_replies_go_in_one_email_once_the_digest_hour_has_come(self):
        self.assertEqual(self.alices(), [])
        self.assertEqual(services.send_digests(self.at(6)), 0)
        self.assertEqual(services.send_digests(self.at(7)), 1)
        run_tasks()
        [digest] = self.alices()
        self.assertEqual(digest.subject, "Your Remedies digest: 3 new notices")
        for name, text in [
            ("Bob", "Reply 0"),
            ("Carol", "Reply 1"),
            ("Dan", "Reply 2"),
        ]:
            self.assertIn(
                f"* {name} replied to your comment on {self.page}", digest.body
            )
            self.assertIn(f"  > {text}", digest.body)
        self.assertIn("List-Unsubscribe", digest.extra_headers)
        self.assertFalse(Notice.objects.filter(email="digest").exists())
        # One a day: later the same day, nothing more.
        make_comment(
            parent=self.root, author=make_member(display_name="Eve"), text="Late"
        )
        run_tasks()
        self.assertEqual(services.send_digests(self.at(20)), 0)
        self.assertEqual(
            Notice.objects.filter(member=self.alice, email="digest").count(), 1
        )
        # The next day it goes.
        self.assertEqual(services.send_digests(self.at(8) + timedelta(days=1)), 1)

    def test_safety_updates_come_first_in_a_digest(self):
        from community.models import Follow

        Follow.objects.create(member=self.alice, remedy=self.page.remedy)
        services.safety_update(self.page, ["New warning sign: numb feet"])
        run_tasks()
        services.send_digests(self.at(9))
        run_tasks()
        [digest] = self.alices()
        body = digest.body
        self.assertIn("1 safety update", digest.subject)
        self.assertLess(body.index("SAFETY UPDATES"), body.index("OTHER NEWS"))
        self.assertIn("  - New warning sign: numb feet", body)

    def test_the_tick_sends_the_digests(self):
        from community import tasks

        with override_settings(COMMUNITY_DIGEST_HOUR=0):
            result = tasks.tick.call()
        self.assertEqual(result["digests"], 1)
        run_tasks()
        self.assertEqual(len(self.alices()), 1)
