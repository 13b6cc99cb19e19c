"""A Host header we do not serve: a 400 page on every URL, whoever asks, in one log line.

Django refuses a Host outside ALLOWED_HOSTS the first time something asks
for it; nothing of ours may ask first (a cached page's key, the canonical
link of the error page itself), or the refusal becomes a server error.
"""

from __future__ import annotations

import logging

from django.test import override_settings

from .base import SecurityTestCase, routes

BAD_HOSTS = ("evil.example", "testserver.evil.example:8000")
REFUSED = "We couldn’t read that request"


class Records(logging.Handler):
    """Every log record, as the console would write it."""

    def __init__(self):
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []
        self.setFormatter(logging.Formatter("%(name)s %(levelname)s %(message)s"))

    def emit(self, record):
        self.records.append(record)

    def text(self) -> str:
        return "\n".join(self.format(r) for r in self.records)


class capture_logs:
    def __enter__(self) -> Records:
        self.handler = Records()
        self.root = logging.getLogger()
        self.level = self.root.level
        self.root.addHandler(self.handler)
        self.root.setLevel(logging.DEBUG)
        return self.handler

    def __exit__(self, *exc):
        self.root.removeHandler(self.handler)
        self.root.setLevel(self.level)


@override_settings(DISCUSSION_POST_INTERVAL=0)
class BadHostTests(SecurityTestCase):
    def setUp(self):
        super().setUp()
        # Visitors' pages come from the cache in production; its key once
        # asked for the host before Django had refused it. (Set here: the
        # tests' own fixture turns the cache off for each test.)
        self.enterContext(self.settings(PAGE_CACHE_SECONDS=60))

    def assert_refused(self, r, what: str) -> None:
        self.assertEqual(r.status_code, 400, what)
        body = r.content.decode()
        self.assertIn(REFUSED, body, what)
        self.assertIn("/static/css/site.", body, what)  # our page, not Django's
        self.assertNotIn("evil.example", body, what)
        self.assertNotIn('rel="canonical"', body, what)

    def assert_one_line_each(self, logs: Records, sent: int) -> None:
        text = logs.text()
        self.assertFalse("Traceback" in text, text[:1500])
        self.assertFalse([r for r in logs.records if r.exc_info], text[:1500])
        server_errors = [
            r
            for r in logs.records
            if r.name == "django.request" and r.levelno >= logging.ERROR
        ]
        self.assertFalse(server_errors, text[:1500])
        refusals = [
            r for r in logs.records if r.name == "django.security.DisallowedHost"
        ]
        self.assertEqual(len(refusals), sent, text[:1500])
        for record in refusals:
            self.assertNotIn("\n", record.getMessage())

    def test_every_url_answers_a_bad_host_with_the_400_page(self):
        urls = [self.url_for(route) for route in routes()]
        self.assertGreater(len(urls), 50)
        visitor = self.client_for("visitor")
        member = self.client_for("member")
        # The pages as they are cached for the right host first: none may be
        # served to another. (What these answer is other tests' business.)
        right_host = self.client_class(raise_request_exception=False)
        for url in urls:
            right_host.get(url)
        sent = 0
        with capture_logs() as logs:
            for url in urls:
                for who, client in (("visitor", visitor), ("member", member)):
                    for host in BAD_HOSTS:
                        for method in ("GET", "POST"):
                            what = f"{method} {url} as {who} for {host}"
                            r = client.generic(method, url, HTTP_HOST=host)
                            sent += 1
                            self.assert_refused(r, what)
        self.assert_one_line_each(logs, sent)

    def test_a_bad_host_with_a_form_and_htmx_is_refused_too(self):
        member = self.client_for("member")
        url = f"/discussions/remedies/{self.remedy.slug}/"
        with capture_logs() as logs:
            r = member.post(url, {"text": "Hello"}, HTTP_HOST="evil.example")
            self.assert_refused(r, "form")
            r = member.post(
                url, {"text": "Hello"}, HTTP_HOST="evil.example", HTTP_HX_REQUEST="true"
            )
            self.assert_refused(r, "htmx")
        self.assert_one_line_each(logs, 2)
        self.assertFalse(self.page.comments.filter(text="Hello").exists())

    @override_settings(SECURE_SSL_REDIRECT=True)
    def test_the_https_redirect_refuses_a_bad_host_in_one_line_too(self):
        # The redirect asks for the host before anything of ours runs.
        with capture_logs() as logs:
            for url in ("/", "/accounts/login/", "/no-such-page/"):
                r = self.client.get(url, HTTP_HOST="evil.example")
                self.assert_refused(r, url)
        self.assert_one_line_each(logs, 3)
        r = self.client.get("/")
        self.assertEqual(r.status_code, 301)

    def test_the_right_host_still_gets_its_page_and_canonical_link(self):
        r = self.client.get("/remedies/", HTTP_HOST="testserver")
        self.assertContains(
            r, '<link rel="canonical" href="http://testserver/remedies/">'
        )


class StoredPagesCarryNoHostTests(SecurityTestCase):
    """A page stored for everyone never carries the Host it was first asked with."""

    @override_settings(
        PAGE_CACHE_SECONDS=600, ALLOWED_HOSTS=["testserver", "other.example"]
    )
    def test_links_come_from_the_site_address_whatever_the_host(self):
        first = self.client.get("/remedies/", HTTP_HOST="other.example")
        self.assertEqual(first["X-Cache"], "miss")
        again = self.client.get("/remedies/", HTTP_HOST="testserver")
        self.assertEqual(again["X-Cache"], "hit")
        for response in (first, again):
            self.assertContains(
                response, '<link rel="canonical" href="http://testserver/remedies/">'
            )
            self.assertNotContains(response, "other.example")
