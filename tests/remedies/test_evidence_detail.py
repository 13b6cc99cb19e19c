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
        assert "<details" not in html[: html.index("How to use it")]

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
        # with citation counts, 3 steps, 4 citations, 5 products, 6 the
        # discussion's counts (empty, so no threads to load).
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
            r.content.decode().count(
                '<li>\n          <a href="/remedies/stretches/for/'
            ),
            11,
        )
