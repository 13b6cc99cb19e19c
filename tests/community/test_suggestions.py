"""Members suggest, editors decide: the forms (errors beside each field, the
rate limit), the editors' decision in the admin, and the member's view of it."""

from __future__ import annotations

from django.core import mail
from django.test import TransactionTestCase, override_settings

from community.models import Activity, Notice, Suggestion
from remedies.models import EvidencePage, Remedy
from tests.helpers import (
    SiteTestCase,
    make_ailment,
    make_editor,
    make_member,
    make_page,
    make_remedy,
)

from .helpers import run_tasks

HTMX = {"HTTP_HX_REQUEST": "true"}
DETAILS = "Tart cherry juice before bed; two small trials found longer sleep."


class SuggestionFormTests(SiteTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.remedy = make_remedy(name="Heat Therapy", slug="heat")
        cls.ailment = make_ailment(
            name="Low back pain", slug="back", synonyms="Lumbago"
        )
        cls.other_ailment = make_ailment(name="Insomnia", slug="insomnia")
        cls.page = make_page(cls.remedy, cls.ailment)

    def test_visitors_are_sent_to_sign_in_and_back(self):
        r = self.client.get("/suggest/correction/remedies/heat/for/back/")
        self.assertEqual(
            r["Location"],
            "/accounts/login/?next=%2Fsuggest%2Fcorrection%2Fremedies%2Fheat%2Ffor%2Fback%2F",
        )

    def test_the_pages_and_lists_link_to_the_forms(self):
        for url, link in [
            ("/remedies/heat/", "/suggest/correction/remedies/heat/"),
            ("/ailments/back/", "/suggest/correction/ailments/back/"),
            ("/ailments/back/", "/suggest/pair/?ailment=back"),
            ("/remedies/", "/suggest/remedy/"),
            ("/ailments/", "/suggest/pair/"),
        ]:
            self.assertContains(self.client.get(url), f'href="{link}"', msg_prefix=url)

    def test_a_new_remedy(self):
        self.client.force_login(self.member)
        r = self.client.post(
            "/suggest/remedy/",
            {"name": "  Tart   cherry juice ", "details": DETAILS, "source": ""},
        )
        self.assertEqual(r["Location"], "/account/#suggestions")
        s = Suggestion.objects.get()
        self.assertEqual(
            (s.kind, s.remedy_name, s.member, s.status),
            ("remedy", "Tart cherry juice", self.member, "pending"),
        )
        r = self.client.get("/account/")
        self.assertContains(r, "A new remedy: Tart cherry juice")
        self.assertContains(r, "Waiting for an editor")

    def test_errors_show_beside_each_field_with_what_was_typed_kept(self):
        self.client.force_login(self.member)
        r = self.client.post(
            "/suggest/remedy/",
            {"name": "Heat therapy", "details": "Short", "source": "my aunt"},
        )
        self.assertEqual(r.status_code, 200)
        self.assertContains(r, 'id="id_name-error"')
        self.assertContains(r, "Heat therapy is already on the site")
        self.assertContains(r, 'id="id_details-error"')
        self.assertContains(r, "at least 15 characters")
        self.assertContains(r, 'id="id_source-error"')
        self.assertContains(r, "We could not read that as a source.")
        self.assertContains(r, 'value="my aunt"')
        self.assertContains(r, 'aria-invalid="true"', count=3)
        self.assertFalse(Suggestion.objects.exists())

    def test_a_remedy_for_an_ailment_by_name_or_synonym_and_its_errors(self):
        self.client.force_login(self.member)
        r = self.client.get("/suggest/pair/?ailment=back&remedy=heat")
        self.assertContains(r, 'value="Heat Therapy"')
        self.assertContains(r, 'value="Low back pain"')
        r = self.client.post(
            "/suggest/pair/",
            {"remedy": "heat therapy", "ailment": "lumbago", "details": DETAILS},
        )
        self.assertContains(r, "already has its page: suggest a correction there")
        r = self.client.post(
            "/suggest/pair/",
            {"remedy": "Turmeric", "ailment": "Gout", "details": DETAILS},
        )
        self.assertContains(r, "suggest it as a new remedy instead")
        self.assertContains(r, "No ailment by that name is on the site")
        r = self.client.post(
            "/suggest/pair/",
            {"remedy": "heat therapy", "ailment": "insomnia", "details": DETAILS},
            **HTMX,
        )
        self.assertEqual(r["HX-Redirect"], "/account/#suggestions")
        s = Suggestion.objects.get()
        self.assertEqual((s.remedy, s.ailment), (self.remedy, self.other_ailment))

    def test_a_correction_needs_a_source_a_url_doi_or_pmid(self):
        self.client.force_login(self.member)
        url = "/suggest/correction/remedies/heat/for/back/"
        page = self.page.get_absolute_url()
        r = self.client.post(url, {"details": "The hold time should be 30 s."})
        self.assertContains(r, "Give a source for the correction.")
        for source, stored in [
            (
                "https://www.nice.org.uk/guidance/ng59",
                "https://www.nice.org.uk/guidance/ng59",
            ),
            ("doi:10.7326/M16-2367", "doi:10.7326/M16-2367"),
            ("PMID: 28192789", "PMID 28192789"),
        ]:
            r = self.client.post(
                url,
                {
                    "details": "The hold time should be 30 s.",
                    "source": source,
                    "next": page,
                },
            )
            self.assertEqual(r["Location"], page)
            self.assertEqual(Suggestion.objects.latest("pk").source, stored)
        s = Suggestion.objects.latest("pk")
        self.assertEqual(
            (s.kind, s.evidence_page, s.target), ("correction", self.page, self.page)
        )
        for bad in ["10.1/x", "PMID 0123", "https://", "ftp://example.org/x"]:
            r = self.client.post(
                url, {"details": "The hold time is wrong.", "source": bad}
            )
            self.assertContains(r, 'id="id_source-error"', msg_prefix=bad)

    def test_an_unverified_member_is_asked_to_verify_first(self):
        self.client.force_login(self.unverified)
        r = self.client.post(
            "/suggest/remedy/", {"name": "Yoga nidra", "details": DETAILS}
        )
        self.assertContains(r, "Please verify your email address")
        self.assertFalse(Suggestion.objects.exists())

    @override_settings(COMMUNITY_SUGGESTIONS_PER_DAY=2)
    def test_suggestions_are_rate_limited_with_the_text_kept(self):
        self.client.force_login(self.member)
        for i in range(2):
            self.client.post(
                "/suggest/remedy/", {"name": f"Remedy idea {i}", "details": DETAILS}
            )
        r = self.client.post(
            "/suggest/remedy/", {"name": "One more", "details": DETAILS}
        )
        self.assertContains(r, "You can make 2 suggestions a day")
        self.assertContains(r, 'value="One more"')
        self.assertEqual(Suggestion.objects.count(), 2)


@override_settings(DISCUSSION_POST_INTERVAL=0)
class EditorDecisionTests(TransactionTestCase):
    def setUp(self):
        self.member = make_member(display_name="Alice")
        self.editor = make_editor(display_name="Erin")
        self.remedy = make_remedy(name="Heat Therapy", slug="heat")
        self.ailment = make_ailment(name="Insomnia", slug="insomnia")
        self.page = make_page(self.remedy, make_ailment(name="Low back pain"))
        self.client.force_login(self.editor)

    def suggest(self, **fields) -> Suggestion:
        fields.setdefault("details", DETAILS)
        return Suggestion.objects.create(member=self.member, **fields)

    def decide(self, s, **data):
        return self.client.post(f"/admin/community/suggestion/{s.pk}/change/", data)

    def test_the_admin_lists_what_waits_without_members_email_addresses(self):
        s = self.suggest(kind="remedy", remedy_name="Tart cherry juice")
        r = self.client.get("/admin/community/suggestion/?status__exact=pending")
        self.assertContains(r, "Tart cherry juice")
        self.assertContains(r, "Alice")
        self.assertNotContains(r, self.member.email)
        r = self.client.get(f"/admin/community/suggestion/{s.pk}/change/")
        self.assertNotContains(r, self.member.email)
        self.assertContains(r, "Your decision")
        # Filtering by anything but its own filters is refused.
        r = self.client.get(
            f"/admin/community/suggestion/?member__email={self.member.email}"
        )
        self.assertEqual(r.status_code, 400)

    def test_accepting_a_new_remedy_makes_a_linked_draft_and_tells_the_member(self):
        s = self.suggest(kind="remedy", remedy_name="Tart cherry juice")
        r = self.decide(s, decision="accept")
        self.assertContains(r, "Choose a category for the new remedy.")
        r = self.decide(
            s, decision="accept", category=self.remedy.category_id, note="Thanks!"
        )
        self.assertEqual(r.status_code, 302)
        s.refresh_from_db()
        draft = Remedy.objects.get(name="Tart cherry juice")
        self.assertEqual(
            (s.status, s.draft_remedy, s.decided_by), ("accepted", draft, self.editor)
        )
        self.assertFalse(draft.is_published)
        self.assertEqual(draft.what_it_is, DETAILS)
        run_tasks()
        notice = Notice.objects.get(member=self.member)
        self.assertEqual(notice.reason, Notice.Reason.SUGGESTION)
        self.assertIn("accepted", notice.headline)
        [email] = mail.outbox
        self.assertIn("Thanks!", email.body)
        # Decided once: the form has no decision any more, and a forged one is refused.
        r = self.decide(s, decision="decline", note="Changed my mind")
        s.refresh_from_db()
        self.assertEqual(s.status, "accepted")

    def test_accepting_a_remedy_for_an_ailment_makes_a_draft_page(self):
        s = self.suggest(
            kind="pair",
            remedy=self.remedy,
            remedy_name="Heat Therapy",
            ailment=self.ailment,
        )
        self.decide(s, decision="accept")
        s.refresh_from_db()
        page = EvidencePage.objects.get(remedy=self.remedy, ailment=self.ailment)
        self.assertEqual(s.draft_page, page)
        self.assertFalse(page.is_published)

    def test_accepting_a_correction_links_it_to_the_pages_history(self):
        s = self.suggest(
            kind="correction",
            evidence_page=self.page,
            remedy=self.remedy,
            source="PMID 28192789",
        )
        # The editor corrects the page, then accepts.
        self.page.warnings = "Stop if the pain spreads."
        self.page.save()
        self.decide(s, decision="accept")
        s.refresh_from_db()
        record = self.page.history.get(history_id=s.history_id)
        self.assertEqual(record.warnings, "Stop if the pain spreads.")
        self.assertEqual(
            record.history_change_reason,
            f"Correction suggested by a member (suggestion {s.pk})",
        )
        r = self.client.get(f"/admin/community/suggestion/{s.pk}/change/")
        self.assertContains(r, f"/admin/remedies/evidencepage/{self.page.pk}/history/")

    def test_declining_asks_for_a_reason_the_member_then_reads(self):
        s = self.suggest(kind="remedy", remedy_name="Magnet bracelets")
        r = self.decide(s, decision="decline", note="  ")
        self.assertContains(r, "Say why it is declined")
        s.refresh_from_db()
        self.assertEqual(s.status, "pending")
        self.decide(s, decision="decline", note="No trial shows any effect.")
        s.refresh_from_db()
        self.assertEqual(
            (s.status, s.reason), ("declined", "No trial shows any effect.")
        )
        run_tasks()
        self.client.force_login(self.member)
        r = self.client.get("/account/")
        self.assertContains(r, "Declined")
        self.assertContains(r, "The editor’s note: No trial shows any effect.")
        r = self.client.get("/inbox/")
        self.assertContains(r, "Your suggestion was declined: Magnet bracelets")
        self.assertEqual(Activity.objects.filter(kind="decision").count(), 1)

    def test_members_cannot_decide(self):
        s = self.suggest(kind="remedy", remedy_name="Magnet bracelets")
        self.client.force_login(self.member)
        r = self.decide(s, decision="accept")
        self.assertEqual(r.status_code, 302)
        self.assertTrue(r["Location"].startswith("/admin/login/"))
        s.refresh_from_db()
        self.assertEqual(s.status, "pending")
