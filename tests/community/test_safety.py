"""Followers hear of new evidence pages, and, marked apart, of safety updates:
a red flag added, a warning changed, a safety rating or evidence grade gone
down. Each member once, through the editors' own admin forms."""

from __future__ import annotations

from django.core import mail
from django.test import TransactionTestCase

from community import services
from community.models import Activity, Notice
from tests.admin.test_editor_admin import management, page_form, remedy_form
from tests.helpers import make_ailment, make_editor, make_member, make_page, make_remedy
from votes.models import Vote
from votes.services import cast_vote

from .helpers import run_tasks


class SafetyUpdateTests(TransactionTestCase):
    def setUp(self):
        self.editor = make_editor(display_name="Erin")
        self.remedy = make_remedy(name="Heat Therapy", slug="heat", safety_rating=8)
        self.ailment = make_ailment(
            name="Low back pain", slug="back", red_flags="Fever"
        )
        self.page = make_page(
            self.remedy, self.ailment, grade="B", warnings="Stop if it burns."
        )
        # Followers of the remedy, of the ailment, a voter, one who does both,
        # and a member with nothing to do with it.
        self.remedy_fan = make_member(display_name="Rita")
        self.ailment_fan = make_member(display_name="Abe")
        self.voter = make_member(display_name="Val")
        self.both = make_member(display_name="Bo")
        self.bystander = make_member(display_name="Ned")
        services.follow(self.remedy_fan, self.remedy)
        services.follow(self.ailment_fan, self.ailment)
        services.follow(self.both, self.remedy)
        services.follow(self.both, self.ailment)
        cast_vote(member=self.voter, page=self.page, value=Vote.Value.UP)
        cast_vote(member=self.both, page=self.page, value=Vote.Value.DOWN)
        # Editors never hear of their own change.
        services.follow(self.editor, self.remedy)
        self.client.force_login(self.editor)
        run_tasks()
        mail.outbox.clear()

    def save_page(self, **changes):
        data = page_form(
            self.remedy,
            self.ailment,
            [],
            summary=self.page.summary,
            why_it_works=self.page.why_it_works,
            red_flags=self.page.red_flags,
            warnings=self.page.warnings,
            grade=self.page.grade,
            **management("steps"),
        )
        data.update(changes)
        r = self.client.post(
            f"/admin/remedies/evidencepage/{self.page.pk}/change/", data, follow=True
        )
        self.assertEqual(r.status_code, 200)
        self.assertNotContains(r, "errornote")
        run_tasks()
        return r

    def heard(self, kind=Activity.Kind.SAFETY) -> dict[str, int]:
        return {
            m.display_name: Notice.objects.filter(member=m, activity__kind=kind).count()
            for m in [
                self.remedy_fan,
                self.ailment_fan,
                self.voter,
                self.both,
                self.bystander,
                self.editor,
            ]
            if Notice.objects.filter(member=m, activity__kind=kind).exists()
        }

    def test_the_form_says_how_many_will_hear_before_saving(self):
        # Everyone involved but the editor: followers of the remedy or the
        # ailment, and voters on the page.
        r = self.client.get(f"/admin/remedies/evidencepage/{self.page.pk}/change/")
        self.assertContains(r, "is sent as a safety update to 4 members")
        r = self.client.get(f"/admin/remedies/remedy/{self.remedy.pk}/change/")
        self.assertContains(r, "is sent as a safety update to 3 members")
        r = self.client.get(f"/admin/ailments/ailment/{self.ailment.pk}/change/")
        self.assertContains(r, "is sent as a safety update to 3 members")

    def test_a_red_flag_added_reaches_followers_and_voters_once_each(self):
        r = self.save_page(red_flags="Numbness in both legs")
        self.assertContains(r, "Safety update sent to 4 members")
        self.assertEqual(self.heard(), {"Rita": 1, "Abe": 1, "Val": 1, "Bo": 1})
        self.assertEqual(len(mail.outbox), 4)
        email = mail.outbox[0]
        self.assertEqual(email.subject, f"Safety update: {self.page}")
        self.assertIn("SAFETY UPDATE", email.body)
        self.assertIn("- New warning sign: Numbness in both legs", email.body)
        notice = Notice.objects.get(member=self.voter)
        self.assertTrue(notice.is_safety)
        self.assertEqual(notice.reason, Notice.Reason.VOTED)
        self.client.force_login(self.voter)
        r = self.client.get("/inbox/")
        self.assertContains(r, "notice--safety")

    def test_a_changed_warning_and_a_lower_grade_are_safety_updates(self):
        self.save_page(warnings="Stop if it burns or blisters.")
        self.assertEqual(len(self.heard()), 4)
        self.save_page(warnings="Stop if it burns or blisters.", grade="C")
        self.assertEqual(self.heard()["Val"], 2)
        text = Activity.objects.filter(kind="safety").latest("pk").text
        self.assertEqual(
            text, "Evidence grade down from B to C: limited or mixed evidence"
        )

    def test_a_better_grade_or_a_plain_edit_tells_nobody(self):
        self.save_page(grade="A", summary="A better summary.")
        self.assertEqual(self.heard(), {})
        self.assertEqual(mail.outbox, [])

    def test_a_remedys_safety_rating_going_down_reaches_its_followers_and_voters(self):
        data = remedy_form(
            self.remedy.category,
            name=self.remedy.name,
            slug=self.remedy.slug,
            safety_rating="5",
            safety_note="Burns in people with poor feeling in the skin.",
            **management("evidence_pages", total=1, initial=1),
        )
        data.update(
            {
                "evidence_pages-0-id": self.page.pk,
                "evidence_pages-0-remedy": self.remedy.pk,
            }
        )
        r = self.client.post(
            f"/admin/remedies/remedy/{self.remedy.pk}/change/", data, follow=True
        )
        self.assertContains(r, "Safety update sent to 3 members")
        run_tasks()
        self.assertEqual(self.heard(), {"Rita": 1, "Val": 1, "Bo": 1})
        self.assertIn(
            "Safety rating down from 8/10 to 5/10 (Burns in people", mail.outbox[0].body
        )
        # Going up again is good news, not a safety update.
        data["safety_rating"] = "7"
        self.client.post(f"/admin/remedies/remedy/{self.remedy.pk}/change/", data)
        run_tasks()
        self.assertEqual(self.heard()["Val"], 1)

    def test_a_new_evidence_page_reaches_followers_when_published(self):
        other = make_remedy(name="Cold Therapy", slug="cold")
        services.follow(self.bystander, other)
        r = self.client.post(
            "/admin/remedies/evidencepage/add/",
            page_form(other, self.ailment, [], is_published=""),
            follow=True,
        )
        self.assertNotContains(r, "errornote")
        run_tasks()
        # A draft: nothing yet.
        self.assertEqual(self.heard(Activity.Kind.PUBLISHED), {})
        new = other.evidence_pages.get()
        r = self.client.post(
            "/admin/remedies/evidencepage/",
            {"action": "publish", "_selected_action": [new.pk]},
            follow=True,
        )
        run_tasks()
        self.assertEqual(
            self.heard(Activity.Kind.PUBLISHED), {"Abe": 1, "Bo": 1, "Ned": 1}
        )
        self.assertEqual(self.heard(), {})  # news, not a safety update
        subjects = {m.subject for m in mail.outbox}
        self.assertEqual(
            subjects, {"New evidence page: Cold Therapy for Low back pain"}
        )
