from django.contrib.auth.models import Group
from django.urls import reverse

from accounts.editors import GROUP_NAME, codenames
from remedies.models import EvidencePage, Remedy, Study
from tests.helpers import (
    SiteTestCase,
    make_ailment,
    make_category,
    make_member,
    make_page,
    make_product,
    make_remedy,
    make_study,
    session_queries,
)


def management(prefix: str, total: int = 0, initial: int = 0) -> dict:
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def remedy_form(category, **overrides) -> dict:
    data = {
        "name": "Foam rolling",
        "slug": "foam-rolling",
        "category": str(category.pk),
        "synonyms": "myofascial release",
        "what_it_is": "Rolling a firm foam cylinder under tight muscles.",
        "how_it_works": "Pressure and movement ease stiffness.",
        "why_it_matters": "It is cheap and safe to try at home.",
        "considerations": "Avoid rolling directly over bones or joints.",
        "safety_rating": "9",
        "safety_note": "Bruising is the usual risk.",
        "is_published": "on",
        **management("evidence_pages"),
        **management("products"),
    }
    data.update(overrides)
    return data


def page_form(remedy, ailment, studies, **overrides) -> dict:
    data = {
        "remedy": str(remedy.pk),
        "ailment": str(ailment.pk),
        "is_published": "on",
        "summary": "Foam rolling can ease tight thighs for a while.",
        "red_flags": "",
        "why_it_works": "It reduces the feeling of stiffness.",
        "how_to_intro": "",
        "how_to_outro": "",
        "warnings": "Stop if it causes sharp pain.",
        "grade": "C",
        "reviewed_on": "2026-11-01",
        "reviewed_by": "a physiotherapist",
        **management("steps", total=2),
        "steps-0-position": "1",
        "steps-0-title": "Roll the outer thigh",
        "steps-0-instructions": "Lie on your side with the roller under the thigh.",
        "steps-0-reps": "10 slow passes",
        "steps-1-position": "2",
        "steps-1-title": "Roll the calf",
        "steps-1-instructions": "Sit with the roller under your calf.",
        "steps-1-hold": "Hold 20 s on tender spots",
        **management("citations", total=len(studies)),
    }
    for i, study in enumerate(studies):
        data[f"citations-{i}-position"] = str(i + 1)
        data[f"citations-{i}-study"] = str(study.pk)
        data[f"citations-{i}-note"] = "Supports short-term relief."
    data.update(overrides)
    return data


class AccessTests(SiteTestCase):
    def test_editors_group_has_exactly_the_content_permissions(self):
        group = Group.objects.get(name=GROUP_NAME)
        granted = {
            (p.content_type.app_label, p.codename) for p in group.permissions.all()
        }
        self.assertEqual(granted, codenames())
        assert not any(app in {"auth", "accounts"} for app, _ in granted)

    def test_editor_reaches_the_content_admin_but_not_user_management(self):
        self.client.force_login(self.editor)
        self.assertEqual(self.client.get("/admin/").status_code, 200)
        for model in ("remedy", "evidencepage", "study", "product", "category"):
            url = reverse(f"admin:remedies_{model}_changelist")
            self.assertEqual(self.client.get(url).status_code, 200, model)
        self.assertEqual(
            self.client.get(reverse("admin:ailments_ailment_changelist")).status_code,
            200,
        )
        self.assertEqual(
            self.client.get(reverse("admin:accounts_user_changelist")).status_code, 403
        )
        self.assertEqual(
            self.client.get(reverse("admin:auth_group_changelist")).status_code, 403
        )

    def test_member_is_refused(self):
        self.client.force_login(self.member)
        r = self.client.get("/admin/", follow=True)
        self.assertEqual(r.status_code, 403)
        r = self.client.post(
            reverse("admin:remedies_remedy_add"), remedy_form(make_category())
        )
        self.assertIn(r.status_code, (302, 403))
        self.assertFalse(Remedy.objects.filter(slug="foam-rolling").exists())

    def test_superuser_sees_everything(self):
        boss = make_member(is_staff=True, is_superuser=True)
        self.client.force_login(boss)
        self.assertEqual(
            self.client.get(reverse("admin:accounts_user_changelist")).status_code, 200
        )


class CurationTests(SiteTestCase):
    def setUp(self):
        super().setUp()
        self.client.force_login(self.editor)

    def test_editor_creates_a_remedy_and_evidence_page_and_it_is_public(self):
        category = make_category(name="Self-care")
        ailment = make_ailment(name="Tight thighs", slug="tight-thighs")
        studies = [
            make_study(title="Foam rolling trial"),
            make_study(title="Rolling review"),
        ]

        r = self.client.post(
            reverse("admin:remedies_remedy_add"), remedy_form(category)
        )
        self.assertEqual(r.status_code, 302, r.content[:2000])
        remedy = Remedy.objects.get(slug="foam-rolling")

        r = self.client.post(
            reverse("admin:remedies_evidencepage_add"),
            page_form(remedy, ailment, studies),
        )
        self.assertEqual(r.status_code, 302, r.content[:3000])
        page = EvidencePage.objects.get(remedy=remedy, ailment=ailment)
        self.assertEqual(
            [s.title for s in page.steps.all()],
            ["Roll the outer thigh", "Roll the calf"],
        )

        self.client.logout()
        public = self.client.get("/remedies/foam-rolling/for/tight-thighs/")
        self.assertContains(public, "Roll the outer thigh")
        self.assertContains(public, "Foam rolling trial")
        self.assertContains(public, "Not yet rated")

    def test_autocomplete_finds_studies_remedies_and_ailments(self):
        make_study(title="Graded walking trial")
        make_remedy(name="Walking programme")
        make_ailment(name="Knee osteoarthritis")
        for model, field, term, expected in (
            ("citation", "study", "graded", "Graded walking trial"),
            ("evidencepage", "remedy", "walk", "Walking programme"),
            ("evidencepage", "ailment", "knee", "Knee osteoarthritis"),
        ):
            r = self.client.get(
                "/admin/autocomplete/",
                {
                    "term": term,
                    "app_label": "remedies",
                    "model_name": model,
                    "field_name": field,
                },
            )
            self.assertEqual(r.status_code, 200)
            self.assertIn(
                expected, [row["text"].split(" (")[0] for row in r.json()["results"]]
            )

    def test_unpublishing_hides_the_page_from_visitors_and_editors_preview_it(self):
        page = make_page(make_remedy(slug="draftable"), make_ailment(slug="x"))
        url = page.get_absolute_url()
        r = self.client.post(
            reverse("admin:remedies_remedy_changelist"),
            {"action": "unpublish", "_selected_action": [page.remedy.pk]},
        )
        self.assertEqual(r.status_code, 302)
        page.remedy.refresh_from_db()
        self.assertFalse(page.remedy.is_published)
        self.assertContains(self.client.get(url), "Draft: this page is not published")
        self.client.logout()
        self.assertEqual(self.client.get(url).status_code, 404)
        self.assertEqual(
            self.client.get(page.remedy.get_absolute_url()).status_code, 404
        )

    def test_history_shows_who_changed_what_and_restores_it(self):
        category = make_category()
        self.client.post(reverse("admin:remedies_remedy_add"), remedy_form(category))
        remedy = Remedy.objects.get(slug="foam-rolling")
        change = reverse("admin:remedies_remedy_change", args=[remedy.pk])
        r = self.client.post(
            change, remedy_form(category, safety_rating="4", safety_note="Wrong.")
        )
        self.assertEqual(r.status_code, 302)

        history = self.client.get(
            reverse("admin:remedies_remedy_history", args=[remedy.pk])
        )
        self.assertContains(history, "Safety rating")
        self.assertContains(history, self.editor.email)
        first = remedy.history.order_by("history_id").first()
        self.assertEqual(first.safety_rating, 9)

        revert = reverse(
            "admin:remedies_remedy_simple_history", args=[remedy.pk, first.history_id]
        )
        self.assertContains(self.client.get(revert), "Revert")
        r = self.client.post(revert, remedy_form(category))
        self.assertEqual(r.status_code, 302)
        remedy.refresh_from_db()
        self.assertEqual(
            (remedy.safety_rating, remedy.safety_note),
            (9, "Bruising is the usual risk."),
        )
        self.assertEqual(remedy.history.count(), 3)


class BadInputTests(SiteTestCase):
    def setUp(self):
        super().setUp()
        self.client.force_login(self.editor)
        self.remedy = make_remedy()
        self.ailment = make_ailment()

    def test_a_second_page_for_the_same_remedy_and_ailment_is_refused(self):
        make_page(self.remedy, self.ailment)
        r = self.client.post(
            reverse("admin:remedies_evidencepage_add"),
            page_form(self.remedy, self.ailment, [], summary="My careful summary"),
        )
        self.assertEqual(r.status_code, 200)
        self.assertContains(
            r, "This remedy already has an evidence page for this ailment."
        )
        self.assertContains(r, "My careful summary")  # nothing typed is lost
        self.assertContains(r, "Roll the outer thigh")
        self.assertEqual(EvidencePage.objects.count(), 1)

    def test_safety_rating_out_of_range_is_refused_beside_the_field(self):
        r = self.client.post(
            reverse("admin:remedies_remedy_add"),
            remedy_form(make_category(), safety_rating="11"),
        )
        self.assertEqual(r.status_code, 200)
        self.assertContains(r, "Ensure this value is less than or equal to 10.")
        self.assertContains(r, "Rolling a firm foam cylinder")

    def test_a_study_needs_a_link_and_valid_identifiers(self):
        add = reverse("admin:remedies_study_add")
        base = {
            "key": "s1",
            "title": "A study",
            "publisher": "BMJ",
            "year": "2020",
            "kind": "trial",
            "url": "",
            "doi": "",
            "pmid": "",
        }
        r = self.client.post(add, base)
        self.assertContains(r, "Give at least one way to find this study")
        r = self.client.post(
            add, {**base, "doi": "doi.org/10.1/x", "pmid": "12ab", "year": "1850"}
        )
        self.assertContains(r, "Enter a DOI like 10.7326/M16-2367")
        self.assertContains(r, "Enter a PubMed ID")
        self.assertContains(r, "Ensure this value is greater than or equal to 1900.")
        self.assertFalse(Study.objects.exists())
        r = self.client.post(add, {**base, "doi": "10.7326/M16-2367"})
        self.assertEqual(r.status_code, 302)

    def test_an_empty_how_to_step_is_refused(self):
        data = page_form(self.remedy, self.ailment, [])
        data["steps-1-title"] = "   "
        data["steps-1-instructions"] = ""
        data["steps-1-hold"] = "Hold 20 s"
        r = self.client.post(reverse("admin:remedies_evidencepage_add"), data)
        self.assertEqual(r.status_code, 200)
        self.assertContains(r, "This field is required.")
        self.assertFalse(EvidencePage.objects.exists())

    def test_a_product_needs_a_disclosure(self):
        r = self.client.post(
            reverse("admin:remedies_product_add"),
            {
                "remedy": str(self.remedy.pk),
                "name": "Mat",
                "description": "A mat.",
                "url": "https://example.com/mat",
                "disclosure": "",
                "position": "0",
            },
        )
        self.assertEqual(r.status_code, 200)
        self.assertContains(r, "This field is required.")


class ChangelistQueryCountTests(SiteTestCase):
    """Changelists run a fixed number of queries whatever the number of rows."""

    def setUp(self):
        super().setUp()
        self.client.force_login(self.editor)

    def grow(self, n):
        for _ in range(n):
            page = make_page(studies=[make_study()])
            make_product(page.remedy)

    def assert_fixed(self, url, queries):
        queries -= 1 - session_queries()  # the session from Redis: no query
        self.grow(2)
        with self.assertNumQueries(queries):
            self.assertEqual(self.client.get(url).status_code, 200)
        self.grow(20)
        with self.assertNumQueries(queries):
            self.client.get(url)

    # Every changelist starts with 4: session (none from Redis), user, the user's own and group
    # permissions (each loaded once per request). Then the count of all rows,
    # the filtered count, and the page of rows with its joins and annotations
    # (3), plus one query per list filter that lists rows of another table.

    def test_remedy_changelist(self):
        # The category filter and the distinct safety ratings filter.
        self.assert_fixed(reverse("admin:remedies_remedy_changelist"), 4 + 3 + 2)

    def test_evidence_page_changelist(self):
        # The ailment and category filters.
        self.assert_fixed(reverse("admin:remedies_evidencepage_changelist"), 4 + 3 + 2)

    def test_study_changelist(self):
        self.assert_fixed(
            reverse("admin:remedies_study_changelist"), 4 + 3 + 1
        )  # years

    def test_product_changelist(self):
        self.assert_fixed(
            reverse("admin:remedies_product_changelist"), 4 + 3 + 1
        )  # categories

    def test_ailment_changelist(self):
        self.assert_fixed(reverse("admin:ailments_ailment_changelist"), 4 + 3)


class SearchFreshnessTests(SiteTestCase):
    """What an editor changes in the admin is what search finds, at once."""

    def setUp(self):
        super().setUp()
        self.client.force_login(self.editor)

    def found(self, term: str) -> str:
        return self.client.get(
            reverse("search:search_results"), {"q": term}
        ).content.decode()

    def test_new_renamed_unpublished_and_deleted_content_is_searched_as_it_is(self):
        category = make_category()
        self.client.post(reverse("admin:remedies_remedy_add"), remedy_form(category))
        remedy = Remedy.objects.get(slug="foam-rolling")
        assert "/remedies/foam-rolling/" in self.found("foam rolling")

        change = reverse("admin:remedies_remedy_change", args=[remedy.pk])
        self.client.post(change, remedy_form(category, name="Roller massage"))
        assert "/remedies/foam-rolling/" in self.found("roller massage")

        # Restoring the first version from history restores its name in search.
        first = remedy.history.order_by("history_id").first()
        revert = reverse(
            "admin:remedies_remedy_simple_history", args=[remedy.pk, first.history_id]
        )
        self.client.post(revert, remedy_form(category))
        assert "/remedies/foam-rolling/" in self.found("foam rolling")
        self.client.post(change, remedy_form(category, name="Roller massage"))

        self.client.post(
            reverse("admin:remedies_remedy_changelist"),
            {"action": "unpublish", "_selected_action": [remedy.pk]},
        )
        assert "/remedies/foam-rolling/" not in self.found("roller massage")

        ailment = make_ailment(name="Shin splints", slug="shin-splints")
        self.client.post(
            reverse("admin:remedies_evidencepage_add"),
            page_form(make_remedy(name="Calf raises"), ailment, []),
        )
        page = EvidencePage.objects.get(ailment=ailment)
        assert page.get_absolute_url() in self.found("outer thigh")  # a step's text

        self.client.post(
            reverse("admin:remedies_evidencepage_delete", args=[page.pk]),
            {"post": "yes"},
        )
        assert page.get_absolute_url() not in self.found("outer thigh")
