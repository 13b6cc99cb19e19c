"""A body that never arrives whole: the client announced more than it sent, or
went away mid-way. A 400 page and one log line, nothing acted on, no traceback."""

from __future__ import annotations

import io
import logging
import socket
import struct
import time

from django.test import LiveServerTestCase

from discussions.models import Comment

from .base import SecurityTestCase
from .test_bad_host import capture_logs

ANNOUNCED = 100_000
REFUSED = "We couldn’t read that request"
LOGGER = "django.security.request_limits"


class Disconnecting(io.RawIOBase):
    """A request body whose connection is reset after `sent` bytes."""

    def __init__(self, sent: bytes):
        self.sent = sent

    def readable(self):
        return True

    def read(self, size=-1):
        if self.sent:
            data, self.sent = self.sent[:size], self.sent[size:]
            if len(data) == size:
                return data
        raise ConnectionResetError(104, "Connection reset by peer")

    def readline(self, size=-1):
        return self.read(size)


class Short(io.BytesIO):
    """A request body that ends (the client closed its side) before its Content-Length."""


class BrokenBodyTests(SecurityTestCase):
    def endpoints(self):
        """Sign-in, a CSP report and a reply: (who, url, the start of a body, content type)."""
        form = "application/x-www-form-urlencoded"
        return [
            (
                "visitor",
                "/accounts/login/",
                f"login={self.member.email}&password=a-long-".encode(),
                form,
            ),
            (
                "visitor",
                "/csp-report/",
                b'{"csp-report": {"effective-directive": "img-src", "blo',
                "application/csp-report",
            ),
            (
                "member",
                f"/discussions/{self.comment.pk}/reply/",
                b"text=Half+a+reply+that+should+never+be+sto",
                form,
            ),
        ]

    def post(self, who, url, stream, content_type):
        client = self.client_for(who)
        return client.generic(
            "POST",
            url,
            b"x",  # replaced by the stream below
            content_type,
            **{"wsgi.input": stream, "CONTENT_LENGTH": str(ANNOUNCED)},
        )

    def check(self, make_stream):
        for who, url, start, content_type in self.endpoints():
            with capture_logs() as logs:
                r = self.post(who, url, make_stream(start), content_type)
            self.assertEqual(r.status_code, 400, url)
            self.assertContains(r, REFUSED, status_code=400)
            records = [rec for rec in logs.records if rec.levelno >= logging.WARNING]
            self.assertEqual(len(records), 1, logs.text())
            (record,) = records
            self.assertEqual(record.name, LOGGER)
            self.assertIsNone(record.exc_info)
            self.assertNotIn("\n", record.getMessage())
            self.assertIn(url, record.getMessage())
            self.assertNotIn("Traceback", logs.text())
        self.assertFalse(Comment.objects.filter(text__startswith="Half").exists())

    def test_a_connection_reset_mid_body_is_a_400_in_one_line(self):
        self.check(Disconnecting)

    def test_a_body_shorter_than_announced_is_a_400_in_one_line(self):
        self.check(Short)

    def test_a_whole_body_is_still_read(self):
        self.client.force_login(self.member)
        r = self.client.post(
            f"/discussions/{self.comment.pk}/reply/", {"text": "A whole reply"}
        )
        self.assertEqual(r.status_code, 302)
        self.assertTrue(Comment.objects.filter(text="A whole reply").exists())


class OtherCharsetTests(SecurityTestCase):
    """Django refuses a form in another charset than UTF-8 when it is first read;
    where the CSRF check read it first, its error page read it again: a 500."""

    def test_a_form_in_another_charset_is_a_400_page(self):
        enforcing = self.client_class(enforce_csrf_checks=True)
        enforcing.force_login(self.member)
        enforcing.get("/account/")  # its CSRF cookie: the check goes on to the form
        for client in (enforcing, self.client_for("member")):
            for charset in ("utf-7", "latin-1", "utf-16"):
                r = client.generic(
                    "POST",
                    f"/discussions/{self.comment.pk}/reply/",
                    b"text=Hello",
                    f"application/x-www-form-urlencoded; charset={charset}",
                )
                self.assertContains(r, REFUSED, status_code=400)
        self.assertFalse(Comment.objects.filter(text="Hello").exists())


def _request(path: str, body: bytes, content_type: str, host: str) -> bytes:
    return (
        f"POST {path} HTTP/1.1\r\n"
        f"Host: {host}\r\n"
        f"Content-Type: {content_type}\r\n"
        f"Content-Length: {ANNOUNCED}\r\n"
        "Connection: close\r\n\r\n"
    ).encode() + body


class LiveDisconnectTests(LiveServerTestCase):
    """The same over a real socket, against a live server."""

    def connect(self) -> socket.socket:
        sock = socket.create_connection(
            (self.server_thread.host, self.server_thread.port), timeout=10
        )
        return sock

    def wait_for_record(self, logs) -> list[logging.LogRecord]:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            found = [r for r in logs.records if r.name == LOGGER]
            if found:
                time.sleep(0.2)  # anything else the server logs about it
                return found
            time.sleep(0.05)
        self.fail("the server logged nothing about the broken body:\n" + logs.text())

    def test_a_client_that_resets_mid_body_gets_one_log_line(self):
        host = f"{self.server_thread.host}:{self.server_thread.port}"
        for path, body, content_type in (
            (
                "/accounts/login/",
                b"login=a%40example.com&password=x",
                "application/x-www-form-urlencoded",
            ),
            ("/csp-report/", b'{"csp-report": {"blo', "application/csp-report"),
        ):
            with capture_logs() as logs:
                sock = self.connect()
                sock.sendall(_request(path, body, content_type, host))
                time.sleep(0.3)  # the server is now waiting for the rest
                # Close with a reset (RST), as a client that gives up does.
                sock.setsockopt(
                    socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0)
                )
                sock.close()
                records = self.wait_for_record(logs)
            self.assertEqual(len(records), 1, logs.text())
            self.assertIn("could not be read", records[0].getMessage())
            self.assertNotIn("Traceback", logs.text())
            self.assertFalse([r for r in logs.records if r.exc_info], logs.text())
            self.assertFalse(
                [r for r in logs.records if r.name == "django.request"], logs.text()
            )

    def test_a_client_that_stops_sending_gets_a_400(self):
        host = f"{self.server_thread.host}:{self.server_thread.port}"
        with capture_logs() as logs:
            sock = self.connect()
            sock.sendall(
                _request(
                    "/accounts/login/",
                    b"login=a%40example.com&password=x",
                    "application/x-www-form-urlencoded",
                    host,
                )
            )
            sock.shutdown(socket.SHUT_WR)  # no more body will come
            answer = b""
            while chunk := sock.recv(65536):
                answer += chunk
            sock.close()
            self.wait_for_record(logs)
        self.assertTrue(answer.startswith(b"HTTP/1.1 400"), answer[:200])
        self.assertIn(REFUSED.encode(), answer)
        self.assertNotIn("Traceback", logs.text())
