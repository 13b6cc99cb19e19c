"""Trending now cannot be written by one client: dropping its cookie, holding
many cookies or sessions or hammering /search/remember/ makes it no more
visitors than it is, remembering a search starts no session, and editors take
any term out of Trending now in the admin."""

from __future__ import annotations

import time
from types import SimpleNamespace
from unittest import mock

from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.cache import cache

from core import freshness, ratelimit
from search.models import HiddenTrendingTerm, SearchLog
from search.services import trending
from search.views import REMEMBER_PER_MINUTE, recent_cookie_name
from tests.helpers import within_one_rate_window

from .base import SecurityTestCase

REMEMBER = "/search/remember/"
RECENT = recent_cookie_name()
PHRASE = "heat therapy"  # finds the test site's remedy, so it is logged


class TrendingAbuseTests(SecurityTestCase):
    def searcher(self, n: int):
        """Someone at an address of their own, who has searched before (so holds
        the cookie that keeps their recent searches)."""
        client = self.client_class(REMOTE_ADDR=f"203.0.113.{n}")
        client.get(REMEMBER, {"q": "back"})
        return client

    def trending_now(self) -> list[str]:
        cache.clear()
        return trending()

    @within_one_rate_window()
    def test_cookieless_requests_from_one_client_are_no_visitors(self):
        sessions = Session.objects.count()
        statuses = [
            self.client_class().get(REMEMBER, {"q": PHRASE}).status_code
            for _ in range(303)
        ]
        # Then the rate limit.
        self.assertEqual(statuses.count(200), REMEMBER_PER_MINUTE)
        self.assertEqual(set(statuses[REMEMBER_PER_MINUTE:]), {429})
        self.assertFalse(SearchLog.objects.exists())
        self.assertEqual(self.trending_now(), [])
        self.assertEqual(Session.objects.count(), sessions)

    def test_remembering_searches_starts_no_session(self):
        # The same 303 requests, five a minute for an hour: each within the
        # per-minute limit; each gets the cookie that keeps its recent
        # searches, none a session, and none counts (each came without).
        start = (int(time.time()) // 3600) * 3600 + 1
        clock = {"now": start}
        fake = SimpleNamespace(time=lambda: clock["now"], monotonic=time.monotonic)
        sessions = Session.objects.count()
        with mock.patch.object(ratelimit, "time", fake):
            for n in range(303):
                clock["now"] = start + n * 11  # 303 requests in 55 minutes
                r = self.client_class().get(REMEMBER, {"q": PHRASE})
                self.assertEqual(r.status_code, 200)
                self.assertNotIn(settings.SESSION_COOKIE_NAME, r.cookies)
                self.assertIn(RECENT, r.cookies)
        self.assertEqual(Session.objects.count(), sessions)
        self.assertFalse(SearchLog.objects.exists())

    @within_one_rate_window()
    def test_a_forged_or_old_cookie_is_no_visitor(self):
        client = self.client_class()
        client.get(REMEMBER, {"q": "back"})
        value = client.cookies[RECENT].value
        client.cookies[RECENT] = value[:-2] + ("AA" if value[-2:] != "AA" else "BB")
        client.get(REMEMBER, {"q": PHRASE})
        self.assertFalse(SearchLog.objects.filter(term=PHRASE).exists())
        client.get(REMEMBER, {"q": PHRASE})  # its new cookie, now held, counts
        self.assertEqual(SearchLog.objects.filter(term=PHRASE).count(), 1)

    @within_one_rate_window()
    def test_a_client_holding_many_sessions_counts_once(self):
        # Sessions started and kept, one per "visitor", all from one address.
        visitors = [self.client_class() for _ in range(5)]
        for visitor in visitors:
            visitor.get(REMEMBER, {"q": "back"})
        for visitor in visitors:
            visitor.get(REMEMBER, {"q": PHRASE})
        self.assertEqual(SearchLog.objects.filter(term=PHRASE).count(), 1)
        self.assertEqual(self.trending_now(), [])

    @within_one_rate_window()
    def test_a_forged_forwarded_address_makes_no_new_visitor(self):
        visitors = [self.client_class() for _ in range(3)]
        for n, visitor in enumerate(visitors):
            visitor.get(REMEMBER, {"q": "back"}, HTTP_X_FORWARDED_FOR=f"192.0.2.{n}")
            visitor.get(REMEMBER, {"q": PHRASE}, HTTP_X_FORWARDED_FOR=f"192.0.2.{n}")
        self.assertEqual(self.trending_now(), [])

    def test_three_people_who_search_it_make_it_trend(self):
        for n in range(3):
            self.searcher(n).get(REMEMBER, {"q": PHRASE})
        self.assertEqual(self.trending_now(), [PHRASE])

    def test_an_editor_hides_a_term_at_once_and_can_let_it_back(self):
        for n in range(3):
            self.searcher(n).get(REMEMBER, {"q": PHRASE})
        self.assertEqual(trending(), [PHRASE])  # and cached for five minutes
        editor = self.client_for("editor")
        r = editor.get("/admin/search/hiddentrendingterm/add/")
        self.assertContains(r, f"“{PHRASE}”")  # what Trending now shows
        shown_before = freshness.versions([freshness.TRENDING])
        with self.captureOnCommitCallbacks(execute=True):
            r = editor.post(
                "/admin/search/hiddentrendingterm/add/", {"term": "  Heat   THERAPY "}
            )
        self.assertEqual(r.status_code, 302)
        # Stored pages that show Trending now are stale.
        self.assertNotEqual(freshness.versions([freshness.TRENDING]), shown_before)
        hidden = HiddenTrendingTerm.objects.get(term=PHRASE)
        self.assertEqual(hidden.term, PHRASE)
        self.assertEqual(trending(), [])  # at once, not in five minutes
        r = self.client.get("/search/recent/")
        self.assertNotContains(r, "Trending now")
        # The same term again is refused beside the field.
        r = editor.post("/admin/search/hiddentrendingterm/add/", {"term": PHRASE})
        self.assertContains(r, "already exists")
        r = editor.post(
            f"/admin/search/hiddentrendingterm/{hidden.pk}/delete/", {"post": "yes"}
        )
        self.assertEqual(r.status_code, 302)
        self.assertEqual(trending(), [PHRASE])

    def test_trending_terms_are_escaped_in_the_admin(self):
        term = "heat <b>"
        for n in range(3):
            self.searcher(n).get(REMEMBER, {"q": term})
        self.assertEqual(self.trending_now(), [term])
        r = self.client_for("editor").get("/admin/search/hiddentrendingterm/add/")
        self.assertContains(r, "“heat &lt;b&gt;”")
        self.assertNotContains(r, term)

    def test_members_and_visitors_cannot_hide_terms(self):
        for persona in ("visitor", "member"):
            r = self.client_for(persona).post(
                "/admin/search/hiddentrendingterm/add/", {"term": "sciatica"}
            )
            self.assertEqual(r.status_code, 302, persona)
            self.assertTrue(r["Location"].startswith("/admin/login/"), persona)
        self.assertFalse(HiddenTrendingTerm.objects.filter(term="sciatica").exists())
