"""Editing: the author within 30 minutes, or an editor; nobody else, whatever the URL says."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from discussions.models import Comment
from discussions.services import delete_comment
from tests.helpers import make_comment, make_member

from .base import HTMX, DiscussionTestCase


class EditCommentTests(DiscussionTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.comment = make_comment(cls.page, author=cls.member, text="Original")
        cls.url = reverse("discussions:edit_comment", args=[cls.comment.pk])

    def text(self):
        return Comment.objects.get(pk=self.comment.pk).text

    def test_a_visitor_is_sent_to_sign_in(self):
        r = self.client.post(self.url, {"text": "Hacked"})
        self.assertEqual(r.status_code, 302)
        self.assertIn("/accounts/login/", r["Location"])
        self.assertEqual(self.text(), "Original")

    def test_the_author_edits_with_a_plain_form(self):
        self.client.force_login(self.member)
        r = self.client.get(self.url)
        self.assertContains(r, "<h1>Edit your comment</h1>")
        self.assertContains(r, ">Original</textarea>")
        r = self.client.post(self.url, {"text": "Better"})
        self.assertRedirects(
            r,
            f"{self.page_url}#comment-{self.comment.pk}",
            fetch_redirect_response=False,
        )
        comment = Comment.objects.get(pk=self.comment.pk)
        self.assertEqual(comment.text, "Better")
        self.assertIsNotNone(comment.edited_at)
        r = self.client.get(self.page_url)
        self.assertContains(r, "Your changes are saved.")
        self.assertContains(r, '<span class="comment__edited">edited</span>')

    def test_the_author_edits_with_htmx(self):
        self.client.force_login(self.member)
        r = self.client.get(self.url, **HTMX)
        assert r.content.decode().lstrip().startswith('<form class="comment-form"')
        self.assertContains(r, f'data-hx-post="{self.url}"')
        r = self.client.post(self.url, {"text": "In place"}, **HTMX)
        self.assertEqual(r["HX-Retarget"], "#discussion")
        self.assertContains(r, "Your changes are saved.")
        self.assertContains(r, "<p>In place</p>")
        self.assertEqual(self.text(), "In place")

    def test_errors_keep_the_text_beside_the_field(self):
        self.client.force_login(self.member)
        for headers in ({}, HTMX):
            r = self.client.post(self.url, {"text": "y" * 5001}, **headers)
            self.assertContains(r, "Please keep it to 5,000 characters or fewer")
            self.assertContains(r, f">{'y' * 5001}</textarea>")
        self.assertEqual(self.text(), "Original")

    def test_after_the_edit_window_the_author_is_told_and_nothing_changes(self):
        Comment.objects.filter(pk=self.comment.pk).update(
            created_at=timezone.now() - timedelta(minutes=31)
        )
        self.client.force_login(self.member)
        for headers in ({}, HTMX):
            r = self.client.post(self.url, {"text": "Too late"}, **headers)
            self.assertContains(
                r, "Comments can be edited for 30 minutes after posting"
            )
            self.assertContains(r, ">Too late</textarea>")
        self.assertEqual(self.text(), "Original")

    def test_another_member_cannot_edit_by_changing_the_id_in_the_url(self):
        self.client.force_login(self.other_member)
        self.assertEqual(self.client.get(self.url).status_code, 403)
        for headers in ({}, HTMX):
            r = self.client.post(self.url, {"text": "Hacked"}, **headers)
            self.assertEqual(r.status_code, 403)
        self.assertEqual(self.text(), "Original")

    def test_staff_without_the_permission_cannot_edit(self):
        self.client.force_login(make_member(is_staff=True))
        self.assertEqual(self.client.post(self.url, {"text": "No"}).status_code, 403)

    def test_an_editor_edits_any_comment_at_any_time(self):
        Comment.objects.filter(pk=self.comment.pk).update(
            created_at=timezone.now() - timedelta(days=5)
        )
        self.client.force_login(self.editor)
        r = self.client.get(self.url)
        self.assertContains(r, "<h1>Edit the comment by Alice</h1>")
        r = self.client.post(self.url, {"text": "Corrected by an editor"}, **HTMX)
        self.assertContains(r, "Corrected by an editor")
        self.assertEqual(self.text(), "Corrected by an editor")

    def test_a_deleted_comment_cannot_be_edited(self):
        delete_comment(comment=self.comment, by=self.member)
        self.client.force_login(self.member)
        self.assertEqual(self.client.post(self.url, {"text": "Back"}).status_code, 403)
        self.client.force_login(self.editor)
        self.assertEqual(self.client.post(self.url, {"text": "Back"}).status_code, 403)
