"""A form that cannot be used now says why, on its own page too (a GET), never an error page."""

from datetime import timedelta

from django.utils import timezone

from discussions.models import Comment
from tests.helpers import make_comment

from .base import DiscussionTestCase


class RefusedFormPageTests(DiscussionTestCase):
    def test_flagging_a_comment_editors_reviewed_says_so(self):
        comment = make_comment(
            self.page, author=self.member, state=Comment.State.APPROVED
        )
        self.client.force_login(self.other_member)
        r = self.client.get(f"/discussions/{comment.pk}/flag/")
        self.assertContains(r, "Editors have already reviewed or hidden this comment.")

    def test_replying_to_a_hidden_comment_says_so(self):
        comment = make_comment(
            self.page, author=self.member, state=Comment.State.PENDING
        )
        self.client.force_login(self.other_member)
        r = self.client.get(f"/discussions/{comment.pk}/reply/")
        self.assertContains(r, "This comment is no longer open for replies.")

    def test_editing_after_the_window_says_so(self):
        comment = make_comment(
            self.page,
            author=self.member,
            created_at=timezone.now() - timedelta(hours=2),
        )
        self.client.force_login(self.member)
        r = self.client.get(f"/discussions/{comment.pk}/edit/")
        self.assertContains(r, "the time for this one is over")
        # The text is still shown, to copy.
        self.assertContains(r, comment.text)
