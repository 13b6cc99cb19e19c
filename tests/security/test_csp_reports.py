"""/csp-report/ takes anything anyone sends: a 400 or a 204, never a server error,
and every value it logs is escaped, one line per report."""

from __future__ import annotations

import json

from .base import SecurityTestCase

URL = "/csp-report/"


def report(**fields) -> bytes:
    body = {
        "effective-directive": "img-src",
        "blocked-uri": "https://evil.example/x.png",
        "document-uri": "https://remedies.example/search/?q=private",
        **fields,
    }
    return json.dumps({"csp-report": body}).encode()


class CspReportTests(SecurityTestCase):
    def send(self, body: bytes, content_type="application/csp-report", **extra):
        return self.client.generic("POST", URL, body, content_type, **extra)

    def logged(self, body: bytes, status: int = 204) -> list[str]:
        with self.assertLogs("core.csp", "WARNING") as logs:
            r = self.send(body)
            self.assertEqual(r.status_code, status)
        return [record.getMessage() for record in logs.records]

    def test_a_report_is_logged_in_one_line_without_the_query(self):
        (line,) = self.logged(report())
        self.assertEqual(
            line,
            "CSP violation: img-src blocked https://evil.example/x.png "
            "on https://remedies.example/search/",
        )

    def test_an_unreadable_url_is_logged_not_a_server_error(self):
        for uri in ("http://[x", "https://[::1", "http://[", "http://a\uff03b/"):
            for field in ("blocked-uri", "document-uri"):
                (line,) = self.logged(report(**{field: uri}))
                self.assertNotIn("\n", line)
        (line,) = self.logged(report(**{"blocked-uri": "http://[x"}))
        self.assertIn("blocked http://[x (unreadable) on", line)

    def test_a_newline_cannot_forge_a_log_line(self):
        forged = (
            "img-src\nCSP violation: script-src blocked inline on https://bank.example/"
        )
        for fields in (
            {"effective-directive": forged},
            {"blocked-uri": "https://evil.example/\r\nforged line"},
            {"document-uri": "inline\nforged"},
            {"effective-directive": "img-src\u2028forged\u0085more"},
        ):
            lines = self.logged(report(**fields))
            self.assertEqual(len(lines), 1)
            for char in ("\n", "\r", "\u2028", "\u0085"):
                self.assertNotIn(char, lines[0])
        (line,) = self.logged(report(**{"effective-directive": forged}))
        self.assertTrue(line.startswith("CSP violation: img-src\\nCSP violation:"))

    def test_values_of_the_wrong_type_are_logged_as_such(self):
        for value in (1, 1.5, None, True, [], ["a\nb"], {"a": "b\nc"}):
            lines = self.logged(
                report(**{"effective-directive": value, "blocked-uri": value})
            )
            self.assertEqual(len(lines), 1)
            self.assertNotIn("\n", lines[0])

    def test_the_report_to_format_logs_one_line_per_report_up_to_ten(self):
        body = json.dumps(
            [
                {"type": "csp-violation", "body": {"effectiveDirective": f"d{i}\n"}}
                for i in range(15)
            ]
        ).encode()
        lines = self.logged(body)
        self.assertEqual(len(lines), 10)
        self.assertTrue(all("\n" not in line for line in lines))

    def test_bodies_that_are_no_report_are_a_400(self):
        for body in (
            b"",
            b"not json",
            b"\xff\xfe\x00",
            b"[" * 10_000 + b"]" * 10_000,  # deeper than the parser goes
            b"{" * 5000,
            b"null",
            b"42",
            b'"text"',
            b"[]",
            b'{"csp-report": "x"}',
            b'{"csp-report": [1, 2]}',
            b"[1, null, {}]",
            json.dumps({"csp-report": {}}).encode()[:-1],
        ):
            r = self.send(body[:16_000])
            self.assertEqual(r.status_code, 400, body[:40])

    def test_a_body_over_the_limit_is_a_413_whatever_its_length_claims(self):
        big = report(**{"blocked-uri": "https://a.example/" + "a" * 20_000})
        self.assertEqual(self.send(big).status_code, 413)
        # A Content-Length that is no number is read as none by Django.
        r = self.send(report(), CONTENT_LENGTH="many")
        self.assertIn(r.status_code, {204, 400})

    def test_reports_are_rate_limited_per_client(self):
        for _ in range(20):
            self.assertEqual(self.send(report()).status_code, 204)
        self.assertEqual(self.send(report()).status_code, 429)
        other = self.client_class()
        r = other.generic(
            "POST", URL, report(), "application/csp-report", REMOTE_ADDR="203.0.113.9"
        )
        self.assertEqual(r.status_code, 204)
