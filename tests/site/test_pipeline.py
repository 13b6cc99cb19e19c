"""The page pipeline (core/pages.py): every page rendered once per state of its
content, for everyone, each person's own parts filled in from slots."""

from __future__ import annotations

import re

from django.core.cache import caches
from django.test import override_settings
from django.urls import reverse

from core import freshness, pages
from search.services import rebuild_index
from tests.helpers import (
    SiteTestCase,
    make_ailment,
    make_comment,
    make_member,
    make_page,
    make_product,
    make_remedy,
    make_study,
    session_queries,
)
from votes.models import Vote
from votes.services import cast_vote

HTMX = {"HTTP_HX_REQUEST": "true"}
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
TOKEN = re.compile(r'name="token" value="([^"]+)"')


def stored_keys(view: str = "") -> list[str]:
    """The keys of the pages stored (on local memory or Redis), as the cache names them."""
    store = caches["pages"]
    if isinstance(store._cache, dict):  # local memory
        raw = list(store._cache)
    else:
        raw = [k.decode() for k in store._cache.get_client().keys("*")]
    return [k[k.index("page:") :] for k in raw if "page:" in k and view in k]


class StoreOn(SiteTestCase):
    """Pages stored as in production (the suite's other tests render each request)."""

    def setUp(self):
        super().setUp()
        on = override_settings(PAGE_CACHE_SECONDS=600)
        on.enable()
        self.addCleanup(on.disable)
        caches["pages"].clear()

    def signed_in(self, member, **kwargs):
        client = self.client_class(**kwargs)
        client.force_login(member)
        return client


class SiteData(StoreOn):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.ailment = make_ailment(name="Sciatica", slug="sciatica")
        cls.remedy = make_remedy(name="Stretches", slug="stretches")
        cls.page = make_page(
            cls.remedy,
            cls.ailment,
            up=3,
            down=1,
            steps=2,
            studies=[make_study(), make_study()],
        )
        cls.other_page = make_page(
            cls.remedy, make_ailment(name="Back pain", slug="back"), up=1
        )
        make_product(cls.remedy, name="Yoga strap")
        cls.comment = make_comment(cls.page, author=cls.other_member, text="Helped me")
        rebuild_index()
        cls.url = cls.page.get_absolute_url()

    def every_page(self):
        return [
            ("/", {}),
            (reverse("methods"), {}),
            (reverse("privacy"), {}),
            (reverse("remedies:remedy_list"), {}),
            (self.remedy.get_absolute_url(), {}),
            (self.url, {}),
            (reverse("ailments:ailment_list"), {}),
            (self.ailment.get_absolute_url(), {}),
            (reverse("search:search_results") + "?q=sciatica", {}),
            (reverse("search:suggest") + "?q=sci", HTMX),
        ]


class OnePipelineTests(SiteData):
    def test_every_page_is_rendered_once_then_served_to_visitors_and_members(self):
        for url, headers in self.every_page():
            with self.subTest(url=url):
                first = self.client.get(url, **headers)
                self.assertEqual(first.status_code, 200)
                self.assertEqual(first["X-Cache"], "miss")
                self.assertFalse(first.cookies)
                self.assertIn("HX-Request", first["Vary"])
                again = self.client_class().get(url, **headers)
                self.assertEqual(again["X-Cache"], "hit")
                self.assertEqual(again.content, first.content)
                member = self.signed_in(self.member).get(url, **headers)
                self.assertEqual(member["X-Cache"], "hit")

    def test_a_visitors_hit_reads_only_the_shared_versions(self):
        self.client.get(self.url)
        # Without Redis the versions are in the database cache table: one
        # query; with Redis none (the page and its versions in one MGET).
        expected = 0 if freshness._store() is caches["pages"] else 1
        with self.assertNumQueries(expected):
            self.assertEqual(self.client_class().get(self.url)["X-Cache"], "hit")

    def test_a_member_gets_their_own_parts_and_no_one_elses(self):
        cast_vote(member=self.member, page=self.page, value=Vote.Value.DOWN)
        self.client.get(self.url)  # stored by a visitor
        mine = self.signed_in(self.member).get(self.url)
        theirs = self.signed_in(self.third_member()).get(self.url)
        self.assertEqual(mine["X-Cache"], "hit")
        self.assertContains(mine, "Your account")
        self.assertContains(mine, 'value="down" aria-pressed="true"')
        self.assertNotContains(theirs, 'aria-pressed="true"')
        self.assertNotContains(self.client.get(self.url), "Your account")

    def third_member(self):
        return make_member(display_name="Cleo")

    def test_tokens_are_the_persons_and_new_in_every_response(self):
        client = self.signed_in(self.member)
        first, second = client.get(self.url), client.get(self.url)
        self.assertEqual(second["X-Cache"], "hit")
        self.assertNotEqual(TOKEN.findall(first.content.decode()), [])
        self.assertNotEqual(
            TOKEN.findall(first.content.decode()),
            TOKEN.findall(second.content.decode()),
        )
        # The CSRF token works: a comment posted from the served page is stored.
        csrf_client = self.client_class(enforce_csrf_checks=True)
        csrf_client.force_login(self.member)
        page = csrf_client.get(self.url).content.decode()
        posted = csrf_client.post(
            reverse("discussions:post_comment", args=["stretches", "sciatica"]),
            {
                "text": "From a served page",
                "token": TOKEN.findall(page)[0],
                "csrfmiddlewaretoken": CSRF.findall(page)[0],
            },
        )
        self.assertEqual(posted.status_code, 302)

    def test_no_token_and_no_person_in_what_is_stored(self):
        self.signed_in(self.member).get(self.url)
        key, entry = self.stored_entry()
        shared = "".join(entry.texts)
        self.assertNotIn("csrfmiddlewaretoken", shared)
        self.assertNotIn('name="token"', shared)
        self.assertNotIn("Alice", shared)
        self.assertNotIn("Your account", shared)
        self.assertIn(b"Sign in", entry.visitor)

    def stored_entry(self):
        keys = stored_keys("remedies.views.evidence_detail")
        self.assertEqual(len(keys), 1)
        return keys[0], caches["pages"].get(keys[0])

    def test_the_served_page_equals_the_page_rendered_for_that_person_alone(self):
        client = self.signed_in(self.member)
        client.get(self.url)
        served = client.get(self.url)
        with override_settings(PAGE_CACHE_SECONDS=0):
            alone = client.get(self.url)
        self.assertEqual(served["X-Cache"], "hit")
        self.assertEqual(alone["X-Cache"], "bypass")

        def without_tokens(response):
            html = response.content.decode()
            return TOKEN.sub("", CSRF.sub("", html))

        self.assertEqual(without_tokens(served), without_tokens(alone))

    def test_parameters_the_page_does_not_use_share_its_entry(self):
        for junk in ("?page=7&category=planted", "?utm_source=x", "?q=1&order=x"):
            with self.subTest(junk=junk):
                response = self.signed_in(self.member).get(self.url + junk)
                self.assertIn(response["X-Cache"], {"hit", "miss"})
        self.assertEqual(len(stored_keys()), 1)
        # What one person planted in their own address reaches nobody else.
        for reader in (self.client, self.signed_in(self.other_member)):
            response = reader.get(self.url)
            self.assertEqual(response["X-Cache"], "hit")
            self.assertNotContains(response, "planted")

    def test_thousands_of_variants_of_one_page_keep_one_entry(self):
        for n in range(300):
            self.client.get(f"{self.url}?utm={n}")
        self.assertEqual(len(stored_keys()), 1)

    def test_a_planted_parameter_never_reaches_the_canonical_link(self):
        planted = self.client.get(
            reverse("remedies:remedy_list") + "?page=1&category=nope&x=1"
        )
        self.assertEqual(planted.status_code, 404)  # no such category
        listed = self.client.get(reverse("remedies:remedy_list") + "?utm=1")
        self.assertContains(
            listed, 'rel="canonical" href="http://testserver/remedies/"'
        )

    def test_htmx_and_plain_requests_are_stored_apart(self):
        url = reverse("search:suggest") + "?q=sci"
        self.assertEqual(self.client.get(url, **HTMX)["X-Cache"], "miss")
        plain = self.client.get(url)  # without htmx: the results page
        self.assertEqual(plain.status_code, 302)
        self.assertNotIn("X-Cache", plain)
        self.assertEqual(self.client.get(url, **HTMX)["X-Cache"], "hit")

    def test_editors_are_served_their_own_audiences_pages(self):
        editor = self.signed_in(self.editor)
        self.assertEqual(editor.get(self.url)["X-Cache"], "miss")
        self.assertEqual(self.client.get(self.url)["X-Cache"], "miss")
        self.assertEqual(editor.get(self.url)["X-Cache"], "hit")

    def test_a_message_waiting_is_shown_to_its_member_only(self):
        client = self.signed_in(self.member)
        client.get(self.url)
        client.post(
            reverse("votes:vote", args=["stretches", "sciatica"]), {"vote": "up"}
        )
        shown = client.get(self.url)
        self.assertEqual(shown["X-Cache"], "hit")
        self.assertContains(shown, "Thanks, your vote is counted.")
        self.assertNotContains(client.get(self.url), "Thanks, your vote is counted.")
        self.assertNotContains(
            self.signed_in(self.other_member).get(self.url), "your vote is counted"
        )

    def test_while_the_store_cannot_say_pages_are_rendered_for_each_request(self):
        from unittest import mock

        with mock.patch.object(freshness, "versions", return_value=None):
            for _ in range(2):
                response = self.signed_in(self.member).get(self.url)
                self.assertEqual(response["X-Cache"], "bypass")
                self.assertContains(response, "Your account")

    def test_a_slot_written_in_a_page_renders_the_same_in_place(self):
        # The 404 page is rendered outside the pipeline: its header slot renders
        # in place, for the person asking.
        response = self.signed_in(self.member).get("/no-such-page/")
        self.assertEqual(response.status_code, 404)
        self.assertContains(response, "Your account", status_code=404)
        self.assertNotIn(pages.MARK, response.content.decode())


class SameQueriesAtTwoSizes(StoreOn):
    """A served page's queries do not grow with the data."""

    def build(self, n):
        remedy = make_remedy(name=f"Stretches {n}", slug=f"stretches-{n}")
        page = make_page(remedy, make_ailment(), up=3, steps=3)
        for _ in range(n):
            make_page(remedy, make_ailment(), up=2)
            make_comment(page, author=self.other_member)
        return page.get_absolute_url()

    def counts(self, url):
        self.client.get(url)
        member = self.signed_in(self.member)
        counts = []
        for client in (self.client_class(), member):
            from django.db import connection
            from django.test.utils import CaptureQueriesContext

            with CaptureQueriesContext(connection) as ctx:
                self.assertEqual(client.get(url)["X-Cache"], "hit")
            counts.append(len(ctx.captured_queries))
        return counts

    def test_the_same_queries_with_ten_times_the_rows(self):
        small, large = self.counts(self.build(2)), self.counts(self.build(20))
        self.assertEqual(small, large)
        # A visitor: the versions (in the database table without Redis; with
        # it, the versions come with the page in one MGET). A member too, and
        # their session (none from Redis), 1 the member, and their own parts:
        # 2 unread notices, 3 what they follow and watch, 4 their vote.
        versions = 0 if freshness._store() is caches["pages"] else 1
        self.assertEqual(large, [versions, versions + session_queries() + 4])
