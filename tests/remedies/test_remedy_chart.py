"""The remedy page's effectiveness chart: an inline SVG and the same numbers in a table."""

import re

from django.urls import reverse

from tests.helpers import SiteTestCase, make_ailment, make_page, make_remedy


def section(html: str, start: str, end: str) -> str:
    return html[html.index(start) : html.index(end, html.index(start))]


class RemedyChartTests(SiteTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.remedy = make_remedy(name="Heat Therapy", slug="heat")
        make_page(cls.remedy, make_ailment(name="Low back pain"), up=40, down=10)
        make_page(cls.remedy, make_ailment(name="Neck pain"), up=1, down=0)
        make_page(cls.remedy, make_ailment(name="Period pain"))
        cls.url = reverse("remedies:remedy_detail", args=["heat"])

    def html(self) -> str:
        return self.client.get(self.url).content.decode()

    def test_one_bar_per_condition_sized_by_its_effectiveness(self):
        svg = section(self.html(), '<svg class="chart__svg"', "</figure>")
        fills = re.findall(r'<rect class="chart__fill"[^>]*width="(\d+)%"', svg)
        # Best supported first (Wilson lower bound): 40 of 50, then 1 of 1.
        self.assertEqual(fills, ["80", "100"])
        rows = re.findall(r'<svg class="chart__row[^"]*"[^>]*y="(\d+)"', svg)
        self.assertEqual(len(rows), 3)
        self.assertEqual(len(set(rows)), 3)  # rows do not overlap
        self.assertIn('height="156"', svg)  # three rows of 52 px
        # Screen readers get the table instead; the drawing is hidden from them.
        self.assertIn('aria-hidden="true"', svg)
        # Presentation attributes only: no inline style, no script.
        self.assertNotIn("style=", svg)
        self.assertNotIn("<script", svg)

    def test_the_table_has_the_same_numbers_as_the_chart_and_the_page(self):
        html = self.html()
        table = section(html, "<table", "</table>")
        rows = [
            [re.sub(r"<[^>]+>", "", cell).strip() for cell in row]
            for row in re.findall(
                r"<tr>\s*<th scope=\"row\">(.*?)</th>\s*<td>(.*?)</td>\s*<td>(.*?)</td>",
                table,
                re.S,
            )
        ]
        self.assertEqual(
            rows,
            [
                ["Low back pain", "80% found it helpful", "50 votes"],
                ["Neck pain", "100% found it helpful", "1 vote"],
                ["Period pain", "Not yet rated", "No votes yet"],
            ],
        )
        svg = section(html, '<svg class="chart__svg"', "</figure>")
        values = re.findall(r'<text class="chart__value"[^>]*>(.*?)</text>', svg)
        self.assertEqual(values, ["80%", "100%", "Not yet rated"])
        votes = re.findall(r'<tspan class="chart__votes"[^>]*>(.*?)</tspan>', svg)
        self.assertEqual(votes, ["50 votes", "1 vote"])
        # The stats agree: 41 of 51 votes across the same three conditions.
        self.assertIn("<dt>Conditions</dt><dd>3</dd>", html)
        self.assertIn("<dt>Total votes</dt><dd>51</dd>", html)

    def test_an_unrated_condition_is_never_drawn_as_zero(self):
        remedy = make_remedy(slug="new")
        make_page(remedy, make_ailment(name="Cramp"))
        html = self.client.get(reverse("remedies:remedy_detail", args=["new"])).content
        svg = section(html.decode(), '<svg class="chart__svg"', "</figure>")
        self.assertNotIn("chart__fill", svg)
        self.assertIsNone(re.search(r"(?<!\d)0%", svg))
        self.assertIn("Not yet rated", svg)
        self.assertIn("chart__row--unrated", svg)

    def test_a_remedy_without_conditions_has_no_chart(self):
        make_remedy(slug="bare")
        r = self.client.get(reverse("remedies:remedy_detail", args=["bare"]))
        self.assertNotContains(r, "chart__svg")
        self.assertNotContains(r, "<table")
        self.assertContains(r, "No conditions have been written up")
