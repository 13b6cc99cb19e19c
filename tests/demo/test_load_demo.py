import re
from io import StringIO

from django.core.management import call_command
from django.test import TestCase

from ailments.models import Ailment
from discussions.models import Comment
from remedies.citations import MARKER
from remedies.models import Category, EvidencePage, Product, Remedy, Study
from votes.models import Vote
from votes.services import recount_tallies


def counts():
    return {
        model.__name__: model.objects.count()
        for model in (
            Category,
            Remedy,
            Ailment,
            EvidencePage,
            Study,
            Product,
            Vote,
            Comment,
        )
    }


class LoadDemoTests(TestCase):
    """The demo content loads, is big enough to be realistic, and loads twice without doubling."""

    def test_demo_content_loads_idempotently(self):
        call_command("load_demo", stdout=StringIO())
        first = counts()
        self.assertGreaterEqual(first["Remedy"], 12)
        self.assertGreaterEqual(first["Category"], 4)
        self.assertGreaterEqual(first["Ailment"], 8)
        self.assertGreaterEqual(first["EvidencePage"], 25)
        self.assertGreaterEqual(first["Study"], 40)
        self.assertGreaterEqual(first["Product"], 5)
        self.assertGreaterEqual(first["Comment"], 5)

        call_command("load_demo", stdout=StringIO())
        self.assertEqual(counts(), first)
        self.assertEqual(recount_tallies(fix=False), [])

        pages = EvidencePage.objects.all()
        totals = [p.votes_total for p in pages]
        assert any(t == 0 for t in totals), "some pages are unrated"
        assert any(0 < t < 10 for t in totals), "some pages have few votes"
        assert any(t >= 50 for t in totals), "some pages have many votes"

    def test_the_reference_page_is_there_in_full(self):
        call_command("load_demo", stdout=StringIO())
        page = EvidencePage.objects.get(
            remedy__slug="physical-therapy-stretches", ailment__slug="sciatica"
        )
        self.assertEqual(page.steps.count(), 6)
        self.assertIn("bladder", page.ailment.red_flags.lower())
        titles = " ".join(page.studies.values_list("title", flat=True)).lower()
        self.assertIn("sciatica", titles)
        r = self.client.get(page.get_absolute_url())
        self.assertContains(r, "Physical Therapy Stretches")
        self.assertContains(r, "Exercise")  # a stretching programme is not a "herb"
        # Its discussion has threads with replies from named members.
        self.assertContains(r, "Priya")
        self.assertEqual(page.comments.filter(parent__isnull=False).count() >= 2, True)

    def test_red_flags_are_short_signs_and_every_marker_has_its_study(self):
        call_command("load_demo", stdout=StringIO())
        for ailment in Ailment.objects.all():
            self.assertTrue(ailment.red_flag_action, ailment)
            for flag in ailment.red_flag_items:
                # A few plain words each: what it can mean goes in the details.
                self.assertLessEqual(len(flag.sign), 90, flag.sign)
                self.assertNotIn("A&E/the emergency department", flag.sign)
        for page in EvidencePage.objects.prefetch_related("steps", "citations"):
            count = page.citations.count()
            texts = [page.why_it_works, page.how_to_intro, page.how_to_outro]
            texts += [step.instructions for step in page.steps.all()]
            for text in texts:
                for match in MARKER.finditer(text):
                    for n in re.split(r"\s*,\s*", match.group(1)):
                        self.assertTrue(1 <= int(n) <= count, (str(page), match[0]))
        reference = EvidencePage.objects.get(
            remedy__slug="physical-therapy-stretches", ailment__slug="sciatica"
        )
        self.assertIn("[1]", reference.why_it_works)
        self.assertTrue(all(rule.details for rule in reference.warning_items))
