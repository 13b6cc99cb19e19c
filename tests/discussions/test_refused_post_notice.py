"""A refused comment or reply shows its refusal and never a success beside it.

Plain: a "posted" message still waiting from an earlier post (its page did not
show it) is left out of the refusal's page; other messages still show. With
htmx: the discussion's notice of the last post stays on the page when only
the form is swapped, so a refusal empties it out of band.
"""

import re
import uuid

from allauth.account.models import EmailAddress
from django.core.cache import cache
from django.urls import reverse

from discussions.models import Comment
from tests.helpers import PASSWORD, make_comment

from .base import HTMX, DiscussionTestCase

POSTED = "Your comment is posted."
REPLIED = "Your reply is posted."
# The notice's place in the discussion, emptied out of band (htmx, or its
# data- form).
EMPTIED_NOTICE = re.compile(
    r'<div id="discussion-notice" (data-)?hx-swap-oob="true"></div>'
)


class RefusedPostNoticeTests(DiscussionTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.url = reverse("discussions:post_comment", args=["heat", "back"])

    def post(self, text, token=None, **headers):
        data = {"text": text, "token": token or str(uuid.uuid4())}
        return self.client.post(self.url, data, **headers)

    def refusals(self, first_token):
        """Each way a post is refused, with what it says. Run after a post that worked."""
        yield "rate limit", lambda h: self.post("Two", **h), "You can post once every"
        yield (
            "too long",
            lambda h: self.post("x" * 5001, **h),
            "Please keep it to 5,000 characters",
        )
        yield (
            "a used form",
            lambda h: self.post("Something else", token=first_token, **h),
            "This form was already used to post a comment.",
        )

        def unverified(h):
            EmailAddress.objects.filter(user=self.member).update(verified=False)
            return self.post("Two", **h)

        yield "unverified", unverified, "Please verify your email address"

    def test_a_plain_refusal_leaves_out_a_waiting_posted_message(self):
        self.client.force_login(self.member)
        token = str(uuid.uuid4())
        for name, refused, says in self.refusals(token):
            with self.subTest(name):
                cache.clear()
                EmailAddress.objects.filter(user=self.member).update(verified=True)
                Comment.objects.all().delete()
                first = self.post("One", token=token)
                self.assertEqual(first.status_code, 302)
                # Its message waits: the page it leads to was not opened.
                r = refused({})
                self.assertContains(r, says)
                self.assertNotContains(r, POSTED)
                self.assertEqual(Comment.objects.count(), 1)

    def test_other_waiting_messages_still_show_beside_a_refusal(self):
        # Signing in leaves a message for the next page, as posting does.
        r = self.client.post(
            reverse("account_login"),
            {"login": self.member.email, "password": PASSWORD},
        )
        self.assertEqual(r.status_code, 302)
        self.post("One")
        r = self.post("Two")
        self.assertContains(r, "You can post once every 5 seconds.")
        self.assertContains(r, "You’re signed in.")
        self.assertNotContains(r, POSTED)

    def test_an_htmx_refusal_empties_the_notice_of_the_last_post(self):
        self.client.force_login(self.member)
        token = str(uuid.uuid4())
        for name, refused, says in self.refusals(token):
            with self.subTest(name):
                cache.clear()
                EmailAddress.objects.filter(user=self.member).update(verified=True)
                Comment.objects.all().delete()
                first = self.post("One", token=token, **HTMX)
                # The discussion swapped in with the notice in its place.
                self.assertContains(
                    first,
                    '<div id="discussion-notice"><p class="discussion__notice" '
                    f'role="status">{POSTED}</p></div>',
                )
                r = refused(HTMX)
                self.assertContains(r, says)
                self.assertNotContains(r, POSTED)
                self.assertRegex(r.content.decode(), EMPTIED_NOTICE)
                self.assertEqual(Comment.objects.count(), 1)

    def test_a_form_that_works_empties_nothing(self):
        self.client.force_login(self.member)
        r = self.client.get(self.url, **HTMX)
        self.assertNotRegex(r.content.decode(), EMPTIED_NOTICE)
        r = self.post("One", **HTMX)
        self.assertNotRegex(r.content.decode(), EMPTIED_NOTICE)

    def test_a_refused_reply_shows_no_success_plain_or_with_htmx(self):
        root = make_comment(self.page, author=self.other_member, text="Root")
        url = reverse("discussions:reply", args=[root.pk])
        self.client.force_login(self.member)

        def reply(text, **headers):
            data = {"text": text, "token": str(uuid.uuid4())}
            return self.client.post(url, data, **headers)

        self.assertEqual(reply("One").status_code, 302)
        r = reply("Two")
        self.assertContains(r, "You can post once every 5 seconds.")
        self.assertNotContains(r, REPLIED)

        cache.clear()
        self.assertContains(reply("Three", **HTMX), REPLIED)
        r = reply("Four", **HTMX)
        self.assertContains(r, "You can post once every 5 seconds.")
        self.assertNotContains(r, REPLIED)
        self.assertRegex(r.content.decode(), EMPTIED_NOTICE)


class UsedFormTests(DiscussionTestCase):
    """A form whose token already posted is a double submit only with the same text."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.url = reverse("discussions:post_comment", args=["heat", "back"])

    def test_new_text_in_a_used_form_is_refused_kept_and_posts_when_sent_again(self):
        self.client.force_login(self.member)
        token = str(uuid.uuid4())
        self.client.post(self.url, {"text": "One", "token": token})
        cache.clear()
        for headers in ({}, HTMX):
            r = self.client.post(
                self.url, {"text": "Another thought", "token": token}, **headers
            )
            self.assertContains(r, "This form was already used to post a comment.")
            self.assertNotContains(r, POSTED)
            self.assertContains(r, ">Another thought</textarea>")
            self.assertEqual(Comment.objects.count(), 1)
            self.assertEqual(Comment.objects.get().text, "One")
        # The form comes back with a new token: sending it again posts the text.
        new_token = re.search(r'name="token" value="([^"]*)"', r.content.decode())[1]
        self.assertNotEqual(new_token, token)
        r = self.client.post(
            self.url, {"text": "Another thought", "token": new_token}, **HTMX
        )
        self.assertContains(r, POSTED)
        self.assertEqual(
            sorted(Comment.objects.values_list("text", flat=True)),
            ["Another thought", "One"],
        )

    def test_the_same_text_in_another_discussion_is_not_a_double_submit(self):
        self.client.force_login(self.member)
        token = str(uuid.uuid4())
        self.client.post(self.url, {"text": "Same words", "token": token})
        cache.clear()
        remedy_url = reverse("discussions:post_comment", args=["heat"])
        r = self.client.post(remedy_url, {"text": "Same words", "token": token})
        self.assertContains(r, "This form was already used to post a comment.")
        self.assertEqual(Comment.objects.count(), 1)
