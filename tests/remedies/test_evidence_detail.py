import re
from datetime import date

from django.urls import reverse

from tests.helpers import (
    SiteTestCase,
    make_ailment,
    make_page,
    make_product,
    make_remedy,
    make_study,
)


class EvidenceDetailTests(SiteTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.remedy = make_remedy(name="Physical Therapy Stretches", slug="stretches")
        cls.sciatica = make_ailment(
            name="Sciatica",
            slug="sciatica",
            red_flags="New bladder or bowel problems: go to the emergency department now.",
        )
        cls.shared = make_study(title="Shared guideline", kind="guideline")
        cls.page = make_page(
            cls.remedy,
            cls.sciatica,
            up=58,
            down=9,
            steps=6,
            studies=[cls.shared, make_study(title="A trial of sliders")],
            red_flags="Foot drop: get seen the same day.",
            warnings="Stop if pain spreads down the leg.",
        )
        cls.other = make_page(
            cls.remedy,
            make_ailment(name="Low back pain"),
            up=3,
            down=1,
            studies=[cls.shared],
        )
        cls.url = reverse("remedies:evidence_detail", args=["stretches", "sciatica"])

    def test_it_shows_every_part_of_the_page(self):
        r = self.client.get(self.url)
        self.assertContains(r, "<h1>Physical Therapy Stretches")
        self.assertContains(r, "New bladder or bowel problems")
        self.assertContains(r, "Foot drop")
        self.assertContains(r, "87% found it helpful")  # 58 / 67 = 86.6%
        self.assertContains(r, "67 votes")
        self.assertContains(r, "Evidence grade")
        self.assertContains(r, "Why it works for Sciatica")
        self.assertContains(r, "Step 6")
        self.assertContains(r, "Shared guideline")
        self.assertContains(r, "Clinical guideline")
        self.assertContains(r, "Stop if pain spreads down the leg.")
        self.assertContains(r, "General information about Physical Therapy Stretches")
        self.assertContains(r, "Low back pain")
        self.assertContains(r, "not medical advice")

    def test_red_flags_come_before_the_instructions(self):
        html = self.client.get(self.url).content.decode()
        flags = html.index("New bladder or bowel problems")
        assert (
            flags
            < html.index("Foot drop")
            < html.index("How to use it")
            < html.index("Step 1")
        )
        # Never folded away as a whole: each sign is on show, only its
        # details may be a click away.
        section = html.index('<section class="red-flags"')
        assert "<details" not in html[:section]
        assert html.count('class="red-flags__action"') == 1

    def test_the_page_reads_summary_red_flags_contents_then_the_steps(self):
        html = self.client.get(self.url).content.decode()
        order = [
            "<h1>",
            'class="summary"',
            'class="red-flags"',
            'class="contents"',
            'id="how-to"',
            "Step 6",
            'id="when-to-stop"',  # the stop rules, with the steps
            'id="vote-box"',
            'id="why"',
            'id="evidence"',
            'id="about"',
            'id="discussion"',
        ]
        places = [html.index(marker) for marker in order]
        self.assertEqual(places, sorted(places))

    def test_the_summary_card_has_the_figure_grade_safety_and_review(self):
        self.page.reviewed_on = date(2026, 1, 15)
        self.page.reviewed_by = "a physiotherapist"
        self.page.save()
        html = self.client.get(self.url).content.decode()
        card = html[html.index('class="summary"') : html.index('class="red-flags"')]
        self.assertIn("87% found it helpful", card)
        self.assertIn("67 votes", card)
        self.assertIn("Moderate evidence", card)
        self.assertIn('<span class="grade__letter grade--b">B</span>', card)
        self.assertIn("8/10", card)
        self.assertIn("Safe for most people", card)
        self.assertIn('datetime="2026-01-15"', card)
        self.assertIn("by a physiotherapist", card)

    def test_an_unrated_safety_says_not_yet_rated(self):
        self.remedy.safety_rating = None
        self.remedy.save()
        card = self.client.get(self.url).content.decode()
        card = card[card.index('class="summary"') : card.index('class="red-flags"')]
        self.assertIn("Not yet rated", card)
        self.assertNotIn("/10", card)

    def test_the_contents_list_jumps_to_sections_that_are_there(self):
        html = self.client.get(self.url).content.decode()
        contents = html[html.index('class="contents"') : html.index('id="how-to"')]
        targets = re.findall(r'href="#([\w-]+)"', contents)
        self.assertEqual(
            targets, ["how-to", "when-to-stop", "why", "evidence", "discussion"]
        )
        for target in targets:
            self.assertEqual(html.count(f'id="{target}"'), 1, target)

    def test_without_stop_rules_the_contents_list_leaves_them_out(self):
        self.page.warnings = ""
        self.page.save()
        html = self.client.get(self.url).content.decode()
        self.assertNotIn('href="#when-to-stop"', html)
        self.assertNotIn('id="when-to-stop"', html)

    def test_red_flags_are_short_signs_with_details_and_one_action_line(self):
        self.sciatica.red_flags = (
            "Numbness between the legs | It can be cauda equina syndrome.\n"
            "A plain sign without details"
        )
        self.sciatica.red_flag_action = "Call 999 or go to A&E now."
        self.sciatica.save()
        html = self.client.get(self.url).content.decode()
        flags = html[html.index('class="red-flags"') : html.index('class="contents"')]
        signs = flags[flags.index("<ul") : flags.index("</ul>") + len("</ul>")]
        self.assertInHTML(
            "<details><summary>Numbness between the legs</summary>"
            "<p>It can be cauda equina syndrome.</p></details>",
            signs,
        )
        self.assertIn("A plain sign without details", flags)
        self.assertIn("Foot drop: get seen the same day.", flags)  # the page's own
        self.assertIn("<strong>Call 999 or go to A&amp;E now.</strong>", flags)
        self.assertNotIn("|", flags)

    def test_without_an_action_line_the_red_flags_say_what_to_do_anyway(self):
        html = self.client.get(self.url).content.decode()
        self.assertIn(
            "<strong>Call emergency services or go to A&amp;E (the emergency "
            "department) now.</strong>",
            html,
        )

    def test_stop_rules_show_their_details_a_click_away(self):
        self.page.warnings = "Stop if it spreads | Centralising pain is fine.\nRest."
        self.page.save()
        html = self.client.get(self.url).content.decode()
        rules = html[html.index('id="when-to-stop"') : html.index('id="vote-box"')]
        rules = rules[rules.index("<ul") : rules.index("</ul>") + len("</ul>")]
        self.assertInHTML(
            "<details><summary>Stop if it spreads</summary>"
            "<p>Centralising pain is fine.</p></details>",
            rules,
        )
        self.assertIn("<li>Rest.</li>", rules)

    def test_every_figure_appears_once(self):
        html = self.client.get(self.url).content.decode()
        # This page's figure (58 of 67 = 87%) once; the other condition's
        # (3 of 4 = 75%) once, in "Other conditions it helps"; the remedy's
        # figures as a whole (86% of 71 votes) are the remedy page's.
        self.assertEqual(html.count("87% found it helpful"), 1)
        self.assertEqual(html.count("75% found it helpful"), 1)
        self.assertIn("Other conditions it helps", html)
        self.assertNotIn("86%", html)
        self.assertNotIn("Overall effectiveness", html)

    def test_unrated_page_says_not_yet_rated_never_zero(self):
        page = make_page(self.remedy, make_ailment(slug="unrated"))
        r = self.client.get(page.get_absolute_url())
        self.assertContains(r, "Not yet rated")
        self.assertNotContains(r, "0%")

    def test_visitor_vote_control_is_a_sign_in_link_not_a_form(self):
        r = self.client.get(self.url)
        self.assertContains(r, "Sign in to vote")
        self.assertNotContains(r, "csrfmiddlewaretoken")

    def test_products_show_with_their_disclosure_or_an_empty_state(self):
        self.assertContains(self.client.get(self.url), "No recommended products")
        make_product(self.remedy, name="Exercise mat", disclosure="We earn nothing.")
        r = self.client.get(self.url)
        self.assertContains(r, "Exercise mat")
        self.assertContains(r, "We earn nothing.")

    def test_unpublished_page_remedy_or_ailment_is_404_for_visitors(self):
        for obj in (self.page, self.remedy, self.sciatica):
            obj.is_published = False
            obj.save()
            self.assertEqual(self.client.get(self.url).status_code, 404)
            obj.is_published = True
            obj.save()
        self.assertEqual(self.client.get(self.url).status_code, 200)

    def test_editor_previews_an_unpublished_page_with_a_banner(self):
        self.page.is_published = False
        self.page.save()
        self.client.force_login(self.editor)
        r = self.client.get(self.url)
        self.assertContains(r, "Draft: this page is not published")
        self.client.force_login(self.member)
        self.assertEqual(self.client.get(self.url).status_code, 404)

    def test_missing_page_is_404(self):
        url = reverse("remedies:evidence_detail", args=["stretches", "nope"])
        self.assertEqual(self.client.get(url).status_code, 404)

    def test_people_written_text_is_escaped(self):
        self.page.summary = "<script>alert(1)</script>"
        self.page.save()
        self.remedy.what_it_is = "<img src=x onerror=alert(1)>"
        self.remedy.save()
        r = self.client.get(self.url)
        self.assertNotContains(r, "<script>alert(1)</script>")
        self.assertNotContains(r, "<img src=x")
        self.assertContains(r, "&lt;img src=x onerror=alert(1)&gt;")

    def test_query_count_is_fixed_whatever_the_size(self):
        # 1 page + remedy + category + ailment, 2 the remedy's other live pages
        # with citation counts, 3 steps, 4 citations with their studies,
        # 5 products, 6 the discussion's counts (empty, so no threads to
        # load). Linking the markers to the studies reads nothing more.
        with self.assertNumQueries(6):
            self.client.get(self.url)
        for _ in range(10):
            make_page(
                self.remedy, up=5, down=5, steps=3, studies=[make_study(), self.shared]
            )
            make_product(self.remedy)
        with self.assertNumQueries(6):
            r = self.client.get(self.url)
        self.assertEqual(
            r.content.decode().count('<li><a href="/remedies/stretches/for/'), 11
        )
