"""Shared set-up for the discussions tests."""

from __future__ import annotations

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone

from tests.helpers import SiteTestCase, make_ailment, make_page, make_remedy

HTMX = {"HTTP_HX_REQUEST": "true"}


class DiscussionTestCase(SiteTestCase):
    """A remedy with an evidence page; members whose accounts are a month old."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        people = [cls.member, cls.other_member, cls.unverified, cls.editor]
        get_user_model().objects.filter(pk__in=[p.pk for p in people]).update(
            date_joined=timezone.now() - timedelta(days=30)
        )
        for person in people:
            person.refresh_from_db()
        cls.remedy = make_remedy(name="Heat Therapy", slug="heat")
        cls.ailment = make_ailment(name="Low back pain", slug="back")
        cls.page = make_page(cls.remedy, cls.ailment)
        cls.remedy_url = cls.remedy.get_absolute_url()
        cls.page_url = cls.page.get_absolute_url()
