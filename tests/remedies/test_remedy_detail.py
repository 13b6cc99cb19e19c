from django.urls import reverse

from tests.helpers import (
    SiteTestCase,
    make_ailment,
    make_page,
    make_product,
    make_remedy,
    make_study,
)


class RemedyDetailTests(SiteTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.remedy = make_remedy(name="Heat Therapy", slug="heat", safety_rating=9)
        study = make_study()
        cls.back = make_page(
            cls.remedy,
            make_ailment(name="Low back pain"),
            up=40,
            down=10,
            studies=[study, make_study()],
        )
        cls.neck = make_page(
            cls.remedy, make_ailment(name="Neck pain"), up=1, down=0, studies=[study]
        )
        cls.url = reverse("remedies:remedy_detail", args=["heat"])

    def test_it_shows_conditions_stats_cards_and_safety(self):
        r = self.client.get(self.url)
        self.assertContains(r, "<h1>Heat Therapy</h1>", html=True)
        self.assertContains(r, "Helps with these conditions")
        self.assertContains(r, "80% found it helpful")  # 40 / 50
        self.assertContains(r, "100% found it helpful")  # 1 / 1
        self.assertContains(r, "1 vote</span>")
        self.assertNotContains(r, ">1 votes")
        # Pooled: 41 of 51 = 80%; distinct studies: 2 (one is cited twice).
        self.assertContains(r, "<dt>Conditions</dt><dd>2</dd>", html=True)
        self.assertContains(r, "<dt>Total votes</dt><dd>51</dd>", html=True)
        self.assertContains(r, "<dt>Studies cited</dt><dd>2</dd>", html=True)
        self.assertContains(r, "<dt>Overall effectiveness</dt><dd>80%</dd>", html=True)
        self.assertContains(r, "2 studies cited")
        self.assertContains(r, "1 study cited")
        self.assertContains(r, "Updated ")
        self.assertContains(r, "9/10")
        self.assertContains(r, self.back.get_absolute_url())

    def test_one_condition_is_singular(self):
        remedy = make_remedy(slug="single")
        make_page(remedy, up=2, down=0)
        r = self.client.get(reverse("remedies:remedy_detail", args=["single"]))
        self.assertContains(r, "<dt>Condition</dt><dd>1</dd>", html=True)
        self.assertContains(r, "<dt>Total votes</dt><dd>2</dd>", html=True)

    def test_remedy_without_votes_or_pages_is_not_yet_rated(self):
        make_remedy(slug="new", safety_rating=None)
        r = self.client.get(reverse("remedies:remedy_detail", args=["new"]))
        self.assertContains(
            r, "<dt>Overall effectiveness</dt><dd>Not yet rated</dd>", html=True
        )
        self.assertContains(r, "<dt>Conditions</dt><dd>0</dd>", html=True)
        self.assertNotContains(r, "0%")
        self.assertContains(r, "No recommended products")

    def test_unpublished_pages_and_ailments_are_left_out_of_every_figure(self):
        hidden = make_page(
            self.remedy, make_ailment(name="Hidden ailment"), up=100, down=0
        )
        hidden.is_published = False
        hidden.save()
        r = self.client.get(self.url)
        self.assertNotContains(r, "Hidden ailment")
        self.assertContains(r, "<dt>Total votes</dt><dd>51</dd>", html=True)

    def test_unpublished_remedy_is_404_for_visitors_and_members(self):
        make_remedy(slug="draft", is_published=False)
        url = reverse("remedies:remedy_detail", args=["draft"])
        self.assertEqual(self.client.get(url).status_code, 404)
        self.client.force_login(self.member)
        self.assertEqual(self.client.get(url).status_code, 404)
        self.client.force_login(self.editor)
        self.assertContains(self.client.get(url), "Draft: this remedy is not published")

    def test_query_count_is_fixed_whatever_the_size(self):
        # 1 remedy + category, 2 live pages with ailments and citation counts,
        # 3 distinct studies, 4 products, 5 the discussion's counts (empty).
        with self.assertNumQueries(5):
            self.client.get(self.url)
        for _ in range(20):
            make_page(self.remedy, up=3, down=2, studies=[make_study()])
            make_product(self.remedy)
        with self.assertNumQueries(5):
            r = self.client.get(self.url)
        self.assertContains(r, "<dt>Conditions</dt><dd>22</dd>", html=True)

    def test_the_conditions_and_the_safety_come_first_then_the_rest(self):
        html = self.client.get(self.url).content.decode()
        order = [
            "<h1>",
            'id="conditions"',
            'id="safety"',
            'id="stats"',
            'id="about"',
            "Detailed information by condition",
            'id="discussion"',
            "Recommended products",
        ]
        places = [html.index(marker) for marker in order]
        self.assertEqual(places, sorted(places))
        safety = html[html.index('id="safety"') : html.index('id="stats"')]
        self.assertIn("<strong>9/10</strong>", safety)
        self.assertIn("Very safe for most people", safety)
        # The pooled figure once: in the numbers, not again beside the safety.
        self.assertEqual(html.count("Overall effectiveness"), 1)
        self.assertNotIn("Effectiveness across all conditions", html)


class RankingExplainedTests(SiteTestCase):
    """Conditions are ranked by how sure we can be (the Wilson lower bound);
    where that order differs from the percentages, the page says why."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.remedy = make_remedy(name="Stretches", slug="stretches")
        # 58 of 67 (87%) ranks above 21 of 24 (88%): more votes, less doubt.
        make_page(cls.remedy, make_ailment(name="Sciatica"), up=58, down=9)
        make_page(cls.remedy, make_ailment(name="Knee osteoarthritis"), up=21, down=3)
        make_page(cls.remedy, make_ailment(name="Low back pain"), up=96, down=11)
        cls.url = reverse("remedies:remedy_detail", args=["stretches"])

    def test_the_order_explains_itself_where_it_differs_from_the_percentages(self):
        html = self.client.get(self.url).content.decode()
        names = ["Low back pain", "Sciatica", "Knee osteoarthritis"]
        chart = html[html.index('class="chart"') :]
        self.assertEqual(sorted(names, key=chart.index), names)
        self.assertEqual(html.count('class="chart__why"'), 1)
        self.assertIn(
            "Sciatica comes before Knee osteoarthritis even though a smaller share "
            "found it helpful for sciatica: conditions are ranked by how sure we "
            "can be, and 67 votes against 24 leave less doubt.",
            html,
        )

    def test_no_word_of_it_when_the_order_follows_the_percentages(self):
        remedy = make_remedy(slug="plain")
        make_page(remedy, make_ailment(), up=90, down=10)
        make_page(remedy, make_ailment(), up=3, down=2)
        make_page(remedy, make_ailment())  # not yet rated: last, and no reason needed
        html = self.client.get(reverse("remedies:remedy_detail", args=["plain"]))
        self.assertNotContains(html, "chart__why")
