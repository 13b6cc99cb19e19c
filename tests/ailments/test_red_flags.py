"""Red flags are written one a line, a short sign then, after a "|", its details;
pages show the signs, each with its details a click away, and one line saying what to do."""

from django.test import SimpleTestCase
from django.urls import reverse

from ailments.models import DEFAULT_RED_FLAG_ACTION, Ailment, RedFlag, red_flag_items
from remedies.models import Remedy
from tests.helpers import SiteTestCase, make_ailment


class ParsingTests(SimpleTestCase):
    def test_signs_and_their_details(self):
        self.assertEqual(
            red_flag_items(
                "Numb between the legs | Can be cauda equina syndrome.\n"
                "\n"
                "  A sign alone  \r\n"
                "| Only details: they are the sign\n"
                "A | B | C\n"
                " | \n"
            ),
            [
                RedFlag("Numb between the legs", "Can be cauda equina syndrome."),
                RedFlag("A sign alone", ""),
                RedFlag("Only details: they are the sign", ""),
                RedFlag("A", "B | C"),
            ],
        )

    def test_what_to_do_defaults_to_emergency_care(self):
        self.assertEqual(Ailment(red_flag_action="  ").action, DEFAULT_RED_FLAG_ACTION)
        self.assertEqual(
            Ailment(red_flag_action="Go to A&E now.").action, "Go to A&E now."
        )

    def test_safety_meaning_in_words(self):
        meanings = {
            rating: Remedy(safety_rating=rating).safety_meaning
            for rating in (None, 1, 2, 3, 5, 6, 7, 8, 9, 10)
        }
        self.assertEqual(meanings[None], "")
        self.assertEqual(meanings[10], "very safe for most people")
        self.assertEqual(meanings[9], "very safe for most people")
        self.assertEqual(meanings[8], meanings[7])
        self.assertEqual(meanings[6], meanings[5])
        self.assertEqual(meanings[3], "real risks for some people: ask first")
        self.assertEqual(meanings[1], meanings[2])
        self.assertEqual(meanings[1], "serious risks for many people")


class AilmentPageTests(SiteTestCase):
    def test_the_ailment_page_shows_signs_details_and_what_to_do_first(self):
        make_ailment(
            slug="heel",
            red_flags="A pop in the heel | It can be a torn tendon.\nA broken bone",
            red_flag_action="Go to A&E or an urgent care centre now.",
        )
        html = self.client.get(reverse("ailments:ailment_detail", args=["heel"]))
        html = html.content.decode()
        self.assertLess(
            html.index('class="red-flags"'), html.index('id="about-heading"')
        )
        self.assertInHTML(
            "<details><summary>A pop in the heel</summary>"
            "<p>It can be a torn tendon.</p></details>",
            html,
        )
        self.assertInHTML('<span class="red-flag__sign">A broken bone</span>', html)
        self.assertIn(
            "<strong>Go to A&amp;E or an urgent care centre now.</strong> "
            "Don’t treat these at home.",
            html,
        )
