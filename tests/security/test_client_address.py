"""Per-client limits behind the TLS proxy: each person counts as themselves.

Behind a proxy every request comes from the proxy's address. With
TRUSTED_PROXY_COUNT set, the client is the address the proxy saw (the
X-Forwarded-For entry that many places from the right), for allauth's sign-in
limits and our own alike; without it X-Forwarded-For is ignored, so nobody
escapes a limit, or pushes another person into one, by sending one.
"""

from __future__ import annotations

import json

from django.test import RequestFactory, override_settings

from core.ratelimit import client_ip, client_key
from search.views import REMEMBER_PER_MINUTE
from tests.helpers import PASSWORD

from .base import SecurityTestCase

PROXY = "10.0.0.2"
ALICE = "203.0.113.10"
BOB = "198.51.100.20"
TOO_MANY = "Too many failed login attempts"


def forwarded(client: str, forged: str = "") -> dict:
    """What the proxy passes on for `client`, after anything the client sent itself."""
    chain = f"{forged}, {client}" if forged else client
    return {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": chain}


class SignInBehindTheProxyTests(SecurityTestCase):
    def fail_sign_in(self, n: int, **meta) -> None:
        for i in range(n):
            r = self.client_class().post(
                "/accounts/login/",
                {"login": f"nobody{i}@example.com", "password": "wrong"},
                **meta,
            )
            self.assertEqual(r.status_code, 200)

    def sign_in(self, **meta):
        return self.client_class().post(
            "/accounts/login/",
            {"login": self.member.email, "password": PASSWORD},
            **meta,
        )

    @override_settings(TRUSTED_PROXY_COUNT=1)
    def test_behind_a_trusted_proxy_one_clients_failures_lock_out_only_that_client(
        self,
    ):
        self.fail_sign_in(11, **forwarded(ALICE))
        self.assertContains(self.sign_in(**forwarded(ALICE)), TOO_MANY)
        # Bob, behind the same proxy, signs in.
        r = self.sign_in(**forwarded(BOB))
        self.assertEqual(r.status_code, 302)

    @override_settings(TRUSTED_PROXY_COUNT=1)
    def test_behind_a_trusted_proxy_what_the_client_adds_is_not_believed(self):
        # Alice names someone else in each request; the proxy adds her address.
        for i in range(11):
            self.fail_sign_in(1, **forwarded(ALICE, forged=f"192.0.2.{i}"))
        r = self.sign_in(**forwarded(ALICE, forged="192.0.2.200"))
        self.assertContains(r, TOO_MANY)
        self.assertEqual(self.sign_in(**forwarded(BOB, forged=ALICE)).status_code, 302)

    @override_settings(TRUSTED_PROXY_COUNT=0)
    def test_without_a_trusted_proxy_a_forged_header_is_ignored(self):
        for i in range(11):
            self.fail_sign_in(1, REMOTE_ADDR=ALICE, HTTP_X_FORWARDED_FOR=f"192.0.2.{i}")
        r = self.sign_in(REMOTE_ADDR=ALICE, HTTP_X_FORWARDED_FOR=BOB)
        self.assertContains(r, TOO_MANY)
        # Naming Alice does not lock Bob out either.
        r = self.sign_in(REMOTE_ADDR=BOB, HTTP_X_FORWARDED_FOR=ALICE)
        self.assertEqual(r.status_code, 302)


def csp_report(client, **meta):
    body = json.dumps({"csp-report": {"effective-directive": "img-src"}})
    return client.generic(
        "POST", "/csp-report/", body.encode(), "application/csp-report", **meta
    )


class OurLimitsBehindTheProxyTests(SecurityTestCase):
    @override_settings(TRUSTED_PROXY_COUNT=1)
    def test_two_clients_behind_a_trusted_proxy_are_limited_separately(self):
        for _ in range(20):
            self.assertEqual(
                csp_report(self.client, **forwarded(ALICE)).status_code, 204
            )
        self.assertEqual(csp_report(self.client, **forwarded(ALICE)).status_code, 429)
        self.assertEqual(csp_report(self.client, **forwarded(BOB)).status_code, 204)
        for _ in range(REMEMBER_PER_MINUTE):
            r = self.client.get("/search/remember/", {"q": "heat"}, **forwarded(ALICE))
            self.assertEqual(r.status_code, 200)
        r = self.client.get("/search/remember/", {"q": "heat"}, **forwarded(ALICE))
        self.assertEqual(r.status_code, 429)
        r = self.client.get("/search/remember/", {"q": "heat"}, **forwarded(BOB))
        self.assertEqual(r.status_code, 200)

    @override_settings(TRUSTED_PROXY_COUNT=0)
    def test_without_a_trusted_proxy_a_forged_header_escapes_no_limit(self):
        for i in range(20):
            meta = {"REMOTE_ADDR": ALICE, "HTTP_X_FORWARDED_FOR": f"192.0.2.{i}"}
            self.assertEqual(csp_report(self.client, **meta).status_code, 204)
        meta = {"REMOTE_ADDR": ALICE, "HTTP_X_FORWARDED_FOR": BOB}
        self.assertEqual(csp_report(self.client, **meta).status_code, 429)
        self.assertEqual(csp_report(self.client, REMOTE_ADDR=BOB).status_code, 204)


class ClientAddressTests(SecurityTestCase):
    def ip(self, remote="10.0.0.2", header=None) -> str:
        meta = {"REMOTE_ADDR": remote}
        if header is not None:
            meta["HTTP_X_FORWARDED_FOR"] = header
        return client_ip(RequestFactory().get("/", **meta))

    def test_without_trusted_proxies_only_the_connection_counts(self):
        with self.settings(TRUSTED_PROXY_COUNT=0):
            self.assertEqual(self.ip(header=ALICE), "10.0.0.2")
            self.assertEqual(self.ip(remote="garbage"), "")

    def test_the_entry_the_proxies_wrote_is_the_client(self):
        with self.settings(TRUSTED_PROXY_COUNT=1):
            self.assertEqual(self.ip(), "10.0.0.2")  # straight to us: no header
            self.assertEqual(self.ip(header=ALICE), ALICE)
            self.assertEqual(self.ip(header=f"1.1.1.1, {ALICE}"), ALICE)
            self.assertEqual(self.ip(header=f" {ALICE}:4711 "), ALICE)
            self.assertEqual(self.ip(header="[2001:db8::1]:443"), "2001:db8::1")
            self.assertEqual(self.ip(header="2001:DB8::1"), "2001:db8::1")
            # Not an address: the connection's own.
            for junk in ("unknown", "", " , ", "999.1.1.1", "a" * 300):
                self.assertEqual(self.ip(header=junk), "10.0.0.2", junk)
        with self.settings(TRUSTED_PROXY_COUNT=2):
            self.assertEqual(self.ip(header=f"1.1.1.1, {ALICE}, 10.0.0.9"), ALICE)
            # Only one proxy of ours on the way: its entry is the client.
            self.assertEqual(self.ip(header=ALICE), ALICE)

    def test_a_client_key_hides_the_address_and_groups_an_ipv6_network(self):
        def key(remote):
            return client_key(RequestFactory().get("/", REMOTE_ADDR=remote), "test")

        self.assertRegex(key(ALICE), r"^[0-9a-f]{32}$")
        self.assertNotEqual(key(ALICE), key(BOB))
        self.assertEqual(key("2001:db8:1:2::1"), key("2001:db8:1:2:ffff::9"))
        self.assertNotEqual(key("2001:db8:1:2::1"), key("2001:db8:1:3::1"))
        self.assertEqual(key("::ffff:203.0.113.10"), key(ALICE))
        other = client_key(RequestFactory().get("/", REMOTE_ADDR=ALICE), "other")
        self.assertNotEqual(key(ALICE), other)
