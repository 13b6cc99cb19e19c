"""Visitors' pages come whole from the cache; members' shared parts as fragments."""

from __future__ import annotations

import time
from unittest import mock

from django.conf import settings
from django.core.cache import caches
from django.test import RequestFactory, override_settings
from django.urls import resolve, reverse

from remedies.models import HowToStep
from search.services import rebuild_index
from tests.helpers import (
    SiteTestCase,
    make_ailment,
    make_page,
    make_product,
    make_remedy,
    make_study,
    set_tally,
)

HTMX = {"HTTP_HX_REQUEST": "true"}


def later(seconds: int):
    """The clock `seconds` from now, as the cache sees it."""
    return mock.patch.object(time, "time", return_value=time.time() + seconds)


class CachingOn(SiteTestCase):
    """Caching as in production (the suite's other tests render pages fresh)."""

    def setUp(self):
        super().setUp()
        on = override_settings(PAGE_CACHE_SECONDS=60, FRAGMENT_CACHE_SECONDS=3600)
        on.enable()
        self.addCleanup(on.disable)
        caches["pages"].clear()


class PageCacheTests(CachingOn):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.ailment = make_ailment(name="Sciatica", slug="sciatica")
        cls.remedy = make_remedy(name="Stretches", slug="stretches")
        cls.page = make_page(
            cls.remedy, cls.ailment, steps=3, studies=[make_study(), make_study()]
        )
        make_product(cls.remedy, name="Yoga strap")
        rebuild_index()
        cls.url = cls.page.get_absolute_url()

    def visitor_pages(self):
        return [
            ("/", {}),
            (reverse("methods"), {}),
            (reverse("remedies:remedy_list"), {}),
            (self.remedy.get_absolute_url(), {}),
            (self.url, {}),
            (reverse("ailments:ailment_list"), {}),
            (self.ailment.get_absolute_url(), {}),
            (reverse("search:search_results") + "?q=sciatica", {}),
            (reverse("search:suggest") + "?q=sci", HTMX),
        ]

    def test_every_visitor_page_is_served_whole_from_the_cache(self):
        for url, headers in self.visitor_pages():
            with self.subTest(url=url):
                first = self.client.get(url, **headers)
                self.assertEqual(first.status_code, 200)
                self.assertEqual(first["X-Cache"], "miss")
                self.assertFalse(first.cookies)
                self.assertIn("HX-Request", first["Vary"])
                with self.assertNumQueries(0):
                    again = self.client_class().get(url, **headers)
                self.assertEqual(again["X-Cache"], "hit")
                self.assertEqual(again.content, first.content)
                self.assertEqual(again["Content-Type"], first["Content-Type"])
                self.assertIn("HX-Request", again["Vary"])

    def test_htmx_and_plain_requests_are_cached_apart(self):
        plain = self.client.get(self.url)
        partial = self.client.get(self.url, **HTMX)
        self.assertEqual(partial["X-Cache"], "miss")
        self.assertEqual(self.client.get(self.url)["X-Cache"], "hit")
        self.assertEqual(self.client.get(self.url, **HTMX).content, partial.content)
        self.assertEqual(self.client.get(self.url).content, plain.content)

    def test_members_are_never_served_a_visitors_page(self):
        self.client.get(self.url)  # a visitor fills the cache
        member = self.client_class()
        member.force_login(self.member)
        r = member.get(self.url)
        self.assertEqual(r["X-Cache"], "member-miss")  # members' own shared page
        self.assertContains(r, "Your account")
        self.assertContains(r, "It helped")
        # and a member's page is never stored for visitors
        caches["pages"].clear()
        member.get(self.url)
        self.assertEqual(self.client.get(self.url)["X-Cache"], "miss")
        self.assertNotContains(self.client.get(self.url), "Your account")

    def test_members_share_the_palettes_suggestions(self):
        url = reverse("search:suggest") + "?q=sci"
        member = self.client_class()
        member.force_login(self.member)
        first = member.get(url, **HTMX)
        self.assertEqual(first["X-Cache"], "miss")
        self.assertContains(first, "Sciatica")
        with self.assertNumQueries(1):  # the member's session: no search, no user
            again = member.get(url, **HTMX)
        self.assertEqual(again["X-Cache"], "hit")
        self.assertEqual(again.content, first.content)
        self.assertEqual(self.client.get(url, **HTMX).content, first.content)
        # ...but never visitors' pages: members have their own (test_member_pages.py)
        self.assertEqual(member.get(self.url)["X-Cache"], "member-miss")

    def test_a_members_home_page_takes_its_lists_from_the_cache(self):
        set_tally(self.page, 5, 1)
        member = self.client_class()
        member.force_login(self.member)
        first = member.get("/")
        self.assertContains(first, "Stretches")
        self.assertContains(first, "Sciatica")
        with self.assertNumQueries(2):  # the member's session and user only
            again = member.get("/")
        self.assertContains(again, "Your account")
        self.assertContains(again, "Stretches")
        self.assertNotIn("X-Cache", again)  # the page itself is rendered for them
        # An editor's change shows at once.
        self.remedy.name = "Nerve glides"
        self.remedy.save()
        self.assertContains(member.get("/"), "Nerve glides")

    def test_a_message_after_signing_out_is_not_cached_nor_hidden(self):
        self.client.get("/")
        member = self.client_class()
        member.force_login(self.member)
        r = member.post(reverse("account_logout"), follow=True)
        self.assertContains(r, "You have signed out.")
        self.assertNotIn("X-Cache", r)
        self.assertNotContains(self.client_class().get("/"), "You have signed out.")

    def test_a_visitor_with_a_session_still_gets_the_shared_page(self):
        self.client.get(reverse("search:remember"), {"q": "sciatica"})
        self.assertIn(settings.SESSION_COOKIE_NAME, self.client.cookies)
        self.client_class().get(self.url)
        self.assertEqual(self.client.get(self.url)["X-Cache"], "hit")

    def test_a_response_that_starts_a_session_is_not_stored(self):
        # The session middleware adds its cookie only after the page cache has
        # decided, so a changed session must stop the store by itself.
        from django.contrib.sessions.backends.db import SessionStore
        from django.http import HttpResponse

        from core.pagecache import _may_store

        request = RequestFactory().get("/")
        request.resolver_match = resolve("/")
        request.session = SessionStore()
        self.assertTrue(_may_store(request, HttpResponse("page")))
        request.session["search_recent"] = [{"q": "sciatica"}]
        self.assertFalse(_may_store(request, HttpResponse("page")))

    @override_settings(
        CACHES={
            **settings.CACHES,
            "pages": {
                "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                "LOCATION": "pages-clock",
            },
        }
    )
    def test_visitors_see_a_vote_within_a_minute_and_the_member_at_once(self):
        # A cache in this process, so that moving the clock expires its entries
        # (Redis keeps its own clock: the next test checks what it is told).
        self.assertContains(self.client.get(self.url), "Not yet rated")
        member = self.client_class()
        member.force_login(self.member)
        r = member.post(
            reverse("votes:vote", args=[self.remedy.slug, self.ailment.slug]),
            {"vote": "up"},
            follow=True,
        )
        self.assertContains(r, "1 vote")
        self.assertContains(member.get(self.url), "1 vote")
        # Visitors may see the old page for up to a minute, no longer.
        self.assertContains(self.client.get(self.url), "Not yet rated")
        with later(59):
            self.assertContains(self.client.get(self.url), "Not yet rated")
        with later(61):
            r = self.client.get(self.url)
        self.assertEqual(r["X-Cache"], "miss")
        self.assertContains(r, "1 vote")
        self.assertNotContains(r, "Not yet rated")

    def test_visitors_pages_are_stored_for_a_minute_at_most(self):
        cache = caches["pages"]
        with mock.patch.object(cache, "set", wraps=cache.set) as stored:
            for url, headers in self.visitor_pages():
                self.client.get(url, **headers)
        timeouts = [
            call.args[2]
            for call in stored.call_args_list
            if call.args[0].startswith("page:")
        ]
        self.assertEqual(len(timeouts), len(self.visitor_pages()))
        self.assertTrue(all(0 < t <= 60 for t in timeouts), timeouts)
        if hasattr(cache._cache, "get_client"):  # Redis: ask the server itself
            client = cache._cache.get_client()
            ttls = [client.ttl(k) for k in client.keys("pages:*:page:*")]
            self.assertTrue(ttls)
            self.assertTrue(all(0 < t <= 60 for t in ttls), ttls)

    def test_an_editors_correction_reaches_visitors_at_once(self):
        self.client.get(self.url)
        self.page.why_it_works = "A corrected explanation."
        self.page.save()
        r = self.client.get(self.url)
        self.assertEqual(r["X-Cache"], "miss")
        self.assertContains(r, "A corrected explanation.")

    def test_unpublishing_in_the_admin_reaches_visitors_at_once(self):
        self.assertEqual(self.client.get(self.url).status_code, 200)
        editor = self.client_class()
        editor.force_login(self.editor)
        r = editor.post(
            reverse("admin:remedies_evidencepage_changelist"),
            {"action": "unpublish", "_selected_action": [self.page.pk]},
        )
        self.assertEqual(r.status_code, 302)
        self.assertEqual(self.client.get(self.url).status_code, 404)

    def test_a_members_shared_parts_change_at_once_when_an_editor_edits(self):
        member = self.client_class()
        member.force_login(self.member)
        step = HowToStep.objects.filter(page=self.page).first()
        first = member.get(self.url)
        self.assertContains(first, step.title)
        self.assertContains(first, "Yoga strap")
        step.title = "Lie on your back"
        step.save()
        r = member.get(self.url)
        self.assertContains(r, "Lie on your back")
        self.assertContains(r, "Yoga strap")
        self.assertContains(r, 'aria-pressed="false"')


class FragmentQueryCountTests(CachingOn):
    """A member's evidence page runs the same queries at any size, fewer when cached.

    As rendered for one member alone (staff, or a member with a comment on the
    page); most members share a rendering of the whole page instead
    (tests/site/test_member_pages.py).
    """

    @override_settings(PAGE_CACHE_SECONDS=0)  # no shared member pages
    def test_cached_shared_parts_save_the_steps_citations_and_products(self):
        for size in (1, 10):
            caches["pages"].clear()
            remedy = make_remedy()
            page = make_page(
                remedy,
                make_ailment(),
                steps=3 * size,
                studies=[make_study() for _ in range(3 * size)],
            )
            for _ in range(size):
                make_product(remedy)
            member = self.client_class()
            member.force_login(self.member)
            url = page.get_absolute_url()
            # Cold: the member page's 10 queries (evidence page, remedy's
            # other pages, ..., steps, citations, products, comments).
            with self.assertNumQueries(10):
                member.get(url)
            # Warm: the same without steps, citations and products.
            with self.assertNumQueries(7):
                r = member.get(url)
            self.assertContains(r, f"Step {3 * size}")
