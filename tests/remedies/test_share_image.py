"""Share images: a PNG per evidence page, drawn once per version and cached."""

import re
from io import BytesIO
from unittest import mock

from django.core.cache import cache
from django.urls import reverse
from PIL import Image

from remedies import share
from remedies.models import EvidencePage
from tests.helpers import SiteTestCase, make_ailment, make_page, make_remedy
from votes.services import cast_vote


class ShareImageTests(SiteTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.remedy = make_remedy(name="Heat Therapy", slug="heat")
        cls.ailment = make_ailment(name="Low back pain", slug="back")
        cls.page = make_page(cls.remedy, cls.ailment, up=8, down=2)
        cls.url = reverse("remedies:share_image", args=["heat", "back"])

    def setUp(self):
        cache.clear()

    def fresh(self) -> EvidencePage:
        return EvidencePage.objects.select_related("remedy", "ailment").get(
            pk=self.page.pk
        )

    def test_a_1200_by_630_png(self):
        r = self.client.get(self.url)
        self.assertEqual(r.status_code, 200)
        self.assertEqual(r["Content-Type"], "image/png")
        image = Image.open(BytesIO(r.content))
        self.assertEqual(image.format, "PNG")
        self.assertEqual(image.size, (1200, 630))

    def test_the_versioned_url_is_cached_for_a_year_and_has_an_etag(self):
        version = share.version(self.fresh())
        r = self.client.get(self.url, {"v": version})
        self.assertEqual(r["Cache-Control"], "public, max-age=31536000, immutable")
        self.assertEqual(r["ETag"], f'"{version}"')
        # The plain URL may change picture at any vote: short, and revalidated.
        r = self.client.get(self.url)
        self.assertEqual(r["Cache-Control"], "public, max-age=300")
        r = self.client.get(self.url, headers={"if-none-match": f'"{version}"'})
        self.assertEqual(r.status_code, 304)
        self.assertEqual(r.content, b"")

    def test_drawn_once_per_version(self):
        with mock.patch.object(share, "draw", wraps=share.draw) as draw:
            first = self.client.get(self.url).content
            second = self.client.get(self.url).content
        self.assertEqual(draw.call_count, 1)
        self.assertEqual(first, second)

    def test_a_vote_makes_a_new_image_and_a_new_url(self):
        before = self.client.get(self.url)
        old_tag = self.client.get(self.page.get_absolute_url()).content.decode()
        cast_vote(member=self.member, page=self.page, value=1)
        after = self.client.get(self.url)
        self.assertNotEqual(before["ETag"], after["ETag"])
        self.assertNotEqual(before.content, after.content)
        new_tag = self.client.get(self.page.get_absolute_url()).content.decode()
        image_url = re.compile(r'<meta property="og:image" content="([^"]+)">')
        self.assertNotEqual(image_url.search(old_tag)[1], image_url.search(new_tag)[1])

    def test_an_unrated_page_draws_too(self):
        make_page(make_remedy(slug="cold"), self.ailment)
        r = self.client.get(reverse("remedies:share_image", args=["cold", "back"]))
        self.assertEqual(r.status_code, 200)
        self.assertEqual(Image.open(BytesIO(r.content)).size, (1200, 630))
        self.assertIn("not yet rated", share.alt_text(EvidencePage.objects.last()))

    def test_unpublished_pages_have_none(self):
        hidden_remedy = make_page(make_remedy(slug="draft", is_published=False))
        hidden_ailment = make_page(
            make_remedy(slug="r2"), make_ailment(slug="a2", is_published=False)
        )
        hidden_page = make_page(make_remedy(slug="r3"), is_published=False)
        self.client.force_login(self.editor)  # not even for editors
        for p in (hidden_remedy, hidden_ailment, hidden_page):
            url = reverse("remedies:share_image", args=[p.remedy.slug, p.ailment.slug])
            self.assertEqual(self.client.get(url).status_code, 404, url)
        self.assertEqual(
            self.client.get(
                reverse("remedies:share_image", args=["heat", "nothing"])
            ).status_code,
            404,
        )

    def test_the_evidence_page_points_link_previews_at_it(self):
        html = self.client.get(self.page.get_absolute_url()).content.decode()
        version = share.version(self.fresh())
        image = f"http://testserver/remedies/heat/for/back/share.png?v={version}"
        self.assertIn(f'<meta property="og:image" content="{image}">', html)
        self.assertIn(f'<meta name="twitter:image" content="{image}">', html)
        self.assertIn('<meta property="og:image:width" content="1200">', html)
        self.assertIn('<meta property="og:image:height" content="630">', html)
        alt = "Heat Therapy for Low back pain: 80% of 10 members found it helpful. Remedies."
        self.assertIn(f'<meta property="og:image:alt" content="{alt}">', html)
        self.assertIn('<meta name="twitter:card" content="summary_large_image">', html)
        # The image the page names is the one served, for a year.
        r = self.client.get(image.removeprefix("http://testserver"))
        self.assertEqual(r.status_code, 200)
        self.assertIn("immutable", r["Cache-Control"])
