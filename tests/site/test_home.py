from django.conf import settings
from django.urls import reverse

from tests.helpers import SiteTestCase, make_ailment, make_page, make_remedy


class HomeTests(SiteTestCase):
    def test_it_shows_search_top_remedies_and_ailments(self):
        make_page(
            make_remedy(name="Honey"), make_ailment(name="Common cold"), up=30, down=3
        )
        make_page(make_remedy(name="Unrated thing"))
        r = self.client.get(reverse("home"))
        self.assertContains(r, 'action="/search/"')
        self.assertContains(r, "Honey")
        self.assertContains(r, "91% found it helpful")
        self.assertContains(r, "Common cold")
        self.assertNotContains(r, "Unrated thing")  # top remedies need votes
        self.assertContains(r, "not medical advice")

    def test_visitor_page_carries_nothing_per_visitor(self):
        r = self.client.get(reverse("home"))
        self.assertNotContains(r, "csrfmiddlewaretoken")
        self.assertNotIn(settings.SESSION_COOKIE_NAME, r.cookies)
        self.assertNotIn(settings.CSRF_COOKIE_NAME, r.cookies)

    def test_no_inline_script_style_or_handlers(self):
        make_page(up=3)
        html = self.client.get(reverse("home")).content.decode()
        assert "<script>" not in html
        assert " style=" not in html
        assert " onclick=" not in html and " onload=" not in html

    def test_query_count_is_fixed_whatever_the_size(self):
        make_page(up=1)
        # 1 top remedies with stats, 2 ailments with remedy counts.
        with self.assertNumQueries(2):
            self.client.get(reverse("home"))
        for _ in range(30):
            make_page(up=2, down=1)
        with self.assertNumQueries(2):
            self.client.get(reverse("home"))
