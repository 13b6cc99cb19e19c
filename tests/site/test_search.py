from django.urls import reverse

from tests.helpers import SiteTestCase, make_ailment, make_page, make_remedy


class SearchResultsTests(SiteTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.sciatica = make_ailment(
            name="Sciatica", synonyms="sciatic nerve pain\nlumbar radiculopathy"
        )
        cls.stretches = make_remedy(name="Physical Therapy Stretches")
        make_page(
            cls.stretches, cls.sciatica, why_it_works="Gentle movement calms the nerve."
        )
        cls.url = reverse("search:search_results")

    def test_it_finds_ailments_by_synonym_and_groups_results(self):
        r = self.client.get(self.url, {"q": "sciatic nerve"})
        self.assertContains(r, "Ailments")
        self.assertContains(r, self.sciatica.get_absolute_url())
        self.assertContains(r, "Physical Therapy Stretches for Sciatica")

    def test_it_finds_pages_by_their_text(self):
        r = self.client.get(self.url, {"q": "calms the nerve"})
        self.assertContains(r, "Physical Therapy Stretches for Sciatica")

    def test_nothing_found_suggests_ailments(self):
        r = self.client.get(self.url, {"q": "zzzz"})
        self.assertContains(r, "Nothing matched")
        self.assertContains(r, self.sciatica.get_absolute_url())

    def test_the_query_is_escaped(self):
        r = self.client.get(self.url, {"q": "<script>alert(1)</script>"})
        self.assertNotContains(r, "<script>alert(1)</script>")
        self.assertContains(r, "&lt;script&gt;")
