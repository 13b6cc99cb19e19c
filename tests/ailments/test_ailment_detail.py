from django.urls import reverse

from tests.helpers import SiteTestCase, make_ailment, make_page, make_remedy


class AilmentDetailTests(SiteTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.ailment = make_ailment(
            name="Sciatica", slug="sciatica", synonyms="sciatic nerve pain"
        )
        # 3 of 3 is 100% but ranks below 95 of 100 (Wilson 0.44 vs 0.89).
        cls.few = make_page(make_remedy(name="Few votes"), cls.ailment, up=3, down=0)
        cls.many = make_page(make_remedy(name="Many votes"), cls.ailment, up=95, down=5)
        cls.mixed = make_page(
            make_remedy(name="Mixed votes"), cls.ailment, up=120, down=80
        )
        cls.none = make_page(make_remedy(name="No votes"), cls.ailment)
        cls.url = reverse("ailments:ailment_detail", args=["sciatica"])

    def _order(self, response):
        html = response.content.decode()
        names = ["Few votes", "Many votes", "Mixed votes", "No votes"]
        return sorted(names, key=html.index)

    def test_best_supported_ranks_by_wilson_lower_bound(self):
        r = self.client.get(self.url)
        self.assertEqual(
            self._order(r), ["Many votes", "Mixed votes", "Few votes", "No votes"]
        )
        self.assertContains(r, "Seek urgent care now")
        self.assertContains(r, "sciatic nerve pain")

    def test_each_remedy_shows_its_95_percent_interval(self):
        r = self.client.get(self.url)
        self.assertContains(r, "95% interval 44–100%")  # 3 of 3: wide
        self.assertContains(r, "95% interval 89–98%")  # 95 of 100: narrow
        self.assertContains(
            r, '<rect class="interval__band" x="89" y="2" width="9" height="8"/>'
        )
        # No interval is drawn for a remedy nobody has rated.
        self.assertContains(r, "95% interval", count=3)

    def test_most_voted_order(self):
        r = self.client.get(self.url, {"order": "votes"})
        self.assertEqual(
            self._order(r), ["Mixed votes", "Many votes", "Few votes", "No votes"]
        )
        self.assertContains(
            r, '<a href="?order=votes" aria-current="true">Most voted</a>', html=True
        )

    def test_unknown_order_falls_back_to_best(self):
        r = self.client.get(self.url, {"order": "'; drop table"})
        self.assertEqual(self._order(r)[0], "Many votes")

    def test_unpublished_remedies_are_not_ranked(self):
        make_page(
            make_remedy(name="Draft remedy", is_published=False), self.ailment, up=50
        )
        self.assertNotContains(self.client.get(self.url), "Draft remedy")

    def test_unpublished_ailment_is_404(self):
        make_ailment(slug="hidden", is_published=False)
        url = reverse("ailments:ailment_detail", args=["hidden"])
        self.assertEqual(self.client.get(url).status_code, 404)

    def test_query_count_is_fixed_whatever_the_size(self):
        # 1 ailment, 2 count of ranked pages, 3 the page of ranked pages with
        # remedies, categories and citation counts.
        with self.assertNumQueries(3):
            self.client.get(self.url)
        for i in range(40):
            make_page(make_remedy(), self.ailment, up=i, down=1)
        with self.assertNumQueries(3):
            r = self.client.get(self.url)
        self.assertContains(r, "Page 1 of 3")
