"""The site's emails: in our words, signed "Remedies", saying why they came, and
readable in the terminal (links whole) when printed to the console."""

from __future__ import annotations

import io
import re
from contextlib import redirect_stdout
from datetime import UTC, datetime
from pathlib import Path

import allauth
from allauth.account.adapter import get_adapter
from allauth.core import context
from django.core import mail
from django.core.mail.backends.console import EmailBackend as DjangoConsole
from django.test import RequestFactory, override_settings
from django.urls import reverse

from core.mail import ConsoleBackend
from tests.helpers import SiteTestCase

# allauth's stock sentences, none of which our emails say.
STOCK = [
    "Hello from",
    "Thank you for using",
    "has given your email address",
    "user Member",
    "You're receiving this",
    "You are receiving this",
    "Please Confirm",
    "Please enter it",
    "listed below",
    "take proper security precautions",
    "our database",
    "password forgotten procedure",
    "can be safely ignored",
]
LINK = re.compile(r"^https?://\S+/accounts/confirm-email/\S+/$", re.M)
SIGN_UP = {
    "email": "new@example.com",
    "display_name": "Newcomer",
    "password1": "correct horse battery",
    "password2": "correct horse battery",
}

# Every email allauth's account app can send (base_message is the frame of
# the others), with what it puts in each.
ALLAUTH_EMAILS = sorted(
    p.name.removesuffix("_message.txt")
    for p in (Path(allauth.__file__).parent / "templates/account/email").glob(
        "*_message.txt"
    )
    if p.name != "base_message.txt"
)
CONTEXT = {
    "activate_url": "https://remedies.example/accounts/confirm-email/KEY/",
    "password_reset_url": "https://remedies.example/accounts/password/reset/key/K/",
    "signup_url": "https://remedies.example/accounts/signup/",
    "code": "ABCD-EFGH",
    "timestamp": datetime(2026, 11, 25, 9, 30, tzinfo=UTC),
    "ip": "192.0.2.1",
    "user_agent": "Firefox",
    "from_email": "old@example.com",
    "to_email": "new@example.com",
    "deleted_email": "old@example.com",
}


class VerificationEmailTests(SiteTestCase):
    def test_the_link_is_whole_on_its_own_line_and_the_words_are_ours(self):
        self.client.post(reverse("account_signup"), SIGN_UP)
        self.assertEqual(len(mail.outbox), 1)
        sent = mail.outbox[0]
        self.assertEqual(sent.subject, "[Remedies] Confirm your email address")
        self.assertEqual(len(LINK.findall(sent.body)), 1, sent.body)
        link = LINK.search(sent.body).group(0)
        for words in STOCK:
            self.assertNotIn(words, sent.body)
        self.assertIn("\nRemedies\n", sent.body)
        self.assertIn("You got this email because someone signed up", sent.body)
        # The link works as it stands.
        path = re.sub(r"^https?://[^/]+", "", link)
        self.assertEqual(self.client.get(path).status_code, 200)

    def test_the_console_prints_the_link_unbroken(self):
        out = io.StringIO()
        with (
            override_settings(
                MAILERS={"default": {"BACKEND": "core.mail.ConsoleBackend"}}
            ),
            redirect_stdout(out),
        ):
            self.client.post(reverse("account_signup"), SIGN_UP)
        printed = out.getvalue()
        link = LINK.search(printed)
        self.assertIsNotNone(link, printed)
        # Long enough that the wire format breaks it; whole here.
        self.assertGreater(len(link.group(0)), 78)
        self.assertNotIn("=\n", printed)
        self.assertNotIn("=3D", printed)
        self.assertNotIn("Content-Transfer-Encoding", printed)
        self.assertIn("To: new@example.com", printed)
        self.assertIn("Subject: [Remedies] Confirm your email address", printed)
        self.assertTrue(printed.endswith("-" * 79 + "\n"))

    def test_djangos_own_console_would_break_it(self):
        # Why the site has its own: the same message, printed the wire way.
        self.client.post(reverse("account_signup"), SIGN_UP)
        sent = mail.outbox[0]
        wire, ours = io.StringIO(), io.StringIO()
        DjangoConsole(stream=wire).send_messages([sent])
        ConsoleBackend(stream=ours).send_messages([sent])
        link = LINK.search(sent.body).group(0)
        self.assertNotIn(link, wire.getvalue())
        self.assertIn(link, ours.getvalue())
        self.assertIn(sent.body, ours.getvalue())

    def test_html_alternatives_and_attachments_are_named(self):
        msg = mail.EmailMultiAlternatives(
            "Säntis", "Plain text é", "a@example.com", ["b@example.com"]
        )
        msg.attach_alternative("<p>HTML</p>", "text/html")
        msg.attach("notes.txt", "some notes", "text/plain")
        out = io.StringIO()
        ConsoleBackend(stream=out).send_messages([msg])
        printed = out.getvalue()
        self.assertIn("Subject: Säntis\n", printed)
        self.assertIn("\nPlain text é\n", printed)
        self.assertIn("[Also sent as HTML]", printed)
        self.assertIn("[Attachment: notes.txt, text/plain]", printed)


class EveryEmailTests(SiteTestCase):
    def test_every_email_allauth_sends_is_in_our_words(self):
        self.assertIn("email_confirmation_signup", ALLAUTH_EMAILS)
        self.assertIn("unknown_account", ALLAUTH_EMAILS)
        request = RequestFactory().get("/")
        request.user = self.member
        adapter = get_adapter()
        for name in ALLAUTH_EMAILS:
            for extra in ({}, {"reauthentication": True}, {"code": ""}):
                with (
                    self.subTest(email=name, extra=extra),
                    context.request_context(request),
                ):
                    msg = adapter.render_mail(
                        f"account/email/{name}",
                        "someone@example.com",
                        {
                            **CONTEXT,
                            **extra,
                            "user": self.member,
                            "email": "someone@example.com",
                        },
                    )
                    self.assertTrue(msg.subject.startswith("[Remedies] "))
                    self.assertNotRegex(
                        msg.subject, r"\] (\w+ )*[A-Z]\w* [A-Z]", "Title Case"
                    )
                    body = msg.body
                    for words in STOCK:
                        self.assertNotIn(words, body)
                    self.assertTrue(body.startswith("Hello,\n\n"), body)
                    self.assertIn("\n\nRemedies\n\nYou got this email because ", body)
                    self.assertNotIn("{{", body)
                    for url in re.findall(r"https?://\S+", body):
                        self.assertIn(f"\n{url}\n", f"\n{body}\n")
