"""Numbered markers ([1], [2]…) in editors' text link to the page's studies, and back."""

import re

from django.test import SimpleTestCase

from remedies.citations import Markers, strip_markers
from tests.helpers import SiteTestCase, make_ailment, make_page, make_remedy, make_study


class MarkersTests(SimpleTestCase):
    def test_a_marker_links_to_its_study_and_the_study_links_back(self):
        markers = Markers(count=2)
        [html] = markers.paragraphs("Exercise helps [2].", "why", "why it works")
        self.assertEqual(
            html,
            'Exercise helps<sup class="cite"><a href="#study-2" id="cite-why-1-1" '
            'aria-label="Study 2">[2]</a></sup>.',
        )
        [back] = markers.cited_at(2)
        self.assertEqual((back.anchor, back.label), ("cite-why-1-1", "why it works"))
        self.assertEqual(markers.cited_at(1), [])

    def test_several_studies_in_one_marker_and_several_paragraphs(self):
        markers = Markers(count=3)
        first, second = markers.paragraphs(
            "A claim [1, 3].\n\nAnother [3] and [1].", "why", "why it works"
        )
        self.assertEqual(
            re.findall(r'href="#(study-\d)" id="([\w-]+)"', first),
            [("study-1", "cite-why-1-1"), ("study-3", "cite-why-1-2")],
        )
        self.assertEqual(
            re.findall(r'href="#(study-\d)" id="([\w-]+)"', second),
            [("study-3", "cite-why-2-1"), ("study-1", "cite-why-2-2")],
        )
        self.assertEqual(
            [(b.anchor, b.label) for b in markers.cited_at(3)],
            [
                ("cite-why-1-2", "why it works, paragraph 1"),
                ("cite-why-2-1", "why it works, paragraph 2"),
            ],
        )

    def test_a_place_is_linked_back_once_however_often_it_cites_a_study(self):
        markers = Markers(count=1)
        markers.paragraphs("One [1], and again [1].", "step-2", "step 2")
        self.assertEqual(
            [(b.anchor, b.label) for b in markers.cited_at(1)],
            [("cite-step-2-1-1", "step 2")],
        )

    def test_a_marker_of_no_study_on_the_page_stays_plain_text(self):
        markers = Markers(count=2)
        [html] = markers.paragraphs(
            "See [3], [0], [1, 9] and [x].", "why", "why it works"
        )
        self.assertEqual(html, "See [3], [0], [1, 9] and [x].")
        self.assertEqual(markers.back_links, {})
        [html] = Markers(count=0).paragraphs("A page without studies [1].", "why", "w")
        self.assertEqual(html, "A page without studies [1].")

    def test_everything_else_is_escaped(self):
        markers = Markers(count=1)
        [html] = markers.paragraphs(
            '<script>alert(1)</script> "quoted" & [1] <b>[1]</b>', "why", "why"
        )
        self.assertNotIn("<script>", html)
        self.assertNotIn("<b>", html)
        self.assertIn(
            "&lt;script&gt;alert(1)&lt;/script&gt; &quot;quoted&quot; &amp;", html
        )
        self.assertEqual(html.count('href="#study-1"'), 2)

    def test_paragraphs_split_on_blank_lines_and_skip_empty_text(self):
        markers = Markers(count=0)
        self.assertEqual(markers.paragraphs("", "intro", "intro"), [])
        self.assertEqual(
            markers.paragraphs("One.\r\n\r\n\r\nTwo.", "intro", "intro"),
            ["One.", "Two."],
        )

    def test_strip_markers_for_where_they_cannot_be_links(self):
        self.assertEqual(
            strip_markers("It helps [1]. It works [2, 3]."), "It helps. It works."
        )


class MarkersOnThePageTests(SiteTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.page = make_page(
            make_remedy(name="Stretches", slug="stretches"),
            make_ailment(name="Sciatica", slug="sciatica"),
            steps=2,
            studies=[make_study(title="A guideline"), make_study(title="A trial")],
            why_it_works="Guidance backs it [1].\n\nA trial found gains [2] [7].",
            how_to_outro="Build up walking [1].",
        )
        step = cls.page.steps.get(position=2)
        step.instructions = "Slide, do not stretch [2]."
        step.save()

    def test_markers_link_down_to_the_studies_and_the_studies_link_back(self):
        html = self.client.get(self.page.get_absolute_url()).content.decode()
        markers = dict(re.findall(r'<a href="#(study-\d)" id="([\w-]+)"', html))
        ids = re.findall(r'<a href="#study-\d" id="([\w-]+)"', html)
        # In the page's order: the steps, after them, then why it works.
        self.assertEqual(
            ids,
            ["cite-step-2-1-1", "cite-outro-1-1", "cite-why-1-1", "cite-why-2-1"],
        )
        self.assertEqual(set(markers), {"study-1", "study-2"})
        self.assertIn('<li class="citation" id="study-1">', html)
        self.assertIn('<li class="citation" id="study-2">', html)
        # Each study links back to every place that cites it.
        study_1 = html[html.index('id="study-1"') : html.index('id="study-2"')]
        study_2 = html[
            html.index('id="study-2"') : html.index("</ol>", html.index('id="study-2"'))
        ]
        self.assertEqual(
            re.findall(r'href="#(cite-[\w-]+)"', study_1),
            ["cite-outro-1-1", "cite-why-1-1"],
        )
        self.assertEqual(
            re.findall(r'href="#(cite-[\w-]+)"', study_2),
            ["cite-step-2-1-1", "cite-why-2-1"],
        )
        self.assertIn("step 2</a>", study_2)
        self.assertIn("why it works, paragraph 2</a>", study_2)
        # [7] refers to no study on the page: plain text.
        self.assertIn("[7]", html)
        self.assertNotIn('href="#study-7"', html)

    def test_every_marker_id_is_unique_and_every_link_lands(self):
        html = self.client.get(self.page.get_absolute_url()).content.decode()
        ids = re.findall(r'\bid="([^"]+)"', html)
        self.assertEqual(len(ids), len(set(ids)))
        for target in re.findall(r'href="#((?:study|cite)-[\w-]+)"', html):
            self.assertIn(target, ids)
