from django.urls import reverse

from tests.helpers import SiteTestCase, make_category, make_page, make_remedy


class RemedyListTests(SiteTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.herbal = make_category(name="Herbal", slug="herbal")
        cls.mint = make_remedy(name="Peppermint oil", category=cls.herbal)
        make_page(cls.mint, up=9, down=1)
        make_page(cls.mint, up=0, down=0)
        cls.yoga = make_remedy(name="Yoga")
        make_remedy(name="Secret draft", is_published=False)
        cls.url = reverse("remedies:remedy_list")

    def test_it_lists_published_remedies_with_pooled_effectiveness(self):
        r = self.client.get(self.url)
        self.assertContains(r, "Peppermint oil")
        self.assertContains(r, "90% found it helpful")
        self.assertContains(r, "10 votes")
        self.assertContains(r, "Helps with 2 conditions")
        self.assertContains(r, "Helps with 0 conditions")
        self.assertContains(r, "Not yet rated")  # Yoga
        self.assertNotContains(r, "Secret draft")

    def test_it_filters_by_category(self):
        r = self.client.get(self.url, {"category": "herbal"})
        self.assertContains(r, "Peppermint oil")
        self.assertNotContains(r, "Yoga")
        self.assertEqual(
            self.client.get(self.url, {"category": "nope"}).status_code, 404
        )

    def test_it_paginates(self):
        for i in range(25):
            make_remedy(name=f"Zz remedy {i:02d}")
        r = self.client.get(self.url)
        self.assertContains(r, "Page 1 of 2")
        self.assertNotContains(r, "Zz remedy 24")
        self.assertContains(self.client.get(self.url, {"page": 2}), "Zz remedy 24")
        # A page number out of range shows the last page, not an error.
        self.assertEqual(self.client.get(self.url, {"page": "x"}).status_code, 200)

    def test_query_count_is_fixed_whatever_the_size(self):
        # 1 count, 2 the page of remedies with stats, 3 categories.
        with self.assertNumQueries(3):
            self.client.get(self.url)
        for _ in range(30):
            make_page(make_remedy(), up=1, down=1)
        with self.assertNumQueries(3):
            self.client.get(self.url)
