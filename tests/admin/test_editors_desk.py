"""The editors' desk on the admin's first page: what needs editors, each with a
count and a link, and the latest changes; pages past their review date."""

from __future__ import annotations

from datetime import date, timedelta

from django.utils import timezone

from community.models import Suggestion
from discussions.services import flag_comment
from remedies.models import EvidencePage, months_before
from tests.helpers import (
    SiteTestCase,
    make_ailment,
    make_comment,
    make_member,
    make_page,
    make_remedy,
)


class DeskTests(SiteTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        today = timezone.localdate()
        cls.fresh = make_page(reviewed_on=today, review_every=12)
        cls.stale = make_page(reviewed_on=today - timedelta(days=400))
        cls.quarterly = make_page(
            reviewed_on=today - timedelta(days=100), review_every=3
        )
        cls.never = make_page(reviewed_on=None)
        make_page(is_published=False)  # a draft page: not "past review"
        make_remedy(is_published=False)
        make_ailment(is_published=False)
        comment = make_comment(cls.fresh, author=cls.member, text="Buy pills here")
        flag_comment(comment=comment, member=cls.other_member, reason="spam")
        for name in ["Tart cherry juice", "Yoga nidra"]:
            Suggestion.objects.create(
                member=cls.member, kind="remedy", remedy_name=name, details="Helps."
            )
        Suggestion.objects.create(
            member=cls.member,
            kind="remedy",
            remedy_name="Decided",
            details="x",
            status="declined",
        )

    def test_the_index_shows_each_count_with_its_link(self):
        self.client.force_login(self.editor)
        r = self.client.get("/admin/")
        for label, url, count in [
            ("Flagged comments waiting", "/admin/discussions/flaggedcomment/", 1),
            (
                "Suggestions waiting",
                "/admin/community/suggestion/?status__exact=pending",
                2,
            ),
            (
                "Pages past their review date",
                "/admin/remedies/evidencepage/?review=due",
                3,
            ),
            (
                "Draft evidence pages",
                "/admin/remedies/evidencepage/?is_published__exact=0",
                1,
            ),
            ("Draft remedies", "/admin/remedies/remedy/?is_published__exact=0", 1),
            ("Draft ailments", "/admin/ailments/ailment/?is_published__exact=0", 1),
        ]:
            self.assertContains(r, f'<a href="{url}">{label}</a>', msg_prefix=label)
            row = r.content.decode().split(f">{label}</a>")[1].split("</tr>")[0]
            self.assertIn(f"<strong>{count}</strong>", row, label)
        self.assertContains(r, "Latest changes")
        self.assertContains(
            r, f'href="/admin/remedies/evidencepage/{self.never.pk}/history/"'
        )
        # Every link leads somewhere the editor may go.
        for url in [
            "/admin/discussions/flaggedcomment/",
            "/admin/community/suggestion/?status__exact=pending",
            "/admin/remedies/evidencepage/?review=due",
            "/admin/remedies/remedy/?is_published__exact=0",
        ]:
            self.assertEqual(self.client.get(url).status_code, 200, url)

    def test_the_review_filter_lists_the_pages_past_review(self):
        self.client.force_login(self.editor)
        r = self.client.get("/admin/remedies/evidencepage/?review=due")
        shown = set(r.context["cl"].result_list)
        self.assertEqual(shown, {self.stale, self.quarterly, self.never})

    def test_past_review_counts_months_by_the_calendar(self):
        self.assertEqual(months_before(date(2026, 3, 31), 1), date(2026, 2, 28))
        self.assertEqual(months_before(date(2026, 1, 15), 12), date(2025, 1, 15))
        today = date(2026, 6, 1)
        due = EvidencePage.objects.filter(pk__in=[self.fresh.pk]).past_review(today)
        EvidencePage.objects.filter(pk=self.fresh.pk).update(
            reviewed_on=date(2025, 6, 2)
        )
        self.assertFalse(due.exists())
        EvidencePage.objects.filter(pk=self.fresh.pk).update(
            reviewed_on=date(2025, 6, 1)
        )
        self.assertTrue(due.exists())

    def test_the_desk_costs_a_fixed_number_of_queries(self):
        self.client.force_login(self.editor)
        self.client.get("/admin/")
        before = self._queries()
        for _ in range(3):
            make_page(reviewed_on=None)
            Suggestion.objects.create(kind="remedy", remedy_name="More", details="x")
        self.assertEqual(self._queries(), before)

    def _queries(self) -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as ctx:
            self.client.get("/admin/")
        return len(ctx.captured_queries)

    def test_members_never_reach_it(self):
        self.client.force_login(make_member())
        r = self.client.get("/admin/")
        self.assertTrue(r["Location"].startswith("/admin/login/"))
