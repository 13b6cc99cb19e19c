"""Deleting: confirm on GET, act on POST; soft, so replies stay readable."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from discussions.models import Comment
from tests.helpers import make_comment, make_member

from .base import HTMX, DiscussionTestCase


class DeleteCommentTests(DiscussionTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.comment = make_comment(
            cls.page,
            author=cls.member,
            text="Regret this",
            created_at=timezone.now() - timedelta(days=3),
        )
        cls.reply = make_comment(
            parent=cls.comment, author=cls.other_member, text="A reply"
        )
        cls.url = reverse("discussions:delete_comment", args=[cls.comment.pk])

    def state(self):
        return Comment.objects.values_list("state", "text").get(pk=self.comment.pk)

    def test_a_visitor_is_sent_to_sign_in(self):
        r = self.client.post(self.url)
        self.assertIn("/accounts/login/", r["Location"])
        self.assertEqual(self.state(), ("published", "Regret this"))

    def test_get_only_asks_for_confirmation(self):
        self.client.force_login(self.member)
        r = self.client.get(self.url)
        self.assertContains(r, "<h1>Delete your comment?</h1>")
        self.assertContains(r, "Delete comment</button>")
        r = self.client.get(self.url, **HTMX)
        assert (
            r.content.decode()
            .lstrip()
            .startswith('<form class="comment-form comment-form--confirm"')
        )
        self.assertContains(r, f'data-hx-post="{self.url}"')
        self.assertEqual(self.state(), ("published", "Regret this"))

    def test_the_author_deletes_any_time_and_the_replies_stay(self):
        self.client.force_login(self.member)
        r = self.client.post(self.url)
        self.assertRedirects(
            r,
            f"{self.page_url}#comment-{self.comment.pk}",
            fetch_redirect_response=False,
        )
        # The text is gone from the database, not just hidden.
        self.assertEqual(self.state(), ("deleted", ""))
        r = self.client.get(self.page_url)
        self.assertContains(r, "Your comment is deleted.")
        self.assertContains(r, "[deleted]")
        self.assertNotContains(r, "Regret this")
        self.assertContains(r, "A reply")
        self.assertContains(r, "<span>1 comment</span>")

    def test_the_author_deletes_with_htmx(self):
        self.client.force_login(self.member)
        r = self.client.post(self.url, **HTMX)
        self.assertEqual(r["HX-Retarget"], "#discussion")
        self.assertContains(r, "Your comment is deleted.")
        self.assertContains(r, '<p class="comment__placeholder">[deleted]</p>')
        self.assertContains(r, "A reply")
        self.assertEqual(self.state(), ("deleted", ""))

    def test_another_member_cannot_delete_by_changing_the_id_in_the_url(self):
        self.client.force_login(self.other_member)
        self.assertEqual(self.client.get(self.url).status_code, 403)
        for headers in ({}, HTMX):
            self.assertEqual(self.client.post(self.url, **headers).status_code, 403)
        self.client.force_login(make_member(is_staff=True))
        self.assertEqual(self.client.post(self.url).status_code, 403)
        self.assertEqual(self.state(), ("published", "Regret this"))

    def test_an_editor_removes_a_comment_and_the_text_is_kept_for_the_record(self):
        self.client.force_login(self.editor)
        r = self.client.get(self.url)
        self.assertContains(r, "<h1>Remove the comment by Alice?</h1>")
        r = self.client.post(self.url, **HTMX)
        self.assertContains(r, "The comment is removed.")
        self.assertContains(r, "[removed by an editor]")
        self.assertNotContains(r, "Regret this")
        self.assertEqual(self.state(), ("removed", "Regret this"))
        comment = Comment.objects.get(pk=self.comment.pk)
        self.assertEqual(comment.reviewed_by, self.editor)

    def test_deleting_twice_is_refused(self):
        self.client.force_login(self.member)
        self.client.post(self.url)
        self.assertEqual(self.client.post(self.url).status_code, 403)
