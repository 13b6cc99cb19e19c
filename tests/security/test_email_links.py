"""Links in emails lead to the site's configured address (SITE_URL), never to
the Host the request that sent them named: an allowed name with a port of the
asker's choosing would otherwise carry a reset key to their server."""

from __future__ import annotations

import os
import re
import subprocess
import sys

from django.conf import settings
from django.core import mail
from django.test import override_settings

from tests.helpers import PASSWORD, make_member

from .base import SecurityTestCase

SITE = "https://remedies.example"
# Names Django lets through ALLOWED_HOSTS (the port is not checked), which the
# asker chooses.
HOSTILE_HOSTS = ("testserver:6666", "TESTSERVER:47111")
URL_RE = re.compile(r"https?://[^\s]+")


@override_settings(SITE_URL=SITE)
class EmailLinkTests(SecurityTestCase):
    def links(self, message) -> list[str]:
        return URL_RE.findall(message.body)

    def assert_only_site_links(self, message) -> list[str]:
        links = self.links(message)
        self.assertTrue(links, message.body)
        for link in links:
            self.assertTrue(link.startswith(SITE + "/"), link)
        for host in HOSTILE_HOSTS:
            self.assertNotIn(host.split(":")[1], message.body.replace(SITE, ""))
        self.assertNotIn("testserver", message.body.lower())
        return links

    def test_a_password_reset_link_carries_the_site_address(self):
        for host in HOSTILE_HOSTS:
            mail.outbox.clear()
            r = self.client.post(
                "/accounts/password/reset/",
                {"email": self.member.email},
                HTTP_HOST=host,
            )
            self.assertEqual(r.status_code, 302, host)
            (message,) = mail.outbox
            (link,) = [u for u in self.assert_only_site_links(message) if "/key/" in u]
        # The link works on the site it names.
        r = self.client.get(link.removeprefix(SITE))
        self.assertEqual(r.status_code, 302)
        r = self.client.get(r["Location"])
        self.assertContains(r, "password1")

    def test_a_reset_for_an_unknown_address_links_to_the_site_too(self):
        self.client.post(
            "/accounts/password/reset/",
            {"email": "nobody@example.com"},
            HTTP_HOST=HOSTILE_HOSTS[0],
        )
        (message,) = mail.outbox
        links = self.assert_only_site_links(message)
        self.assertIn(SITE + "/accounts/signup/", links)

    def test_a_confirmation_link_carries_the_site_address(self):
        self.client.post(
            "/accounts/signup/",
            {
                "email": "new@example.com",
                "display_name": "Newcomer",
                "password1": "correct horse battery",
                "password2": "correct horse battery",
            },
            HTTP_HOST=HOSTILE_HOSTS[0],
        )
        (message,) = mail.outbox
        (link,) = self.assert_only_site_links(message)
        self.assertTrue(link.startswith(SITE + "/accounts/confirm-email/"), link)
        r = self.client.get(link.removeprefix(SITE))
        self.assertContains(r, "new@example.com")

    def test_signing_up_with_a_known_address_links_to_the_site(self):
        self.client.post(
            "/accounts/signup/",
            {
                "email": self.member.email,
                "display_name": "Newcomer",
                "password1": "correct horse battery",
                "password2": "correct horse battery",
            },
            HTTP_HOST=HOSTILE_HOSTS[0],
        )
        (message,) = mail.outbox
        links = self.assert_only_site_links(message)
        self.assertIn(SITE + "/accounts/password/reset/", links)

    @override_settings(SITE_URL="")
    def test_without_site_url_links_use_the_first_allowed_host(self):
        self.client.post(
            "/accounts/password/reset/",
            {"email": self.member.email},
            HTTP_HOST=HOSTILE_HOSTS[0],
        )
        (message,) = mail.outbox
        first = settings.ALLOWED_HOSTS[0]
        for link in self.links(message):
            self.assertTrue(link.startswith(f"https://{first}/"), link)
        self.assertNotIn("6666", message.body)

    def test_a_port_in_the_host_does_not_restart_an_accounts_failed_sign_ins(self):
        member = make_member()
        for port in range(1, 6):
            r = self.client.post(
                "/accounts/login/",
                {"login": member.email, "password": "wrong"},
                HTTP_HOST=f"testserver:{port}",
                REMOTE_ADDR=f"203.0.113.{port}",
            )
            self.assertNotContains(r, "Too many failed login attempts")
        r = self.client.post(
            "/accounts/login/",
            {"login": member.email, "password": PASSWORD},
            HTTP_HOST="testserver:6",
            REMOTE_ADDR="203.0.113.6",
        )
        self.assertContains(r, "Too many failed login attempts")


def run_check(**env) -> subprocess.CompletedProcess:
    base = {k: os.environ[k] for k in ("PATH", "HOME", "LANG") if k in os.environ}
    return subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=settings.BASE_DIR,
        env={**base, "DEBUG": "0", "SECRET_KEY": "x" * 50, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


class SiteUrlSettingTests(SecurityTestCase):
    def test_a_malformed_site_url_stops_the_site_with_a_clear_message(self):
        for value in (
            "remedies.example",
            "ftp://remedies.example",
            "https://",
            "https://remedies.example/path",
            "https://remedies.example/?next=x",
            "https://user@remedies.example",
            "https://remedies.example:port",
        ):
            result = run_check(SITE_URL=value)
            self.assertNotEqual(result.returncode, 0, value)
            self.assertIn("SITE_URL must be the site's address", result.stderr, value)

    def test_a_site_url_is_accepted_with_or_without_a_slash_or_port(self):
        result = run_check(SITE_URL="https://remedies.example:8443/")
        self.assertEqual(result.returncode, 0, result.stderr)
