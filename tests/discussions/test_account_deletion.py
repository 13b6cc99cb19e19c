"""Deleting an account leaves its comments to "a deleted member", text kept unless chosen."""

from django.contrib.auth import get_user_model
from django.urls import reverse

from accounts.services import delete_account
from discussions.models import Comment
from tests.helpers import PASSWORD, make_comment

from .base import DiscussionTestCase


class AccountDeletionTests(DiscussionTestCase):
    url = reverse("accounts:delete_account")

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.mine = make_comment(cls.page, author=cls.member, text="My story")
        cls.reply = make_comment(
            parent=cls.mine, author=cls.other_member, text="Their answer"
        )

    def test_the_page_offers_to_remove_the_comments(self):
        self.client.force_login(self.member)
        r = self.client.get(self.url)
        self.assertContains(
            r, '<input type="checkbox" name="remove_comments" id="id_remove_comments">'
        )
        self.assertContains(r, "Also remove the text of my comments")

    def test_comments_stay_as_from_a_deleted_member(self):
        self.client.force_login(self.member)
        self.client.post(self.url, {"confirm": "on", "password": PASSWORD})
        self.assertFalse(get_user_model().objects.filter(pk=self.member.pk).exists())
        r = self.client.get(self.page_url)
        self.assertContains(r, '<span class="comment__author">A deleted member</span>')
        self.assertContains(r, "My story")
        self.assertContains(r, "Their answer")

    def test_with_the_box_ticked_their_text_goes_and_replies_stay(self):
        self.client.force_login(self.member)
        self.client.post(
            self.url, {"confirm": "on", "remove_comments": "on", "password": PASSWORD}
        )
        mine = Comment.objects.get(pk=self.mine.pk)
        self.assertEqual((mine.author, mine.state, mine.text), (None, "deleted", ""))
        r = self.client.get(self.page_url)
        self.assertNotContains(r, "My story")
        self.assertContains(r, "[deleted]")
        self.assertContains(r, "Their answer")

    def test_the_service_keeps_comments_by_default(self):
        delete_account(member=self.other_member)
        reply = Comment.objects.get(pk=self.reply.pk)
        self.assertEqual((reply.author, reply.text), (None, "Their answer"))
