"""Ids that cannot exist, in the admin's URLs and forms: not found, or an error beside the field."""

from django.test import TestCase

from remedies.models import EvidencePage, Product
from tests.helpers import make_editor, make_page, make_remedy


class MalformedIdTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.editor = make_editor()
        cls.page = make_page()

    def setUp(self):
        self.client.force_login(self.editor)

    def test_history_pages_of_an_id_that_is_no_number_are_not_found(self):
        for url in [
            "/admin/remedies/category/abc/history/",
            "/admin/remedies/remedy/1.0/history/",
            "/admin/ailments/ailment/%7B%7B7%2A7%7D%7D/history/",
            "/admin/remedies/product/%00/history/",
            "/admin/remedies/remedy/abc/history/1/",
            f"/admin/remedies/remedy/{self.page.remedy.pk}/history/abc/",
        ]:
            self.assertEqual(self.client.get(url).status_code, 404, url)

    def test_a_choice_that_is_no_id_is_refused_beside_the_field(self):
        remedy = make_remedy()
        for url, data, model in [
            (
                "/admin/remedies/product/add/",
                {
                    "remedy": "not-an-id",
                    "name": "Kept name",
                    "url": "https://example.com",
                },
                Product,
            ),
            (
                "/admin/remedies/evidencepage/add/",
                {
                    "remedy": str(remedy.pk),
                    "ailment": "ĉu 🩺",
                    "summary": "Kept summary",
                    "steps-TOTAL_FORMS": "0",
                    "steps-INITIAL_FORMS": "0",
                    "citations-TOTAL_FORMS": "1",
                    "citations-INITIAL_FORMS": "0",
                    "citations-0-study": "1.5",
                },
                EvidencePage,
            ),
        ]:
            before = model.objects.count()
            r = self.client.post(url, data)
            self.assertEqual(r.status_code, 200, url)
            self.assertContains(r, "Select a valid choice")
            self.assertContains(r, "Kept ")
            self.assertEqual(model.objects.count(), before)

    def test_an_empty_to_field_means_the_id(self):
        # Django looked for a field named "" and failed.
        for url in [
            f"/admin/remedies/remedy/{self.page.remedy.pk}/delete/?_to_field=",
            f"/admin/remedies/remedy/{self.page.remedy.pk}/change/?_to_field=",
            f"/admin/remedies/evidencepage/{self.page.pk}/delete/?_to_field=",
        ]:
            self.assertEqual(self.client.get(url).status_code, 200, url)

    def test_a_reverse_relation_as_to_field_is_a_bad_request(self):
        for url in [
            "/admin/remedies/remedy/add/?_to_field=evidence_pages",
            "/admin/remedies/remedy/add/?_to_field=products",
        ]:
            self.assertEqual(self.client.get(url).status_code, 400, url)
