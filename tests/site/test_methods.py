from django.urls import reverse

from tests.helpers import SiteTestCase


class MethodsTests(SiteTestCase):
    def test_it_explains_every_number(self):
        r = self.client.get(reverse("methods"))
        for heading in (
            "Effectiveness",
            "Overall effectiveness",
            "best supported first",
            "Studies cited",
            "Evidence grades",
            "Safety rating",
            "Updated and reviewed",
        ):
            self.assertContains(r, heading)
        self.assertContains(r, "Not yet rated")
        # The worked examples match the scoring code's values.
        for value in ("0.44", "0.60", "0.89"):
            self.assertContains(r, f"<td>{value}</td>", html=True)

    def test_query_count(self):
        with self.assertNumQueries(0):
            self.client.get(reverse("methods"))

    def test_the_rule_for_members_and_research_disagreeing_is_the_codes(self):
        from remedies.models import (
            CROWD_HIGH,
            CROWD_LOW,
            DISAGREEMENT_MIN_VOTES,
            STRONG_GRADES,
            WEAK_GRADES,
        )

        r = self.client.get(reverse("methods"))
        self.assertContains(r, 'id="crowd-and-evidence"')
        self.assertContains(r, f"at least {DISAGREEMENT_MIN_VOTES} members have voted")
        self.assertContains(r, f"{CROWD_HIGH}% or more say it helped")
        self.assertContains(r, f"{CROWD_LOW}% or fewer say it helped")
        self.assertEqual((WEAK_GRADES, STRONG_GRADES), ({"D", "I"}, {"A", "B"}))
        self.assertContains(r, "the grade is D (very weak evidence) or I")
        self.assertContains(r, "the grade is A (strong evidence) or B")

    def test_the_safety_bands_are_the_codes(self):
        from remedies.models import SAFETY_BANDS

        html = self.client.get(reverse("methods")).content.decode()
        highest = 10
        for lowest, words in SAFETY_BANDS:
            self.assertInHTML(
                f"<div><dt>{lowest}–{highest}</dt><dd>{words[0].upper()}{words[1:]}.</dd></div>",
                html,
            )
            highest = lowest - 1
