"""Limits: every form field has a maximum length; bodies over the limits get a clear page."""

from __future__ import annotations

import importlib
import inspect

from django import forms
from django.apps import apps
from django.conf import settings
from django.contrib.admin.sites import site as admin_site
from django.test import Client, RequestFactory
from django.utils.module_loading import import_string

from discussions.models import Comment

from .base import SecurityTestCase

PROJECT_APPS = ("accounts", "ailments", "remedies", "votes", "discussions", "search")


def unbounded(form: forms.BaseForm) -> list[str]:
    """Text fields without a maximum length. A UUIDField takes nothing but a
    UUID (at most 45 characters), so it is bounded by what it accepts."""
    return [
        name
        for name, field in form.fields.items()
        if isinstance(field, forms.CharField)
        and not isinstance(field, forms.UUIDField)
        and field.max_length is None
    ]


class FormFieldLengthTests(SecurityTestCase):
    def instantiate(self, form_class):
        """An unbound form, whatever its constructor asks for."""
        request = RequestFactory().get("/")
        request.user = self.member
        request.session = {}
        for kwargs in (
            {},
            {"user": self.member},
            {"request": request},
            {"user": self.member, "request": request},
            {"email": self.member.email, "request": request},
        ):
            try:
                return form_class(**kwargs)
            except (KeyError, TypeError, AttributeError):
                continue
        raise AssertionError(f"cannot make a {form_class.__name__}")

    def project_forms(self) -> list[type[forms.BaseForm]]:
        found = []
        for label in PROJECT_APPS:
            module_name = f"{apps.get_app_config(label).name}.forms"
            try:
                module = importlib.import_module(module_name)
            except ModuleNotFoundError:
                continue
            found += [
                cls
                for _, cls in inspect.getmembers(module, inspect.isclass)
                if issubclass(cls, forms.BaseForm) and cls.__module__ == module_name
            ]
        return found

    def test_the_project_has_forms_to_check(self):
        names = {cls.__name__ for cls in self.project_forms()}
        self.assertLessEqual(
            {"CommentForm", "EditCommentForm", "FlagForm", "DisplayNameForm"}, names
        )

    def test_every_text_field_of_the_projects_forms_has_a_maximum_length(self):
        for form_class in self.project_forms():
            form = self.instantiate(form_class)
            self.assertEqual(unbounded(form), [], form_class.__name__)

    def test_every_text_field_of_the_sign_in_forms_has_a_maximum_length(self):
        self.assertGreaterEqual(len(settings.ACCOUNT_FORMS), 10)
        for name, path in settings.ACCOUNT_FORMS.items():
            form = self.instantiate(import_string(path))
            self.assertEqual(unbounded(form), [], name)

    def test_every_text_field_of_the_admins_forms_has_a_maximum_length(self):
        request = RequestFactory().get("/admin/")
        request.user = self.superuser
        for model, model_admin in admin_site._registry.items():
            form_class = model_admin.get_form(request)
            self.assertEqual(unbounded(form_class()), [], model._meta.label)
            for inline in model_admin.get_inline_instances(request):
                formset = inline.get_formset(request)
                self.assertEqual(
                    unbounded(formset().empty_form), [], f"{model} {inline}"
                )

    def test_the_admins_member_forms_bound_every_field_passwords_included(self):
        from accounts.models import User

        user_admin = admin_site._registry[User]
        for form in (
            user_admin.add_form(),
            user_admin.change_password_form(self.member),
        ):
            self.assertTrue(form.fields)
            self.assertEqual(unbounded(form), [], type(form).__name__)
        self.client.force_login(self.superuser)
        r = self.client.get(f"/admin/accounts/user/{self.member.pk}/password/")
        self.assertContains(r, 'maxlength="1024"', count=2)

    def test_a_long_password_is_refused_beside_the_field_not_hashed(self):
        r = self.client.post(
            "/accounts/login/",
            {"login": self.member.email, "password": "p" * 5000},
        )
        self.assertEqual(r.status_code, 200)
        self.assertContains(r, "at most 1024 characters")
        self.assertContains(r, 'maxlength="1024"')

    def test_the_comment_token_is_bounded(self):
        self.client.force_login(self.member)
        r = self.client.post(
            f"/discussions/remedies/{self.remedy.slug}/",
            {"text": "Hello", "token": "1" * 10_000},
        )
        self.assertEqual(r.status_code, 200)
        self.assertFalse(Comment.objects.filter(text="Hello").exists())


class BodyLimitTests(SecurityTestCase):
    """Over the limits: a 413 or 400 page, also where the CSRF check reads the body first."""

    def csrf_client(self):
        client = Client(enforce_csrf_checks=True)
        client.force_login(self.member)
        return client

    def test_the_limits_are_set(self):
        self.assertEqual(settings.DATA_UPLOAD_MAX_MEMORY_SIZE, 1024 * 1024)
        self.assertEqual(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS, 1000)
        self.assertEqual(settings.DATA_UPLOAD_MAX_NUMBER_FILES, 0)
        self.assertEqual(settings.FILE_UPLOAD_MAX_MEMORY_SIZE, 1024 * 1024)

    def test_an_oversized_body_is_a_413_page(self):
        big = {"text": "a" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)}
        for client in (self.csrf_client(), self.client):
            for url in (f"/discussions/remedies/{self.remedy.slug}/", "/no-such-page/"):
                r = client.post(url, big)
                self.assertEqual(r.status_code, 413, url)
                self.assertContains(r, "more than we can take", status_code=413)
                self.assertContains(r, "not medical advice", status_code=413)
        self.assertFalse(Comment.objects.filter(text__startswith="aaaa").exists())

    def test_too_many_fields_is_a_400_page(self):
        # Django's CSRF check read these first, and its error page read them again: a 500.
        body = "&".join(
            f"f{i}=x" for i in range(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 1)
        )
        for client in (self.csrf_client(), self.client):
            for url in ("/account/", "/no-such-page/", "/accounts/login/"):
                r = client.generic(
                    "POST", url, body.encode(), "application/x-www-form-urlencoded"
                )
                self.assertEqual(r.status_code, 400, url)
                self.assertContains(r, "We couldn’t read that request", status_code=400)

    def test_a_view_that_reads_the_raw_body_still_can(self):
        # The CSP report endpoint reads request.body, whatever the content type.
        for content_type in (
            "application/csp-report",
            "multipart/form-data; boundary=x",
        ):
            r = self.client.generic("POST", "/csp-report/", b"not json", content_type)
            self.assertEqual(r.status_code, 400, content_type)

    def test_a_nul_byte_never_reaches_the_database(self):
        # PostgreSQL holds no NUL in text: these failed there as server errors.
        client = self.client_for("editor")
        for url in [
            "/admin/remedies/remedy/?q=a%00b",
            "/admin/remedies/study/?kind__exact=%00",
            "/admin/autocomplete/?term=%00&app_label=remedies&model_name=evidencepage&field_name=remedy",
        ]:
            r = client.get(url)
            self.assertContains(r, "We couldn’t read that request", status_code=400)
        r = self.client.get("/remedies/", {"category": "herbal\x00"})
        self.assertContains(r, "We can’t find that page", status_code=404)

    def test_a_file_is_refused(self):
        from django.core.files.uploadedfile import SimpleUploadedFile

        self.client.force_login(self.member)
        r = self.client.post(
            "/account/",
            {"display_name": "X", "avatar": SimpleUploadedFile("a.txt", b"hello")},
        )
        self.assertEqual(r.status_code, 400)
        self.member.refresh_from_db()
        self.assertEqual(self.member.display_name, "Alice")

    def test_a_broken_multipart_body_is_a_400_page(self):
        r = self.csrf_client().generic(
            "POST", "/account/", b"garbage", "multipart/form-data; boundary="
        )
        self.assertEqual(r.status_code, 400)
        self.assertContains(r, "We couldn’t read that request", status_code=400)


class RefusalPageTests(SecurityTestCase):
    """Every refusal is a page of the site that says what happened."""

    def test_a_bad_request_is_a_real_page(self):
        r = self.client.get("/admin/remedies/remedy/", {"_to_field": "password"})
        self.assertIn(r.status_code, {302, 400})
        client = self.client_for("superuser")
        r = client.get("/admin/accounts/user/add/", {"_to_field": "password"})
        self.assertEqual(r.status_code, 400)
        self.assertContains(r, "We couldn’t read that request", status_code=400)
        self.assertContains(r, "/static/css/site.", status_code=400)

    def test_a_forbidden_action_is_a_real_page_that_says_why(self):
        client = self.client_for("other")
        r = client.get(f"/discussions/{self.comment.pk}/edit/")
        self.assertContains(r, "You can’t edit this comment.", status_code=403)
        self.assertContains(r, "signed in as Bob", status_code=403)
        self.assertContains(r, "/static/css/site.", status_code=403)

    def test_a_form_without_its_csrf_token_is_a_real_page(self):
        client = Client(enforce_csrf_checks=True)
        client.force_login(self.member)
        r = client.post(f"/discussions/{self.comment.pk}/edit/", {"text": "Edited"})
        self.assertContains(r, "This form has expired", status_code=403)
        self.assertContains(r, "/static/css/site.", status_code=403)
        self.comment.refresh_from_db()
        self.assertEqual(self.comment.text, "Mine")
