"""Trending now: distinct visitors over a week, recent ones weighing more, prefixes counted once; and pruning."""

from datetime import timedelta
from io import StringIO

from django.contrib.sessions.backends.db import SessionStore
from django.core.cache import cache
from django.core.management import call_command
from django.test import TestCase, override_settings
from django.urls import reverse
from django.utils import timezone

from search.models import HiddenTrendingTerm, SearchLog
from search.services import (
    RECENT_KEY,
    RecentCookie,
    forget_trending,
    prune_search_log,
    rebuild_index,
    record_search,
    trending,
    visitor_hash,
)
from tests.helpers import make_ailment

LOCMEM = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "pages": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
}


def visitor() -> SessionStore:
    """A visitor who already holds a session, from an address of their own."""
    session = SessionStore()
    session.create()
    return session


def search_as(session, *terms: str) -> None:
    for term in terms:
        record_search(
            session=session, term=term, client=f"client-{session.session_key}"
        )


def age(term: str, days: float) -> None:
    SearchLog.objects.filter(term=term).update(
        created_at=timezone.now() - timedelta(days=days)
    )


@override_settings(CACHES=LOCMEM)
class TrendingTests(TestCase):
    def setUp(self):
        cache.clear()

    def test_a_term_needs_three_distinct_visitors(self):
        search_as(visitor(), "sciatica")
        search_as(visitor(), "sciatica")
        self.assertEqual(trending(), [])
        cache.clear()
        search_as(visitor(), "sciatica")
        self.assertEqual(trending(), ["sciatica"])

    def test_one_visitor_searching_again_and_again_counts_once(self):
        keen = visitor()
        search_as(keen, *["insomnia"] * 10)
        search_as(visitor(), "insomnia")
        self.assertEqual(SearchLog.objects.count(), 2)
        self.assertEqual(trending(), [])

    def test_more_visitors_rank_higher(self):
        for _ in range(3):
            search_as(visitor(), "insomnia")
        for _ in range(5):
            search_as(visitor(), "sciatica")
        self.assertEqual(trending(), ["sciatica", "insomnia"])

    def test_recent_searches_weigh_more_than_old_ones(self):
        for _ in range(5):
            search_as(visitor(), "common cold")
        age("common cold", 6)
        for _ in range(3):
            search_as(visitor(), "hay fever")
        # 3 today beat 5 six days ago (each weighs about 1/8).
        self.assertEqual(trending(), ["hay fever", "common cold"])

    def test_searches_older_than_a_week_do_not_count(self):
        for _ in range(4):
            search_as(visitor(), "flu")
        age("flu", 7.5)
        self.assertEqual(trending(), [])

    def test_prefixes_typed_on_the_way_count_once(self):
        # Each visitor submits what they had typed so far, then the full term.
        for _ in range(3):
            search_as(visitor(), "sci", "sciat", "sciatica")
        self.assertEqual(trending(), ["sciatica"])
        self.assertEqual(SearchLog.objects.filter(term="sciatica").count(), 3)
        self.assertFalse(SearchLog.objects.exclude(term="sciatica").exists())

    def test_a_prefix_after_the_full_term_is_not_logged_again(self):
        for _ in range(3):
            search_as(visitor(), "sciatica", "sciat")
        self.assertEqual(
            list(SearchLog.objects.values_list("term", flat=True).distinct()),
            ["sciatica"],
        )
        self.assertEqual(trending(), ["sciatica"])

    def test_prefixes_from_long_ago_are_separate_searches(self):
        for _ in range(3):
            session = visitor()
            search_as(session, "knee")
            age("knee", 1)
            search_as(session, "knee pain")
        cache.clear()
        self.assertEqual(sorted(trending()), ["knee", "knee pain"])

    def test_terms_are_normalised(self):
        for query in ("Sciatica", "  SCIATICA ", "sciatica"):
            search_as(visitor(), query)
        self.assertEqual(trending(), ["sciatica"])

    def test_no_personal_data_is_kept(self):
        session = visitor()
        search_as(session, "sciatica")
        row = SearchLog.objects.get()
        self.assertNotEqual(row.visitor, session.session_key)
        self.assertNotIn(session.session_key, row.visitor)
        self.assertEqual(row.visitor, visitor_hash(session.session_key))
        self.assertRegex(row.visitor, r"^[0-9a-f]{32}$")
        self.assertEqual(
            [f.name for f in SearchLog._meta.get_fields()],
            ["id", "term", "visitor", "created_at"],
        )
        # The salt comes from SECRET_KEY: another site's log cannot be matched.
        with self.settings(SECRET_KEY="another-secret-key-for-this-test-only"):
            self.assertNotEqual(visitor_hash(session.session_key), row.visitor)

    def test_at_most_five_terms(self):
        for n in range(7):
            for _ in range(3 + n):
                search_as(visitor(), f"term {n}")
        self.assertEqual(trending(), [f"term {n}" for n in (6, 5, 4, 3, 2)])

    def test_it_is_cached_for_everyone(self):
        self.assertEqual(trending(), [])
        for _ in range(3):
            search_as(visitor(), "sciatica")
        self.assertEqual(trending(), [])  # until the cache expires
        cache.clear()
        self.assertEqual(trending(), ["sciatica"])

    def test_trending_through_the_pages_by_distinct_visitors(self):
        make_ailment(name="Sciatica")
        make_ailment(name="Heat rash")
        rebuild_index()
        url = reverse("search:remember")
        people = [self.client_class(REMOTE_ADDR=f"203.0.113.{n}") for n in range(1, 4)]
        for person in people:
            # A first search (that finds something) starts their session.
            person.get(url, {"q": "heat"})
        for person in people[:2]:
            person.get(url, {"q": "sciatica"})
        keen = people[2]
        for query in ("sci", "sciat", "sciatica", "sciatica"):
            keen.get(url, {"q": query})
        r = self.client_class().get(
            reverse("search:recent_searches"), HTTP_HX_REQUEST="true"
        )
        self.assertContains(r, "Trending now")
        self.assertContains(
            r, '<span class="palette__title">sciatica</span>', html=True
        )
        self.assertNotContains(r, "sciat<")


@override_settings(CACHES=LOCMEM)
class WhoCountsTests(TestCase):
    """Only visitors who came with an id of theirs (a session or their cookie)
    count, each client once per term an hour; no session is ever started."""

    def setUp(self):
        cache.clear()

    def cookie(self, *, held: bool, n: int = 0) -> RecentCookie:
        return RecentCookie(f"{n:032x}", [], held=held)

    def test_a_client_without_a_session_remembers_in_its_cookie(self):
        for n in range(5):
            session = SessionStore()  # a client that came without a session
            cookie = self.cookie(held=False, n=n)
            record_search(
                session=session, term="sciatica", client=f"client-{n}", cookie=cookie
            )
            self.assertEqual(cookie.items, [{"q": "sciatica", "entry": None}])
            self.assertTrue(cookie.changed)
            # No session started for it, and a new cookie does not count.
            self.assertFalse(session.modified)
            self.assertIsNone(session.session_key)
        self.assertFalse(SearchLog.objects.exists())

    def test_a_cookie_the_client_came_with_counts_once(self):
        cookie = self.cookie(held=True)
        record_search(
            session=SessionStore(), term="sciatica", client="client", cookie=cookie
        )
        self.assertEqual(
            list(SearchLog.objects.values_list("visitor", flat=True)),
            [visitor_hash(cookie.visitor)],
        )

    def test_a_search_that_found_nothing_is_neither_remembered_nor_counted(self):
        session = visitor()
        record_search(session=session, term="sciatica", client="client")
        for term in ("zzzz", "sciatica zzzz"):
            record_search(session=session, term=term, client="client", found=False)
        self.assertEqual(session[RECENT_KEY], [{"q": "sciatica", "entry": None}])
        self.assertEqual(
            list(SearchLog.objects.values_list("term", flat=True)), ["sciatica"]
        )
        fresh, cookie = SessionStore(), self.cookie(held=True, n=1)
        record_search(
            session=fresh, term="zzzz", client="other", found=False, cookie=cookie
        )
        self.assertEqual(cookie.items, [])
        self.assertFalse(cookie.changed)
        self.assertFalse(fresh.modified)

    def test_a_cookie_naming_no_session_is_no_session(self):
        session = SessionStore(session_key="x" * 32)
        record_search(session=session, term="sciatica", client="client")
        self.assertFalse(SearchLog.objects.exists())
        self.assertFalse(session.modified)

    def test_one_client_counts_once_however_many_ids_it_holds(self):
        for _ in range(5):
            record_search(session=visitor(), term="sciatica", client="one-address")
        for n in range(5):
            record_search(
                session=SessionStore(),
                term="sciatica",
                client="one-address",
                cookie=self.cookie(held=True, n=n),
            )
        self.assertEqual(SearchLog.objects.count(), 1)
        record_search(session=visitor(), term="insomnia", client="one-address")
        self.assertEqual(SearchLog.objects.count(), 2)  # another term counts

    def test_a_hidden_term_never_trends(self):
        for _ in range(4):
            search_as(visitor(), "buy cheap pills", "sciatica")
        self.assertEqual(trending(), ["buy cheap pills", "sciatica"])
        HiddenTrendingTerm.objects.create(term="buy cheap pills")
        self.assertEqual(trending(), ["buy cheap pills", "sciatica"])  # cached
        forget_trending()
        self.assertEqual(trending(), ["sciatica"])
        search_as(visitor(), "buy cheap pills")
        forget_trending()
        self.assertEqual(trending(), ["sciatica"])


class PruneTests(TestCase):
    def test_prune_deletes_rows_older_than_thirty_days(self):
        search_as(visitor(), "old")
        search_as(visitor(), "recent")
        age("old", 31)
        age("recent", 29)
        self.assertEqual(prune_search_log(), 1)
        self.assertEqual(
            list(SearchLog.objects.values_list("term", flat=True)), ["recent"]
        )

    def test_the_command_says_what_it_did(self):
        search_as(visitor(), "old")
        search_as(visitor(), "older")
        age("old", 8)
        age("older", 9)
        out = StringIO()
        call_command("prune_search_log", "--days", "7", stdout=out)
        self.assertEqual(
            out.getvalue().strip(), "Deleted 2 search log rows older than 7 days."
        )
        out = StringIO()
        call_command("prune_search_log", stdout=out)
        self.assertEqual(
            out.getvalue().strip(), "Deleted 0 search log rows older than 30 days."
        )

    def test_rebuild_command(self):
        make_ailment(name="Sciatica")
        out = StringIO()
        call_command("rebuild_search_index", stdout=out)
        self.assertEqual(out.getvalue().strip(), "Search index rebuilt: 1 entry.")
