"""The evidence page says, in one sentence, when members' votes and the evidence
grade point different ways, and only then (the rule: /about/methods/#crowd-and-evidence)."""

from django.test import SimpleTestCase

from remedies.models import (
    CROWD_HIGH,
    CROWD_LOW,
    DISAGREEMENT_MIN_VOTES,
    Tally,
    crowd_and_evidence,
)
from tests.helpers import SiteTestCase, make_ailment, make_page, make_remedy, set_tally

SENTENCE = "Members and the research point different ways"


class RuleTests(SimpleTestCase):
    def test_the_rule_at_its_edges(self):
        self.assertEqual((DISAGREEMENT_MIN_VOTES, CROWD_HIGH, CROWD_LOW), (20, 75, 40))
        cases = [
            # (up, down, grade, expected)
            (15, 5, "D", "crowd-higher"),  # 75% of 20, very weak evidence
            (15, 5, "I", "crowd-higher"),  # 75% of 20, not enough evidence
            (19, 0, "D", ""),  # 100%, but only 19 votes
            (37, 13, "D", ""),  # 74%
            (15, 5, "C", ""),  # a middling grade disagrees with nothing
            (150, 0, "A", ""),  # they agree
            (150, 0, "B", ""),
            (8, 12, "A", "crowd-lower"),  # 40% of 20, strong evidence
            (8, 12, "B", "crowd-lower"),
            (41, 59, "B", ""),  # 41%
            (0, 19, "A", ""),  # only 19 votes
            (0, 100, "C", ""),
            (0, 100, "D", ""),  # members and research both doubt it
            (0, 0, "A", ""),  # not yet rated
            (0, 0, "I", ""),
        ]
        for up, down, grade, expected in cases:
            with self.subTest(up=up, down=down, grade=grade):
                self.assertEqual(crowd_and_evidence(Tally(up, down), grade), expected)


class SentenceOnThePageTests(SiteTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.page = make_page(make_remedy(slug="cold"), make_ailment(slug="heel"))

    def sentence(self, up, down, grade) -> str:
        set_tally(self.page, up, down)
        self.page.grade = grade
        self.page.save()
        html = self.client.get(self.page.get_absolute_url()).content.decode()
        self.assertLessEqual(html.count(SENTENCE), 1)
        card = html[html.index('class="summary"') : html.index('class="red-flags"')]
        return card if SENTENCE in card else ""

    def test_it_shows_exactly_when_the_two_point_different_ways(self):
        for up, down, grade, shown in [
            (19, 5, "D", True),
            (19, 5, "I", True),
            (19, 5, "C", False),
            (19, 0, "D", False),
            (8, 12, "A", True),
            (8, 12, "B", True),
            (9, 12, "B", False),
            (0, 0, "B", False),
            (90, 10, "A", False),
        ]:
            with self.subTest(up=up, down=down, grade=grade):
                self.assertEqual(bool(self.sentence(up, down, grade)), shown)

    def test_it_says_which_way_and_what_each_measures(self):
        card = self.sentence(19, 5, "D")
        self.assertIn("most members who voted say it helped them", card)
        self.assertIn("only very weak evidence that it works", card)
        self.assertIn("members’ own experience", card)
        self.assertIn("how strong the studies are", card)
        self.assertIn('href="/about/methods/#crowd-and-evidence"', card)
        card = self.sentence(19, 5, "I")
        self.assertIn("too little research to say whether it works", card)
        card = self.sentence(8, 12, "A")
        self.assertIn("the research gives strong evidence that it works", card)
        self.assertIn("most members who voted say it did not help them", card)
        # One sentence, and no figure of its own: the card's figures say them once.
        start = card.index(SENTENCE)
        sentence = card[start : card.index("<a href", start)].strip()
        self.assertTrue(sentence.endswith("."))
        self.assertNotIn(". ", sentence)
        self.assertNotIn("%", sentence)
