"""sitemap.xml: published pages only, with when each last changed."""

from django.contrib.sitemaps import Sitemap
from django.db.models import Max
from django.urls import reverse

from ailments.models import Ailment
from remedies.models import EvidencePage, Remedy


class EvidencePageSitemap(Sitemap):
    priority = 0.8

    def items(self):
        return (
            EvidencePage.objects.published()
            .select_related("remedy", "ailment")
            .order_by("pk")
            .only("updated_at", "remedy__slug", "ailment__slug")
        )

    def lastmod(self, page):
        return page.updated_at

    def get_latest_lastmod(self):
        # One aggregate, instead of Django's default walk over every item.
        return EvidencePage.objects.published().aggregate(latest=Max("updated_at"))[
            "latest"
        ]


class RemedySitemap(Sitemap):
    priority = 0.6

    def items(self):
        return Remedy.objects.published().order_by("pk").only("slug", "updated_at")

    def lastmod(self, remedy):
        return remedy.updated_at

    def get_latest_lastmod(self):
        return Remedy.objects.published().aggregate(latest=Max("updated_at"))["latest"]


class AilmentSitemap(Sitemap):
    priority = 0.7

    def items(self):
        return Ailment.objects.published().order_by("pk").only("slug", "updated_at")

    def lastmod(self, ailment):
        return ailment.updated_at

    def get_latest_lastmod(self):
        return Ailment.objects.published().aggregate(latest=Max("updated_at"))["latest"]


class StaticSitemap(Sitemap):
    priority = 0.5

    def items(self):
        return [
            "home",
            "remedies:remedy_list",
            "ailments:ailment_list",
            "methods",
            "privacy",
        ]

    def location(self, name):
        return reverse(name)


SITEMAPS = {
    "pages": EvidencePageSitemap,
    "remedies": RemedySitemap,
    "ailments": AilmentSitemap,
    "site": StaticSitemap,
}
