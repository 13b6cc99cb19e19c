"""An admin action sent with a selection that is not a list of ids: refused with a message."""

from django.contrib.admin.sites import site as admin_site
from django.test import RequestFactory, TestCase

from remedies.models import Remedy
from tests.helpers import make_comment, make_editor, make_member, make_page


class TamperedActionTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.editor = make_editor()
        cls.page = make_page()
        cls.comment = make_comment(cls.page)

    def setUp(self):
        self.client.force_login(self.editor)

    def test_a_selection_that_is_no_id_changes_nothing(self):
        for url, action in [
            ("/admin/remedies/remedy/", "unpublish"),
            ("/admin/remedies/evidencepage/", "mark_reviewed_today"),
            ("/admin/discussions/comment/", "remove_comments"),
        ]:
            r = self.client.post(
                url,
                {
                    "action": action,
                    "_selected_action": [str(self.page.remedy.pk), "abc", "1.5"],
                    "index": "0",
                },
            )
            self.assertEqual(r.status_code, 302, url)
            r = self.client.get(r["Location"])
            self.assertContains(r, "not a valid selection")
        self.assertTrue(Remedy.objects.get(pk=self.page.remedy.pk).is_published)

    def test_no_registered_admin_fails_on_a_tampered_selection(self):
        # Django's groups and allauth's email addresses included.
        superuser = make_member(is_staff=True, is_superuser=True)
        self.client.force_login(superuser)
        request = RequestFactory().get("/admin/")
        request.user = superuser
        tried = []
        for model, model_admin in admin_site._registry.items():
            actions = list(model_admin.get_actions(request))
            if not actions:
                continue  # a read-only changelist (the search index)
            url = f"/admin/{model._meta.app_label}/{model._meta.model_name}/"
            tried.append(model._meta.label)
            with self.subTest(url=url):
                r = self.client.post(
                    url,
                    {
                        "action": actions[0],
                        "_selected_action": ["1", "abc"],
                        "index": "0",
                    },
                )
                self.assertEqual(r.status_code, 302)
                r = self.client.get(r["Location"])
                self.assertContains(r, "not a valid selection")
        self.assertIn("auth.Group", tried)
        self.assertIn("account.EmailAddress", tried)
