"""/search/?q=: the results page, which works without JavaScript and is the same for every visitor."""

import re

from django.conf import settings
from django.core.cache import cache
from django.test import override_settings
from django.urls import reverse

from core import freshness
from remedies.models import EvidencePage
from search.models import SearchLog
from search.services import index_page, rebuild_index
from tests.helpers import (
    SiteTestCase,
    make_ailment,
    make_page,
    make_remedy,
)
from tests.site.test_pipeline import StoreOn

LOCMEM = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "pages": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
}
# A query with a word of four letters or more first looks up the closest known
# words, for typos (search.services._corrections): one query, on either database.
TYPO = 1
# The votes of the result lines shown, whatever their number
# (search.services.add_ratings): one query.
RATINGS = 1


class SearchResultsTests(SiteTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.sciatica = make_ailment(
            name="Sciatica",
            slug="sciatica",
            synonyms="sciatic nerve pain\nlumbar radiculopathy",
        )
        cls.insomnia = make_ailment(name="Insomnia", slug="insomnia")
        cls.stretches = make_remedy(name="Physical Therapy Stretches", slug="stretches")
        make_page(
            cls.stretches,
            cls.sciatica,
            summary="Nerve glides and hamstring stretches.",
            why_it_works="Gentle movement calms the nerve.",
        )
        rebuild_index()
        cls.url = reverse("search:search_results")

    def test_it_finds_ailments_by_synonym_and_groups_results(self):
        r = self.client.get(self.url, {"q": "sciatic nerve"})
        self.assertContains(r, '<h2 id="results-ailment">Ailments', html=False)
        self.assertContains(r, self.sciatica.get_absolute_url())
        self.assertContains(r, '<h2 id="results-page">Remedies for an ailment')
        self.assertContains(r, "Physical Therapy Stretches for Sciatica")
        self.assertContains(r, "Nerve glides and hamstring stretches.")
        # The best match's group comes first.
        html = r.content.decode()
        assert html.index('id="results-ailment"') < html.index('id="results-page"')

    def test_it_finds_pages_by_their_text(self):
        r = self.client.get(self.url, {"q": "calms the nerve"})
        self.assertContains(r, "Physical Therapy Stretches for Sciatica")
        self.assertNotContains(r, 'id="results-ailment"')

    def test_a_remedy_shows_first_when_it_is_the_best_match(self):
        r = self.client.get(self.url, {"q": "physical therapy"})
        html = r.content.decode()
        assert html.index('id="results-remedy"') < html.index('id="results-page"')

    def test_tabs_count_each_kind_and_page_through_one(self):
        for i in range(25):
            make_page(
                make_remedy(name=f"Remedy {i:02}", slug=f"r{i:02}"), self.sciatica
            )
        rebuild_index()
        r = self.client.get(self.url, {"q": "sciatica"})
        # All: five of each kind and a link to the rest.
        self.assertContains(r, "See all 26 remedies for an ailment →")
        self.assertContains(r, 'href="?q=sciatica&amp;kind=page"')
        self.assertEqual(r.content.decode().count("for Sciatica</a>"), 5)
        r = self.client.get(self.url, {"q": "sciatica", "kind": "page"})
        self.assertContains(r, 'aria-current="page">Remedies for an ailment')
        self.assertEqual(r.content.decode().count("for Sciatica</a>"), 20)
        self.assertContains(r, "Page 1 of 2")
        self.assertContains(r, 'href="?q=sciatica&amp;kind=page&amp;page=2"')
        r = self.client.get(self.url, {"q": "sciatica", "kind": "page", "page": "2"})
        self.assertEqual(r.content.decode().count("for Sciatica</a>"), 6)
        # A bad kind or page number is shrugged off, never a 500.
        for params in ({"kind": "nope"}, {"kind": "page", "page": "x"}):
            r = self.client.get(self.url, {"q": "sciatica", **params})
            self.assertEqual(r.status_code, 200)

    def test_nothing_found_suggests_ailments(self):
        r = self.client.get(self.url, {"q": "zzzz"})
        self.assertContains(r, "Nothing matched “zzzz”")
        self.assertContains(r, "Browse by ailment")
        self.assertContains(r, self.sciatica.get_absolute_url())
        self.assertContains(r, self.insomnia.get_absolute_url())

    def test_an_empty_query_shows_the_search_box_and_ailments(self):
        r = self.client.get(self.url)
        self.assertContains(r, '<input id="search-q" name="q" type="search"')
        self.assertContains(r, "Browse by ailment")
        self.assertNotContains(r, "Nothing matched")

    def test_the_query_is_escaped_and_kept_in_the_box(self):
        r = self.client.get(self.url, {"q": "<script>alert(1)</script>"})
        self.assertNotContains(r, "<script>alert(1)</script>")
        self.assertContains(r, "&lt;script&gt;")
        r = self.client.get(self.url, {"q": "sciatica"})
        self.assertContains(r, 'value="sciatica"')

    def test_a_nul_byte_is_dropped_not_a_500(self):
        r = self.client.get(self.url, {"q": "sci\x00atica"})
        self.assertContains(r, self.sciatica.get_absolute_url())
        r = self.client.get(
            reverse("search:suggest"), {"q": "\x00"}, HTTP_HX_REQUEST="true"
        )
        self.assertEqual(r.status_code, 200)

    def test_a_long_query_is_cut_to_100_characters(self):
        r = self.client.get(self.url, {"q": "sciatica " + "x" * 300})
        self.assertEqual(r.status_code, 200)
        self.assertEqual(len(r.context["query"]), 100)

    def test_drafts_are_not_listed(self):
        draft = make_remedy(name="Sciatica secret", is_published=False)
        make_page(draft, self.sciatica)
        rebuild_index()
        r = self.client.get(self.url, {"q": "sciatica"})
        self.assertNotContains(r, "Sciatica secret")

    def test_visitor_page_carries_nothing_per_visitor(self):
        # Searching is remembered (recent searches, trending log), but never
        # shown here: two visitors see the same page.
        first = self.client.get(self.url, {"q": "sciatica"})
        self.client.get(self.url, {"q": "insomnia"})
        again = self.client.get(self.url, {"q": "sciatica"})
        other = self.client_class().get(self.url, {"q": "sciatica"})
        self.assertNotContains(again, "csrfmiddlewaretoken")
        self.assertNotContains(again, "insomnia</a>")
        self.assertNotContains(again, "Recent searches")
        self.assertEqual(again.content, other.content)
        self.assertEqual(first.content, other.content)
        self.assertNotIn(settings.CSRF_COOKIE_NAME, again.cookies)

    def test_member_sees_the_same_results(self):
        self.client.force_login(self.member)
        r = self.client.get(self.url, {"q": "sciatica"})
        self.assertContains(r, self.sciatica.get_absolute_url())
        self.assertContains(r, "Your account")

    def test_no_inline_script_style_or_handlers(self):
        html = self.client.get(self.url, {"q": "sciatica"}).content.decode()
        assert not re.search(
            r"<script(?![^>]*\bsrc=)(?![^>]*application/ld\+json)", html
        )
        assert " style=" not in html
        assert not re.search(r"\son[a-z]+=", html)
        assert "hx-on" not in html and "javascript:" not in html

    def test_every_page_has_the_palette_and_the_plain_search_form(self):
        for url in ("/", "/ailments/", self.url):
            r = self.client.get(url)
            self.assertContains(r, '<dialog id="search-palette"')
            self.assertContains(r, 'role="combobox"')
            self.assertContains(r, 'data-hx-trigger="input changed delay:200ms"')
            self.assertContains(r, 'class="palette-open"')
            self.assertContains(
                r, '<form class="header-search" role="search" action="/search/"'
            )
            self.assertContains(r, "js/palette.")

    def test_a_first_search_is_remembered_by_the_page_but_not_paging_or_tabs(self):
        remember = reverse("search:remember")
        beacon = f'<img hidden alt="" width="1" height="1" src="{remember}?q=Sciatica%20pain">'
        r = self.client.get(self.url, {"q": "Sciatica pain"})
        self.assertContains(r, beacon, html=True)
        for params in ({"kind": "page"}, {"page": "1"}):
            r = self.client.get(self.url, {"q": "sciatica", **params})
            self.assertNotContains(r, remember)
        self.assertFalse(SearchLog.objects.exists())  # the page itself logs nothing
        # What the browser then asks for, with or without JavaScript. A first
        # search starts the visitor's session; from then on they count.
        r = self.client.get(remember, {"q": "Sciatica"})
        self.assertEqual(r["Content-Type"], "image/gif")
        self.assertIn("no-store", r["Cache-Control"])
        self.assertFalse(SearchLog.objects.exists())
        self.client.get(remember, {"q": "Sciatica pain"})
        self.assertEqual(
            list(SearchLog.objects.values_list("term", flat=True)), ["sciatica pain"]
        )

    def test_only_a_search_that_finds_something_is_logged_for_trending(self):
        remember = reverse("search:remember")
        self.assertEqual(self.client.post(remember, {"q": "sciatica"}).status_code, 405)
        for junk in ("zzzz", "\x00", "", "x" * 5000):
            self.assertEqual(self.client.get(remember, {"q": junk}).status_code, 200)
        self.assertFalse(SearchLog.objects.exists())

    def test_searches_that_find_nothing_are_not_logged(self):
        self.client.get(self.url, {"q": "zzzz"})
        self.assertFalse(SearchLog.objects.exists())


@override_settings(CACHES=LOCMEM)
class SearchResultsQueryCountTests(SiteTestCase):
    """The page runs the same queries whatever the size of the index.

    The same on SQLite and PostgreSQL: the typo look-up (TYPO) first.
    """

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.ailment = make_ailment(name="Back pain", slug="back")
        for i in range(3):
            make_page(make_remedy(name=f"Heat {i}"), cls.ailment)
        rebuild_index()
        cls.url = reverse("search:search_results")

    def grow(self):
        for i in range(40):
            make_page(make_remedy(name=f"Heat more {i}"), self.ailment)
            make_ailment(name=f"Back ache {i}")
        rebuild_index()

    def test_visitor_first_search(self):
        # 1 counts by kind, 2 the first five of each kind (one window query),
        # 3 their votes (RATINGS). Nothing is written: the page is the same
        # for everyone.
        with self.assertNumQueries(TYPO + 2 + RATINGS):
            r = self.client.get(self.url, {"q": "heat"})
        self.assertFalse(r.cookies)
        self.grow()
        self.client = self.client_class()
        with self.assertNumQueries(TYPO + 2 + RATINGS):
            r = self.client.get(self.url, {"q": "heat"})
        self.assertContains(r, "Not yet rated", count=10)

    def test_visitor_next_search(self):
        # A visitor who has searched before holds the cookie of their recent
        # searches, no session: 1 counts by kind, 2 the first five of each
        # kind, 3 their votes.
        self.client.get(reverse("search:remember"), {"q": "back"})
        with self.assertNumQueries(TYPO + 2 + RATINGS):
            self.client.get(self.url, {"q": "heat"})
        self.grow()
        with self.assertNumQueries(TYPO + 2 + RATINGS):
            self.client.get(self.url, {"q": "heat more"})

    def test_remembering_a_search(self):
        # A first search: 1 does it find anything; it is kept in the cookie
        # it starts (not counted for trending), no session. The next, with
        # that cookie: 1 does it find anything; logging it for trending, 2-6:
        # savepoint, has this visitor logged a longer term lately, delete
        # their shorter prefixes, insert, release.
        url = reverse("search:remember")
        for size in ("small", "large"):
            if size == "large":
                self.grow()
            cache.clear()
            self.client = self.client_class()
            with self.assertNumQueries(1 + TYPO):
                r = self.client.get(url, {"q": "heat"})
            self.assertEqual(r.status_code, 200)
            with self.assertNumQueries(6 + TYPO):
                self.client.get(url, {"q": "back"})

    def test_one_kind_paged(self):
        # 1 counts by kind, 2 count for the paginator, 3 the page, 4 its votes.
        self.client.get(reverse("search:remember"), {"q": "back"})
        with self.assertNumQueries(TYPO + 3 + RATINGS):
            self.client.get(self.url, {"q": "heat", "kind": "page", "page": "1"})
        self.grow()
        with self.assertNumQueries(TYPO + 3 + RATINGS):
            r = self.client.get(self.url, {"q": "heat", "kind": "page", "page": "2"})
        self.assertContains(r, "Evidence grade B", count=20)

    def test_nothing_found(self):
        # 1 counts by kind (none), 2 trending, 3 ailments to browse; no votes.
        with self.assertNumQueries(3 + TYPO):
            self.client.get(self.url, {"q": "zzzz"})
        self.grow()
        cache.clear()
        self.client = self.client_class()
        with self.assertNumQueries(3 + TYPO):
            self.client.get(self.url, {"q": "zzzz"})


def result_lines(response) -> dict[str, str]:
    """Each result line's HTML, by the title it links."""
    html = response.content.decode()
    lines = re.findall(r"<li>\s*<a class=\"search-results__title\".*?</li>", html, re.S)
    return {
        re.search(r'search-results__title" href="[^"]*">([^<]+)</a>', line).group(
            1
        ): line
        for line in lines
    }


class ResultLinesTests(SiteTestCase):
    """Each line shows its effectiveness, and a remedy for an ailment its grade."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.sciatica = make_ailment(name="Sciatica", slug="sciatica")
        back = make_ailment(name="Back pain", slug="back")
        hidden = make_ailment(name="Hidden ailment", is_published=False)
        stretches = make_remedy(name="Stretches", slug="stretches")
        make_page(stretches, cls.sciatica, up=3, down=1, grade="A")
        make_page(stretches, back, up=1, down=0, grade="C")
        # Votes on pages a visitor cannot see count for nothing.
        make_page(stretches, make_ailment(), up=9, is_published=False)
        make_page(stretches, hidden, up=9)
        bands = make_remedy(name="Stretch bands", slug="bands")
        make_page(bands, cls.sciatica, grade="I")
        make_page(make_remedy(name="Stretch gone wrong"), back, up=0, down=2)
        rebuild_index()
        cls.url = reverse("search:search_results")

    def test_remedies_and_their_pages_show_effectiveness_and_grade(self):
        lines = result_lines(self.client.get(self.url, {"q": "stretch"}))
        # A remedy: all the votes of its published pages, as on its card.
        remedy = lines["Stretches"]
        self.assertIn("80% found it helpful", remedy)  # 4 of 5
        self.assertIn("5 votes", remedy)
        self.assertNotIn("Evidence grade", remedy)
        page = lines["Stretches for Sciatica"]
        self.assertIn("75% found it helpful", page)
        self.assertIn("4 votes", page)
        self.assertIn("Evidence grade A", page)
        self.assertIn("Evidence grade C", lines["Stretches for Back pain"])
        # Unrated: said so, never 0%.
        for title in ("Stretch bands", "Stretch bands for Sciatica"):
            self.assertIn("Not yet rated", lines[title])
            self.assertNotIn("%", lines[title])
        self.assertIn("Evidence grade I", lines["Stretch bands for Sciatica"])
        # Rated, and nobody found it helpful: 0% of two votes is a rating.
        self.assertIn("0% found it helpful", lines["Stretch gone wrong for Back pain"])
        self.assertIn("2 votes", lines["Stretch gone wrong for Back pain"])

    def test_an_ailment_shows_how_many_remedies_it_has(self):
        lines = result_lines(self.client.get(self.url, {"q": "sciatica"}))
        self.assertIn("2 remedies", lines["Sciatica"])
        self.assertNotIn("rated", lines["Sciatica"])
        lines = result_lines(self.client.get(self.url, {"q": "back pain"}))
        self.assertIn("2 remedies", lines["Back pain"])

    def test_one_kind_shows_them_too(self):
        r = self.client.get(self.url, {"q": "stretch", "kind": "page"})
        lines = result_lines(r)
        self.assertIn("75% found it helpful", lines["Stretches for Sciatica"])
        self.assertIn("Evidence grade A", lines["Stretches for Sciatica"])
        self.assertIn("Not yet rated", lines["Stretch bands for Sciatica"])

    def test_a_typo_finds_the_same_lines(self):
        lines = result_lines(self.client.get(self.url, {"q": "strech bands"}))
        self.assertIn("Evidence grade I", lines["Stretch bands for Sciatica"])


class StoredResultsStayTrueTests(StoreOn):
    """Results pages are stored for everyone: a vote or a new grade shows at once."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.page = make_page(
            make_remedy(name="Stretches", slug="stretches"),
            make_ailment(name="Sciatica", slug="sciatica"),
            up=3,
            down=1,
            grade="B",
        )
        rebuild_index()
        cls.url = reverse("search:search_results")

    def read(self):
        first = self.client_class().get(self.url, {"q": "stretches"})
        again = self.client_class().get(self.url, {"q": "stretches"})
        self.assertEqual(again["X-Cache"], "hit")
        return result_lines(first)["Stretches for Sciatica"], first["X-Cache"]

    def test_a_vote(self):
        self.read()
        voter = self.signed_in(self.member)
        with self.captureOnCommitCallbacks(execute=True):
            voter.post(
                reverse("votes:vote", args=["stretches", "sciatica"]), {"vote": "up"}
            )
        line, cache_state = self.read()
        self.assertEqual(cache_state, "miss")
        self.assertIn("80% found it helpful", line)  # 4 of 5
        self.assertIn("5 votes", line)

    def test_an_editor_regrades_the_page(self):
        self.read()
        page = EvidencePage.objects.get(pk=self.page.pk)
        page.grade = "C"
        # What the admin does on saving (editors.admin_actions): the grade is
        # no listed field, and re-indexing it makes the lists stale.
        with self.captureOnCommitCallbacks(execute=True):
            page.save()
            freshness.content_changed(page, ["grade"])
            index_page(page)
        line, cache_state = self.read()
        self.assertEqual(cache_state, "miss")
        self.assertIn("Evidence grade C", line)

    def test_re_indexing_what_did_not_change_leaves_them_stored(self):
        self.read()
        with self.captureOnCommitCallbacks(execute=True):
            index_page(self.page)
        self.assertEqual(self.read()[1], "hit")
