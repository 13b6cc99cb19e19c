"""Replying: nested to a bounded depth, plain and with htmx, members only."""

import uuid

from django.test import override_settings
from django.urls import reverse

from discussions.models import MAX_DEPTH, Comment
from discussions.services import delete_comment
from remedies.models import Remedy
from tests.helpers import make_comment

from .base import HTMX, DiscussionTestCase


class ReplyTests(DiscussionTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.root = make_comment(cls.page, author=cls.other_member, text="Root")
        cls.url = reverse("discussions:reply", args=[cls.root.pk])

    def reply(self, text="Thanks, that helps.", url=None, **headers):
        return self.client.post(
            url or self.url, {"text": text, "token": str(uuid.uuid4())}, **headers
        )

    def test_a_visitor_is_sent_to_sign_in_and_back_to_the_comment(self):
        r = self.reply()
        self.assertRedirects(
            r,
            "/accounts/login/?next=%2Fremedies%2Fheat%2Ffor%2Fback%2F"
            f"%23comment-{self.root.pk}",
            fetch_redirect_response=False,
        )
        r = self.client.get(self.url)
        self.assertEqual(r.status_code, 302)
        r = self.reply(**HTMX)
        self.assertIn("HX-Redirect", r)
        self.assertEqual(Comment.objects.count(), 1)

    def test_get_shows_the_comment_and_a_reply_form(self):
        self.client.force_login(self.member)
        r = self.client.get(self.url)
        self.assertContains(r, "<h1>Reply to Bob</h1>")
        self.assertContains(r, "<p>Root</p>")
        self.assertContains(
            r, f'<label for="reply-{self.root.pk}-text">Your reply to Bob</label>'
        )
        # On its own page the form posts plainly.
        self.assertNotContains(r, "hx-post")
        # With htmx, only the form, to open under the comment; it takes the focus.
        r = self.client.get(self.url, **HTMX)
        html = r.content.decode()
        assert html.lstrip().startswith('<form class="comment-form"')
        self.assertContains(r, f'data-hx-post="/discussions/{self.root.pk}/reply/"')
        self.assertContains(r, " autofocus>")
        self.assertContains(
            r,
            f'data-hx-get="/discussions/{self.root.pk}/" data-hx-target="#comment-{self.root.pk}"',
        )

    def test_a_member_replies_with_a_plain_form(self):
        self.client.force_login(self.member)
        r = self.reply()
        reply = Comment.objects.get(parent=self.root)
        self.assertRedirects(
            r, f"{self.page_url}#comment-{reply.pk}", fetch_redirect_response=False
        )
        self.assertEqual(
            (reply.depth, reply.thread, reply.evidence_page), (1, self.root, self.page)
        )
        r = self.client.get(self.page_url)
        self.assertContains(r, "Your reply is posted.")
        self.assertContains(r, '<ol class="comments comments--replies">')

    def test_a_member_replies_with_htmx(self):
        self.client.force_login(self.member)
        r = self.reply("In place", **HTMX)
        reply = Comment.objects.get(parent=self.root)
        self.assertEqual(r["HX-Retarget"], "#discussion")
        self.assertContains(r, "Your reply is posted.")
        self.assertContains(
            r,
            f'id="comment-{reply.pk}" tabindex="-1" aria-labelledby="comment-{reply.pk}-meta" autofocus',
        )
        self.assertContains(r, "<span>2 comments</span> <span>2 participants</span>")

    @override_settings(DISCUSSION_POST_INTERVAL=0)
    def test_replies_nest_to_the_depth_limit_then_attach_beside(self):
        self.client.force_login(self.member)
        parent = self.root
        for depth in range(1, MAX_DEPTH):
            self.reply(
                f"Depth {depth}", url=reverse("discussions:reply", args=[parent.pk])
            )
            parent = Comment.objects.get(text=f"Depth {depth}")
            self.assertEqual(parent.depth, depth)
        deepest = parent
        self.reply("Beside", url=reverse("discussions:reply", args=[deepest.pk]))
        beside = Comment.objects.get(text="Beside")
        self.assertEqual(beside.depth, MAX_DEPTH - 1)
        self.assertEqual(beside.parent_id, deepest.parent_id)
        self.assertEqual(beside.thread, self.root)
        r = self.client.get(self.page_url)
        self.assertEqual(
            r.content.decode().count('<ol class="comments comments--replies">'),
            MAX_DEPTH - 1,
        )

    def test_a_deleted_comment_takes_no_replies(self):
        delete_comment(comment=self.root, by=self.other_member)
        self.client.force_login(self.member)
        for headers in ({}, HTMX):
            r = self.reply("Too late", **headers)
            self.assertContains(r, "This comment is no longer open for replies.")
            self.assertContains(r, ">Too late</textarea>")
        self.assertEqual(Comment.objects.count(), 1)

    def test_unverified_members_cannot_reply(self):
        self.client.force_login(self.unverified)
        r = self.reply(**HTMX)
        self.assertContains(r, "Please verify your email address")
        self.assertEqual(Comment.objects.count(), 1)

    def test_replies_share_the_posting_rate_limit(self):
        self.client.force_login(self.member)
        self.reply("One")
        r = self.reply("Two")
        self.assertContains(r, "You can post once every 5 seconds.")

    def test_a_double_submitted_reply_is_stored_once(self):
        self.client.force_login(self.member)
        data = {"text": "Once", "token": str(uuid.uuid4())}
        self.client.post(self.url, data)
        self.client.post(self.url, data, **HTMX)
        self.assertEqual(Comment.objects.filter(parent=self.root).count(), 1)

    def test_a_comment_on_an_unpublished_remedy_is_404(self):
        Remedy.objects.filter(pk=self.remedy.pk).update(is_published=False)
        self.client.force_login(self.member)
        self.assertEqual(self.reply().status_code, 404)
        self.assertEqual(
            self.client.get(reverse("discussions:reply", args=[999])).status_code, 404
        )
