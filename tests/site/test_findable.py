"""Search engines and link previews: sitemap, robots.txt, canonical links, JSON-LD, Open Graph."""

import json
import re
from datetime import date

from django.urls import reverse

from remedies.models import EvidencePage
from tests.helpers import (
    SiteTestCase,
    make_ailment,
    make_comment,
    make_page,
    make_remedy,
)


def json_ld(response) -> dict:
    blocks = re.findall(
        r'<script type="application/ld\+json">(.*?)</script>',
        response.content.decode(),
        re.S,
    )
    assert len(blocks) == 1, blocks
    return json.loads(blocks[0])


class FindableTests(SiteTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.remedy = make_remedy(
            name="Heat Therapy", slug="heat", what_it_is="Warmth on sore muscles."
        )
        cls.ailment = make_ailment(
            name="Low back pain", slug="back", synonyms="lumbago\nbackache"
        )
        cls.page = make_page(
            cls.remedy,
            cls.ailment,
            up=8,
            down=2,
            summary="Warmth eases back pain for a while.",
            reviewed_on=date(2026, 10, 1),
            reviewed_by="a physiotherapist",
        )
        cls.hidden = make_page(
            make_remedy(slug="draft", is_published=False), cls.ailment
        )

    def test_sitemap_lists_published_pages_with_lastmod(self):
        index = self.client.get("/sitemap.xml")
        self.assertContains(index, "http://testserver/sitemap-pages.xml")
        pages = self.client.get("/sitemap-pages.xml").content.decode()
        assert "http://testserver/remedies/heat/for/back/" in pages
        assert "/remedies/draft/" not in pages
        assert "<lastmod>" in pages
        remedies = self.client.get("/sitemap-remedies.xml").content.decode()
        assert "/remedies/heat/" in remedies and "/remedies/draft/" not in remedies

    def test_sitemap_index_query_count_does_not_grow(self):
        # Per section with rows (pages, remedies, ailments): one aggregate for
        # its lastmod and one count for how many sitemap pages it splits into.
        with self.assertNumQueries(6):
            self.client.get("/sitemap.xml")
        for _ in range(20):
            make_page()
        with self.assertNumQueries(6):
            self.client.get("/sitemap.xml")

    def test_robots_points_to_the_sitemap_and_keeps_crawlers_out_of_private_pages(self):
        r = self.client.get("/robots.txt")
        self.assertEqual(r["Content-Type"], "text/plain; charset=utf-8")
        text = r.content.decode()
        for path in ("/admin/", "/account/", "/accounts/", "/search/"):
            assert f"Disallow: {path}" in text
        assert "Sitemap: http://testserver/sitemap.xml" in text

    def test_every_page_has_a_canonical_link_and_a_unique_title_and_description(self):
        urls = [
            "/",
            "/remedies/",
            "/ailments/",
            "/about/methods/",
            self.remedy.get_absolute_url(),
            self.ailment.get_absolute_url(),
            self.page.get_absolute_url(),
        ]
        titles, descriptions = set(), set()
        for url in urls:
            html = self.client.get(url).content.decode()
            assert f'<link rel="canonical" href="http://testserver{url}">' in html, url
            titles.add(re.search(r"<title>(.*?)</title>", html, re.S).group(1).strip())
            descriptions.add(
                re.search(
                    r'<meta name="description" content="(.*?)">', html, re.S
                ).group(1)
            )
        self.assertEqual(len(titles), len(urls))
        self.assertEqual(len(descriptions), len(urls))

    def test_every_page_type_has_its_own_title_and_description(self):
        """No two kinds of page share a title or a meta description: not the home
        page, the sign-in and the password reset, nor any other two."""
        category = self.remedy.category
        comment = make_comment(self.page, author=self.member, text="It helped.")
        for _ in range(25):  # a second page of remedies and of ailments
            make_page(make_remedy(category=category), make_ailment())
        visitor = [
            "/",
            "/remedies/",
            "/remedies/?page=2",
            f"/remedies/?category={category.slug}",
            self.remedy.get_absolute_url(),
            self.page.get_absolute_url(),
            "/ailments/",
            "/ailments/?page=2",
            self.ailment.get_absolute_url(),
            "/about/methods/",
            "/about/privacy/",
            "/search/",
            "/search/?q=heat",
            "/search/?q=heat&kind=remedy",
            "/search/?q=zzzzqx",
            "/search/recent/",
            "/accounts/login/",
            "/accounts/signup/",
            "/accounts/password/reset/",
            "/accounts/password/reset/done/",
            "/accounts/password/reset/key/done/",
            "/accounts/confirm-email/",
            "/accounts/inactive/",
            "/no-such-page/",
        ]
        member = [
            "/account/",
            "/account/delete/",
            "/accounts/email/",
            "/accounts/password/change/",
            "/accounts/logout/",
            "/accounts/reauthenticate/",
            reverse("discussions:post_comment", args=["heat", "back"]),
            reverse("discussions:reply", args=[comment.pk]),
            reverse("discussions:edit_comment", args=[comment.pk]),
            reverse("discussions:delete_comment", args=[comment.pk]),
        ]
        seen: dict[str, dict[str, str]] = {"title": {}, "description": {}}
        problems = []

        def read(url):
            response = self.client.get(url)
            assert response.status_code in (200, 404), (url, response.status_code)
            html = response.content.decode()
            found = {
                "title": re.search(r"<title>(.*?)</title>", html, re.S).group(1),
                "description": re.search(
                    r'<meta name="description" content="(.*?)">', html, re.S
                ).group(1),
            }
            for kind, text in found.items():
                text = " ".join(text.split())
                if text in seen[kind]:
                    problems.append(f"{url} has the {kind} of {seen[kind][text]}")
                seen[kind][text] = url

        for url in visitor:
            read(url)
        self.client.force_login(self.other_member)
        read(reverse("discussions:flag_comment", args=[comment.pk]))
        self.client.force_login(self.member)
        for url in member:
            read(url)
        assert problems == []

    def test_canonical_drops_ordering_but_keeps_the_page_number(self):
        r = self.client.get(self.ailment.get_absolute_url(), {"order": "votes"})
        self.assertContains(
            r,
            '<link rel="canonical" href="http://testserver/ailments/back/">',
            html=True,
        )
        r = self.client.get("/remedies/", {"page": "1"})
        self.assertContains(
            r, '<link rel="canonical" href="http://testserver/remedies/">', html=True
        )

    def test_private_and_search_pages_are_not_indexed(self):
        for url in ("/search/?q=heat", "/accounts/login/", "/no-such-page/"):
            self.assertIn(
                '<meta name="robots" content="noindex">',
                self.client.get(url).content.decode(),
                url,
            )

    def test_evidence_page_json_ld_matches_the_page(self):
        data = json_ld(self.client.get(self.page.get_absolute_url()))
        self.assertEqual(data["@type"], "MedicalWebPage")
        self.assertEqual(data["name"], "Heat Therapy for Low back pain")
        self.assertEqual(data["description"], "Warmth eases back pain for a while.")
        self.assertEqual(data["about"]["@type"], "MedicalCondition")
        self.assertEqual(data["about"]["name"], "Low back pain")
        self.assertEqual(data["about"]["alternateName"], ["lumbago", "backache"])
        self.assertEqual(data["mainEntity"]["@type"], "MedicalTherapy")
        self.assertEqual(data["mainEntity"]["name"], "Heat Therapy")
        self.assertEqual(data["lastReviewed"], "2026-10-01")
        self.assertEqual(data["reviewedBy"]["description"], "a physiotherapist")
        crumbs = data["breadcrumb"]
        self.assertEqual(crumbs["@type"], "BreadcrumbList")
        self.assertEqual(
            [i["name"] for i in crumbs["itemListElement"]],
            ["Home", "Low back pain", "Heat Therapy", "For Low back pain"],
        )
        self.assertEqual(
            crumbs["itemListElement"][-1]["item"],
            "http://testserver/remedies/heat/for/back/",
        )

    def test_remedy_and_ailment_pages_carry_json_ld(self):
        data = json_ld(self.client.get(self.remedy.get_absolute_url()))
        self.assertEqual(data["mainEntity"]["@type"], "MedicalTherapy")
        self.assertEqual([c["name"] for c in data["about"]], ["Low back pain"])
        data = json_ld(self.client.get(self.ailment.get_absolute_url()))
        self.assertEqual(data["about"]["@type"], "MedicalCondition")
        self.assertEqual(
            [t["name"] for t in data["about"]["possibleTreatment"]], ["Heat Therapy"]
        )

    def test_json_ld_cannot_break_out_of_its_script_element(self):
        EvidencePage.objects.filter(pk=self.page.pk).update(
            summary="</script><script>alert(1)</script>"
        )
        html = self.client.get(self.page.get_absolute_url()).content.decode()
        assert "</script><script>alert(1)" not in html
        assert json_ld(self.client.get(self.page.get_absolute_url()))[
            "description"
        ].startswith("</script>")

    def test_open_graph_tags(self):
        r = self.client.get(self.page.get_absolute_url())
        self.assertContains(
            r,
            '<meta property="og:title" content="Heat Therapy for Low back pain">',
            html=True,
        )
        self.assertContains(r, '<meta property="og:type" content="article">', html=True)
        self.assertContains(
            r,
            '<meta property="og:url" content="http://testserver/remedies/heat/for/back/">',
            html=True,
        )
        self.assertContains(r, "twitter:card")
