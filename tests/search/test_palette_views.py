"""What the search palette asks the server for: suggestions, recent searches, clearing them, a chosen suggestion."""

import re

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.test import override_settings
from django.urls import reverse

from search.models import SearchEntry, SearchLog
from search.services import rebuild_index
from search.views import RECENT_COOKIE_SALT, recent_cookie_name
from tests.helpers import (
    SiteTestCase,
    make_ailment,
    make_page,
    make_remedy,
)

HTMX = {"HTTP_HX_REQUEST": "true"}
LOCMEM = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "pages": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
}


class PaletteTestCase(SiteTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.sciatica = make_ailment(
            name="Sciatica", slug="sciatica", synonyms="sciatic nerve pain"
        )
        cls.stretches = make_remedy(name="Physical Therapy Stretches", slug="stretches")
        cls.page = make_page(cls.stretches, cls.sciatica)
        make_remedy(name="Secret sciatica cure", is_published=False)
        rebuild_index()
        cls.sciatica_entry = SearchEntry.objects.get(kind="ailment")
        cls.page_entry = SearchEntry.objects.get(kind="page")


class SuggestTests(PaletteTestCase):
    url = reverse("search:suggest")

    def test_suggestions_are_options_of_a_listbox(self):
        r = self.client.get(self.url, {"q": "sciat"}, **HTMX)
        self.assertEqual(r.status_code, 200)
        html = r.content.decode()
        self.assertContains(r, '<div role="listbox" id="palette-listbox"')
        options = re.findall(r'<a role="option" id="([^"]+)"[^>]*href="([^"]+)"', html)
        self.assertEqual(
            options,
            [
                ("palette-option-1", f"/search/go/{self.sciatica_entry.pk}/"),
                ("palette-option-2", f"/search/go/{self.page_entry.pk}/"),
                ("palette-option-all", "/search/?q=sciat"),
            ],
        )
        self.assertContains(r, '<span class="palette__kind">Ailment</span>', html=True)
        self.assertContains(r, "See all results for “sciat”")
        self.assertContains(
            r, 'data-status="2 suggestions. Use the up and down arrows to choose."'
        )
        self.assertNotContains(r, "Secret sciatica cure")
        assert "<html" not in html

    def test_nothing_found_is_said_plainly_and_offers_no_option(self):
        r = self.client.get(self.url, {"q": "zzzz"}, **HTMX)
        message = (
            "Nothing matches “zzzz”. Check the spelling, or try the name of an ailment."
        )
        # What the live region (#palette-status) announces...
        self.assertContains(r, f'data-status="{message}"')
        # ...and what is shown, beside the listbox: a listbox may hold options only.
        self.assertContains(
            r,
            '<p id="palette-nothing" class="palette__hint palette__nothing">'
            "<strong>Nothing matches “zzzz”.</strong> Check the spelling, or try "
            "the name of an ailment.</p>",
            html=True,
        )
        html = r.content.decode()
        listbox = re.search(r'<div role="listbox".*?</div>', html, re.S).group()
        self.assertNotIn("Nothing matches “zzzz”.</strong>", listbox)
        # "See all results" would only show the same nothing.
        self.assertNotIn('role="option"', html)
        self.assertNotIn("palette-option-all", html)

    def test_a_typo_is_found_not_reported_as_nothing(self):
        r = self.client.get(self.url, {"q": "siatica"}, **HTMX)
        self.assertContains(r, f'href="/search/go/{self.sciatica_entry.pk}/"')
        self.assertContains(r, 'id="palette-option-all"')
        self.assertNotContains(r, "Nothing matches")

    def test_one_letter_asks_for_more(self):
        r = self.client.get(self.url, {"q": "s"}, **HTMX)
        self.assertContains(r, "Keep typing for suggestions.")
        self.assertEqual(len(re.findall(r'role="option"', r.content.decode())), 1)

    def test_the_query_is_escaped(self):
        r = self.client.get(self.url, {"q": '"><img src=x>'}, **HTMX)
        self.assertNotContains(r, "<img src=x>")
        self.assertContains(r, "&quot;&gt;&lt;img src=x&gt;")

    @override_settings(PAGE_CACHE_SECONDS=600)
    def test_it_is_the_same_for_everyone_and_stored_once(self):
        r = self.client.get(self.url, {"q": "sciat"}, **HTMX)
        self.assertEqual(r["X-Cache"], "miss")
        self.assertIn("HX-Request", r["Vary"])
        self.assertFalse(r.cookies)
        self.client.force_login(self.member)
        again = self.client.get(self.url, {"q": "sciat"}, **HTMX)
        self.assertEqual(again["X-Cache"], "hit")
        self.assertEqual(again.content, r.content)
        self.assertFalse(SearchLog.objects.exists())  # typing is not searching

    def test_without_htmx_it_sends_you_to_the_results_page(self):
        r = self.client.get(self.url, {"q": "sciatic nerve"})
        self.assertRedirects(
            r, "/search/?q=sciatic+nerve", fetch_redirect_response=False
        )

    def test_query_count_is_fixed_whatever_the_size(self):
        # 1 the closest known word to any word it does not know (for typos),
        # 2 the suggestions (on PostgreSQL the best name matches and, to fill
        # up, text matches, in one query). The same on SQLite.
        expected = 2
        with self.assertNumQueries(expected):
            self.client.get(self.url, {"q": "stretches"}, **HTMX)
        for i in range(40):
            make_page(make_remedy(name=f"Stretches {i}"), make_ailment())
        rebuild_index()
        with self.assertNumQueries(expected):
            r = self.client.get(self.url, {"q": "stretches"}, **HTMX)
        self.assertEqual(len(re.findall(r'role="option"', r.content.decode())), 9)


class OpenResultTests(PaletteTestCase):
    def test_a_chosen_suggestion_is_remembered_then_opened(self):
        url = reverse("search:open_result", args=[self.page_entry.pk])
        r = self.client.get(url)
        self.assertRedirects(
            r, "/remedies/stretches/for/sciatica/", fetch_redirect_response=False
        )
        self.assertIn("no-cache", r["Cache-Control"])
        r = self.client.get(reverse("search:recent_searches"), **HTMX)
        self.assertContains(r, 'href="/remedies/stretches/for/sciatica/"')
        # A cookie started by the choice itself does not count for trending;
        # the visitor's next choice, with the cookie they now hold, does. No
        # session is started for either.
        self.assertNotIn(settings.SESSION_COOKIE_NAME, self.client.cookies)
        self.assertFalse(SearchLog.objects.exists())
        self.client.get(reverse("search:open_result", args=[self.sciatica_entry.pk]))
        log = SearchLog.objects.get()
        self.assertEqual(log.term, "sciatica")

    def test_over_the_rate_limit_it_only_opens_the_page(self):
        url = reverse("search:open_result", args=[self.page_entry.pk])
        for _ in range(40):
            r = self.client.get(url)
            self.assertEqual(r.status_code, 302)
        self.assertEqual(r["Location"], "/remedies/stretches/for/sciatica/")

    @override_settings(CACHES=LOCMEM)
    def test_query_count_is_fixed_whatever_the_size(self):
        # The rate limits count in the cache, out of SQL (as with Redis in
        # production): 1 the entry, 2-6 log it (savepoint, a longer term
        # already logged?, delete shorter prefixes, insert, release). The
        # recent searches are in the visitor's cookie: no session.
        url = reverse("search:open_result", args=[self.page_entry.pk])
        for size in ("small", "large"):
            if size == "large":
                for i in range(30):
                    make_page(make_remedy(name=f"Stretches {i}"), self.sciatica)
                rebuild_index()
            cache.clear()
            client = self.client_class()
            # A visitor with the cookie of their recent searches (started by
            # their first search, which is not logged: the cookie was new).
            client.get(reverse("search:remember"), {"q": "sciatica"})
            with self.assertNumQueries(6):
                client.get(url)

    def test_an_unpublished_or_missing_entry_is_not_found(self):
        hidden = SearchEntry.objects.get(is_published=False)
        for pk in (hidden.pk, 999999):
            r = self.client.get(reverse("search:open_result", args=[pk]))
            self.assertEqual(r.status_code, 404)
        self.assertFalse(SearchLog.objects.exists())


@override_settings(CACHES=LOCMEM)
class RecentSearchesTests(PaletteTestCase):
    url = reverse("search:recent_searches")
    clear_url = reverse("search:clear_recent_searches")

    def setUp(self):
        super().setUp()
        cache.clear()

    def search(self, client, query):
        # What the results page sends once it has loaded.
        client.get(reverse("search:remember"), {"q": query})

    def test_a_visitor_sees_only_their_own_recent_searches(self):
        self.search(self.client, "sciatica")
        self.client.get(reverse("search:open_result", args=[self.page_entry.pk]))
        other = self.client_class()
        self.search(other, "stretches")

        r = self.client.get(self.url, **HTMX)
        html = r.content.decode()
        self.assertContains(r, "Recent searches")
        # Newest first: the chosen page opens directly, the query reruns the search.
        assert html.index("Physical Therapy Stretches for Sciatica") < html.index(
            'href="/search/?q=sciatica"'
        )
        self.assertNotContains(r, "?q=stretches")
        r = other.get(self.url, **HTMX)
        self.assertContains(r, 'href="/search/?q=stretches"')
        self.assertNotContains(r, "?q=sciatica")

    def test_it_is_never_cached_and_carries_the_csrf_token_for_clearing(self):
        self.search(self.client, "sciatica")
        r = self.client.get(self.url, **HTMX)
        self.assertIn("no-cache", r["Cache-Control"])
        self.assertIn("private", r["Cache-Control"])
        self.assertContains(r, 'name="csrfmiddlewaretoken"')
        self.assertContains(r, f'data-hx-post="{self.clear_url}"')
        assert "<html" not in r.content.decode()

    def test_only_the_last_five_are_kept_without_repeats(self):
        queries = ("physical", "therapy", "sciatica", "nerve", "pain", "stretches")
        for query in (*queries, "sciatica"):
            self.search(self.client, query)
        r = self.client.get(self.url, **HTMX)
        terms = re.findall(r'href="/search/\?q=(\w+)"', r.content.decode())
        self.assertEqual(terms, ["sciatica", "stretches", "pain", "nerve", "therapy"])

    def test_a_search_that_found_nothing_is_not_a_recent_search(self):
        self.search(self.client, "zzzz")
        self.assertNotIn(settings.SESSION_COOKIE_NAME, self.client.cookies)
        self.search(self.client, "sciatica")
        self.search(self.client, "qqqq nothing")
        self.search(self.client, "siatica")  # a typo that finds Sciatica
        r = self.client.get(self.url, **HTMX)
        terms = re.findall(r'href="/search/\?q=([^"]+)"', r.content.decode())
        self.assertEqual(terms, ["siatica", "sciatica"])
        # Nor is it on the page without JavaScript, nor in the trending log.
        r = self.client.get(self.url)
        self.assertNotContains(r, "zzzz")
        self.assertNotContains(r, "qqqq")
        self.assertFalse(SearchLog.objects.filter(term__startswith="qqqq").exists())

    def test_a_new_visitor_has_none_and_gets_no_session(self):
        r = self.client.get(self.url, **HTMX)
        self.assertNotContains(r, "Recent searches")
        self.assertNotContains(r, "csrfmiddlewaretoken")
        self.assertContains(r, "Type the name of a remedy or an ailment")
        self.assertNotIn(settings.SESSION_COOKIE_NAME, r.cookies)

    def test_without_javascript_it_is_a_small_page(self):
        self.search(self.client, "sciatica")
        r = self.client.get(self.url)
        self.assertContains(r, "<h1>Your recent searches</h1>", html=True)
        self.assertContains(r, 'href="/search/?q=sciatica"')
        self.assertContains(r, '<meta name="robots" content="noindex">')
        self.assertContains(r, f'<form method="post" action="{self.clear_url}">')

    def test_clearing_with_a_plain_form(self):
        self.search(self.client, "sciatica")
        r = self.client.post(self.clear_url)
        self.assertRedirects(r, self.url, fetch_redirect_response=False)
        r = self.client.get(self.url)
        self.assertContains(r, "Your recent searches are cleared.")
        self.assertContains(r, "No recent searches.")
        r = self.client.post(self.clear_url, follow=True)
        self.assertContains(r, "You had no recent searches.")

    def test_clearing_with_htmx_returns_the_palette_content(self):
        self.search(self.client, "sciatica")
        r = self.client.post(self.clear_url, **HTMX)
        self.assertEqual(r.status_code, 200)
        self.assertContains(
            r,
            '<p class="palette__notice" role="status">Your recent searches are cleared.</p>',
            html=True,
        )
        self.assertContains(r, 'id="palette-listbox"')
        self.assertNotContains(r, "Recent searches")
        r = self.client.get(self.url, **HTMX)
        self.assertNotContains(r, "?q=sciatica")

    def test_clearing_needs_post_and_keeps_the_trending_log(self):
        self.search(self.client, "stretches")  # starts the visitor's session
        self.search(self.client, "sciatica")
        r = self.client.get(self.clear_url)
        self.assertEqual(r.status_code, 405)
        self.client.post(self.clear_url)
        self.assertEqual(SearchLog.objects.count(), 1)

    def test_a_cookie_signed_by_us_but_not_as_we_write_it_shows_nothing(self):
        def keep(value: str) -> None:
            signed = HttpResponse()
            signed.set_signed_cookie(
                recent_cookie_name(), value, salt=RECENT_COOKIE_SALT
            )
            self.client.cookies[recent_cookie_name()] = signed.cookies[
                recent_cookie_name()
            ].value

        # As we write it: shown.
        keep('{"v": "' + "0" * 32 + '", "r": [{"q": "sciatica", "entry": null}]}')
        r = self.client.get(self.url, **HTMX)
        self.assertContains(r, 'href="/search/?q=sciatica"')
        for value in (
            "[1]",
            "5",
            '{"v": "short", "r": []}',
            '{"v": "' + "0" * 32 + '", "r": "sciatica"}',
            '{"v": "'
            + "0" * 32
            + '", "r": [{"q": 5}, "x", {"q": "ok", "entry": "1"}]}',
        ):
            keep(value)
            r = self.client.get(self.url, **HTMX)
            self.assertEqual(r.status_code, 200, value)
            self.assertNotContains(r, "Recent searches")

    def test_members_have_recent_searches_too(self):
        self.client.force_login(self.member)
        self.search(self.client, "sciatica")
        r = self.client.get(self.url, **HTMX)
        self.assertContains(r, 'href="/search/?q=sciatica"')

    def test_trending_shows_in_the_palette_for_everyone(self):
        for n in range(3):
            person = self.client_class(REMOTE_ADDR=f"203.0.113.{n + 1}")
            self.search(person, "stretches")  # starts their session
            self.search(person, "sciatica")
        r = self.client.get(self.url, **HTMX)
        self.assertContains(r, "Trending now")
        self.assertContains(r, 'id="palette-trending-1"')
        self.assertContains(r, 'href="/search/?q=sciatica"')

    def test_query_count_is_fixed_whatever_the_size(self):
        # 1 the chosen pages among the recent searches (kept in the visitor's
        # cookie: no session to load), 2 trending (then cached for five
        # minutes).
        self.search(self.client, "stretches")
        self.client.get(reverse("search:open_result", args=[self.page_entry.pk]))
        with self.assertNumQueries(2):
            self.client.get(self.url, **HTMX)
        for i in range(30):
            make_page(make_remedy(name=f"Stretches {i}"), make_ailment())
        rebuild_index()
        for entry in SearchEntry.objects.filter(kind="page")[:5]:
            self.client.get(reverse("search:open_result", args=[entry.pk]))
        cache.clear()
        with self.assertNumQueries(2):
            r = self.client.get(self.url, **HTMX)
        self.assertEqual(len(re.findall(r'role="option"', r.content.decode())), 5)
