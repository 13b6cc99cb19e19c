"""Flagging: once per member, with a reason; past the threshold, hidden pending review."""

from django.test import override_settings
from django.urls import reverse

from discussions.models import Comment, Flag
from tests.helpers import make_comment, make_member

from .base import HTMX, DiscussionTestCase


class FlagCommentTests(DiscussionTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.comment = make_comment(
            cls.page, author=cls.member, text="Stop your medicine!"
        )
        cls.url = reverse("discussions:flag_comment", args=[cls.comment.pk])

    def comment_state(self):
        return Comment.objects.values_list("state", "flag_count").get(
            pk=self.comment.pk
        )

    def test_a_visitor_is_sent_to_sign_in(self):
        r = self.client.post(self.url, {"reason": "spam"})
        self.assertIn("/accounts/login/", r["Location"])
        self.assertEqual(Flag.objects.count(), 0)

    def test_get_shows_the_reasons(self):
        self.client.force_login(self.other_member)
        r = self.client.get(self.url)
        self.assertContains(r, "<legend>Why should editors look at it?</legend>")
        for label in (
            "Spam or advertising",
            "Harmful medical advice",
            "Abuse or harassment",
            "Something else",
        ):
            self.assertContains(r, label)
        r = self.client.get(self.url, **HTMX)
        assert r.content.decode().lstrip().startswith('<form class="comment-form"')

    def test_a_member_flags_with_a_plain_form(self):
        self.client.force_login(self.other_member)
        r = self.client.post(self.url, {"reason": "harmful", "note": "Dangerous"})
        self.assertRedirects(
            r,
            f"{self.page_url}#comment-{self.comment.pk}",
            fetch_redirect_response=False,
        )
        flag = Flag.objects.get()
        self.assertEqual(
            (flag.member, flag.reason, flag.note),
            (self.other_member, "harmful", "Dangerous"),
        )
        self.assertEqual(self.comment_state(), ("published", 1))
        self.assertContains(
            self.client.get(self.page_url), "Editors will review this comment."
        )

    def test_a_member_flags_with_htmx_and_only_once(self):
        self.client.force_login(self.other_member)
        r = self.client.post(self.url, {"reason": "spam"}, **HTMX)
        self.assertEqual(r["HX-Retarget"], "#discussion")
        self.assertContains(r, "Thank you. Editors will review this comment.")
        r = self.client.post(self.url, {"reason": "abuse"}, **HTMX)
        self.assertContains(r, "You have already flagged this comment.")
        self.assertEqual(Flag.objects.count(), 1)
        self.assertEqual(self.comment_state(), ("published", 1))

    def test_a_reason_is_required_and_checked(self):
        self.client.force_login(self.other_member)
        for data in ({}, {"reason": "boring"}):
            r = self.client.post(self.url, data)
            self.assertEqual(r.status_code, 200)
            self.assertContains(r, 'class="field__error"')
        r = self.client.post(self.url, {"reason": "other", "note": "n" * 301}, **HTMX)
        self.assertContains(r, "Ensure this value has at most 300 characters")
        self.assertEqual(Flag.objects.count(), 0)

    def test_nobody_flags_their_own_comment(self):
        self.client.force_login(self.member)
        self.assertEqual(
            self.client.post(self.url, {"reason": "spam"}).status_code, 403
        )
        self.assertEqual(Flag.objects.count(), 0)

    @override_settings(DISCUSSION_FLAG_THRESHOLD=3)
    def test_past_the_threshold_the_comment_is_hidden_pending_review(self):
        reply = make_comment(
            parent=self.comment, author=self.other_member, text="Reply stays"
        )
        for flagger in (make_member(), make_member()):
            self.client.force_login(flagger)
            self.client.post(self.url, {"reason": "harmful"})
        self.assertEqual(self.comment_state(), ("published", 2))
        self.client.force_login(self.other_member)
        r = self.client.post(self.url, {"reason": "harmful"}, **HTMX)
        self.assertEqual(self.comment_state(), ("pending", 3))
        self.assertContains(r, "[hidden while editors review it]")
        self.assertNotContains(r, "Stop your medicine!")
        self.assertContains(r, "Reply stays")
        # Nobody flags it further, and the visitor's page hides it too.
        r = self.client.post(self.url, {"reason": "spam"})
        self.assertContains(r, "Editors have already reviewed or hidden this comment.")
        self.client.logout()
        r = self.client.get(self.page_url)
        self.assertNotContains(r, "Stop your medicine!")
        self.assertContains(r, f"%23comment-{reply.pk}")

    def test_unverified_members_cannot_flag(self):
        self.client.force_login(self.unverified)
        r = self.client.post(self.url, {"reason": "spam"}, **HTMX)
        self.assertContains(r, "Please verify your email address")
        self.assertEqual(Flag.objects.count(), 0)
