"""The production headers and cookies, response by response (tests run with DEBUG off)."""

from __future__ import annotations

import json

from django.conf import settings
from django.test import override_settings
from django.urls import reverse

from search.services import rebuild_index
from tests.helpers import PASSWORD, SiteTestCase, make_ailment, make_page

EXPECTED_CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
    "font-src 'self'; connect-src 'self'; manifest-src 'self'; form-action 'self'; "
    "base-uri 'none'; object-src 'none'; frame-ancestors 'none'; "
    "report-uri /csp-report/"
)


# Permissions-Policy features Chromium 156 recognises, each checked in the
# browser: naming any other makes it log an error on every page.
# tests/browser/test_permissions_policy.py checks ours in Chromium itself.
CHROMIUM_FEATURES = frozenset(
    {
        "accelerometer",
        "autoplay",
        "browsing-topics",
        "camera",
        "captured-surface-control",
        "clipboard-read",
        "compute-pressure",
        "display-capture",
        "encrypted-media",
        "gamepad",
        "geolocation",
        "gyroscope",
        "hid",
        "identity-credentials-get",
        "idle-detection",
        "interest-cohort",
        "keyboard-map",
        "local-fonts",
        "magnetometer",
        "microphone",
        "midi",
        "otp-credentials",
        "payment",
        "picture-in-picture",
        "publickey-credentials-create",
        "publickey-credentials-get",
        "screen-wake-lock",
        "serial",
        "speaker-selection",
        "storage-access",
        "usb",
        "window-management",
        "xr-spatial-tracking",
    }
)
# Named in the specification or other browsers, unknown to Chromium 156.
NOT_IN_CHROMIUM = ("bluetooth", "battery", "ambient-light-sensor", "web-share")


def directives(policy: str) -> dict[str, list[str]]:
    out = {}
    for part in policy.split(";"):
        name, *values = part.split()
        out[name] = values
    return out


class HeaderTests(SiteTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.page = make_page(ailment=make_ailment())

    def responses(self):
        """Public pages, sign-in, the admin, a 404, a static file and an htmx partial."""
        editor = self.client_class()
        editor.force_login(self.editor)
        visitor = self.client
        yield "home", visitor.get("/", secure=True)
        yield "evidence", visitor.get(self.page.get_absolute_url(), secure=True)
        yield "sign in", visitor.get(reverse("account_login"), secure=True)
        yield "404", visitor.get("/no-such-page/", secure=True)
        yield (
            "suggest",
            visitor.get("/search/suggest/?q=re", secure=True, HTTP_HX_REQUEST="true"),
        )
        yield "admin login", visitor.get(reverse("admin:login"), secure=True)
        yield "admin", editor.get(reverse("admin:index"), secure=True)
        yield (
            "admin change",
            editor.get(
                reverse("admin:remedies_evidencepage_change", args=[self.page.pk]),
                secure=True,
            ),
        )

    def test_every_response_carries_the_headers(self):
        for name, r in self.responses():
            with self.subTest(name):
                self.assertIn(r.status_code, {200, 302, 404})
                self.assertEqual(r["Content-Security-Policy"], EXPECTED_CSP)
                self.assertEqual(
                    r["Strict-Transport-Security"],
                    "max-age=31536000; includeSubDomains; preload",
                )
                self.assertEqual(r["X-Content-Type-Options"], "nosniff")
                self.assertEqual(r["X-Frame-Options"], "DENY")
                self.assertEqual(r["Referrer-Policy"], "same-origin")
                self.assertEqual(r["Cross-Origin-Opener-Policy"], "same-origin")
                self.assertEqual(r["Cross-Origin-Resource-Policy"], "same-origin")
                policy = r["Permissions-Policy"]
                for feature in ("camera", "microphone", "geolocation", "payment"):
                    self.assertIn(f"{feature}=()", policy)

    def test_the_permissions_policy_names_only_features_chromium_knows(self):
        policy = self.client.get("/about/methods/")["Permissions-Policy"]
        entries = [entry.strip() for entry in policy.split(",")]
        features = [entry.removesuffix("=()") for entry in entries]
        self.assertTrue(all(entry.endswith("=()") for entry in entries), policy)
        self.assertEqual(len(features), len(set(features)))
        self.assertEqual(sorted(set(features) - CHROMIUM_FEATURES), [])
        for feature in NOT_IN_CHROMIUM:
            self.assertNotIn(feature, features)

    def test_the_policy_allows_nothing_inline_and_nothing_from_elsewhere(self):
        policy = directives(self.client.get("/")["Content-Security-Policy"])
        self.assertEqual(policy["default-src"], ["'none'"])
        for name in ("base-uri", "object-src", "frame-ancestors"):
            self.assertEqual(policy[name], ["'none'"])
        for name in (
            "script-src",
            "style-src",
            "img-src",
            "font-src",
            "connect-src",
            "form-action",
        ):
            self.assertEqual(policy[name], ["'self'"], name)
        flat = " ".join(v for values in policy.values() for v in values)
        self.assertNotIn("unsafe", flat)
        self.assertNotIn("*", flat)

    def test_plain_http_is_redirected_to_https(self):
        with override_settings(SECURE_SSL_REDIRECT=True):
            r = self.client.get("/remedies/?page=2")
        self.assertEqual(r.status_code, 301)
        self.assertEqual(r["Location"], "https://testserver/remedies/?page=2")

    def test_the_proxy_header_is_not_trusted_unless_configured(self):
        self.assertIsNone(settings.SECURE_PROXY_SSL_HEADER)
        r = self.client.get("/", HTTP_X_FORWARDED_PROTO="https")
        self.assertNotIn("Strict-Transport-Security", r)


class CookieTests(SiteTestCase):
    def test_session_and_csrf_cookies_are_host_only_secure_and_lax(self):
        r = self.client.get(reverse("account_login"), secure=True)
        csrf = r.cookies[settings.CSRF_COOKIE_NAME]
        self.assertEqual(settings.CSRF_COOKIE_NAME, "__Host-csrftoken")
        r = self.client.post(
            reverse("account_login"),
            {"login": self.member.email, "password": PASSWORD},
            secure=True,
        )
        self.assertEqual(r.status_code, 302)
        session = r.cookies[settings.SESSION_COOKIE_NAME]
        self.assertEqual(settings.SESSION_COOKIE_NAME, "__Host-sessionid")
        # A visitor's recent searches (search.views), signed, 30 days.
        make_page(ailment=make_ailment(name="Sciatica"))
        rebuild_index()
        r = self.client_class().get(
            reverse("search:remember"), {"q": "sciatica"}, secure=True
        )
        recent = r.cookies["__Host-recent"]
        self.assertEqual(recent["max-age"], 30 * 24 * 3600)
        for cookie in (csrf, session, recent):
            self.assertTrue(cookie["secure"])
            self.assertEqual(cookie["path"], "/")
            self.assertEqual(cookie["domain"], "")  # __Host-: this host only
            self.assertEqual(cookie["samesite"], "Lax")
            self.assertTrue(cookie["httponly"])


class CspReportTests(SiteTestCase):
    url = reverse("csp_report")

    def post(self, body, content_type="application/csp-report", **extra):
        return self.client.post(
            self.url,
            body if isinstance(body, str) else json.dumps(body),
            content_type=content_type,
            **extra,
        )

    def test_a_report_is_logged_without_query_strings(self):
        report = {
            "csp-report": {
                "document-uri": "https://remedies.example/search/?q=private+thing",
                "violated-directive": "script-src-elem",
                "effective-directive": "script-src-elem",
                "blocked-uri": "inline",
            }
        }
        with self.assertLogs("core.csp", "WARNING") as logs:
            r = self.post(report)
        self.assertEqual(r.status_code, 204)
        self.assertEqual(
            logs.output,
            [
                "WARNING:core.csp:CSP violation: script-src-elem blocked "
                "inline on https://remedies.example/search/"
            ],
        )

    def test_reporting_api_lists_are_read_too(self):
        body = [
            {
                "type": "csp-violation",
                "body": {
                    "documentURL": "https://remedies.example/",
                    "blockedURL": "https://evil.example/x.js?a=1",
                    "effectiveDirective": "script-src-elem",
                },
            }
        ]
        with self.assertLogs("core.csp", "WARNING") as logs:
            r = self.post(body, content_type="application/reports+json")
        self.assertEqual(r.status_code, 204)
        self.assertIn("blocked https://evil.example/x.js on", logs.output[0])

    def test_bad_reports_are_refused_plainly(self):
        self.assertEqual(self.client.get(self.url).status_code, 405)
        self.assertEqual(self.post("not json").status_code, 400)
        self.assertEqual(self.post({"something": "else"}).status_code, 400)
        self.assertEqual(self.post([1, 2, 3]).status_code, 400)
        huge = {"csp-report": {"document-uri": "x" * 20_000}}
        self.assertEqual(self.post(huge).status_code, 413)

    def test_reports_are_rate_limited(self):
        report = {
            "csp-report": {"violated-directive": "img-src", "blocked-uri": "data"}
        }
        with self.assertLogs("core.csp", "WARNING"):
            statuses = [self.post(report).status_code for _ in range(25)]
        self.assertEqual(statuses[:20], [204] * 20)
        self.assertEqual(statuses[20:], [429] * 5)
