from django.urls import reverse

from tests.helpers import SiteTestCase, make_ailment, make_page, make_remedy


class AilmentListTests(SiteTestCase):
    def test_it_lists_published_ailments_with_remedy_counts(self):
        a = make_ailment(name="Insomnia")
        make_page(ailment=a)
        make_page(ailment=a)
        make_page(make_remedy(is_published=False), a)
        make_ailment(name="Common cold")
        make_ailment(name="Hidden", is_published=False)
        r = self.client.get(reverse("ailments:ailment_list"))
        self.assertContains(r, "Insomnia")
        self.assertContains(r, "2 remedies")
        self.assertContains(r, "0 remedies")
        self.assertNotContains(r, "Hidden")

    def test_one_remedy_is_singular(self):
        make_page(ailment=make_ailment(name="Gout"))
        self.assertContains(
            self.client.get(reverse("ailments:ailment_list")), "1 remedy<"
        )

    def test_query_count_is_fixed_whatever_the_size(self):
        make_page()
        url = reverse("ailments:ailment_list")
        # 1 count, 2 the page of ailments with remedy counts.
        with self.assertNumQueries(2):
            self.client.get(url)
        for _ in range(30):
            make_page()
        with self.assertNumQueries(2):
            self.client.get(url)
