"""The moderation queue in the admin, with actions offered by permission."""

from django.contrib.auth.models import Permission
from django.urls import reverse

from discussions.models import Comment
from discussions.services import flag_comment
from tests.helpers import make_comment, make_member

from .base import DiscussionTestCase


class ModerationQueueTests(DiscussionTestCase):
    queue = reverse("admin:discussions_flaggedcomment_changelist")
    all_comments = reverse("admin:discussions_comment_changelist")

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.flagged = make_comment(cls.page, author=cls.member, text="Flagged one")
        flag_comment(comment=cls.flagged, member=cls.other_member, reason="harmful")
        cls.hidden = make_comment(
            cls.remedy,
            author=cls.member,
            text="Hidden one",
            state=Comment.State.PENDING,
            flag_count=3,
        )
        cls.quiet = make_comment(cls.page, author=cls.other_member, text="Nobody minds")

    def act(self, action, *comments):
        return self.client.post(
            self.queue,
            {"action": action, "_selected_action": [c.pk for c in comments]},
            follow=True,
        )

    def test_an_editor_sees_the_queue_with_hidden_comments_first(self):
        self.client.force_login(self.editor)
        r = self.client.get(self.queue)
        self.assertEqual(r.status_code, 200)
        html = r.content.decode()
        self.assertLess(html.index("Hidden one"), html.index("Flagged one"))
        self.assertNotIn("Nobody minds", html)
        self.assertContains(r, 'value="approve_comments"')
        self.assertContains(r, 'value="remove_comments"')
        # No hard delete for editors: comments are removed, never erased.
        self.assertNotContains(r, 'value="delete_selected"')
        r = self.client.get(
            reverse("admin:discussions_flaggedcomment_change", args=[self.flagged.pk])
        )
        self.assertContains(r, "Harmful medical advice")

    def test_an_editor_approves_and_removes(self):
        self.client.force_login(self.editor)
        r = self.act("approve_comments", self.hidden)
        self.assertContains(r, "1 comment approved.")
        r = self.act("remove_comments", self.flagged)
        self.assertContains(r, "1 comment removed.")
        self.assertEqual(Comment.objects.get(pk=self.hidden.pk).state, "approved")
        self.assertEqual(Comment.objects.get(pk=self.flagged.pk).state, "removed")
        # Reviewed comments leave the queue.
        r = self.client.get(self.queue)
        self.assertNotContains(r, "Hidden one")
        self.assertNotContains(r, "Flagged one")
        self.assertContains(self.client.get(self.remedy_url), "Hidden one")

    def test_staff_who_may_only_look_get_no_moderation_actions(self):
        viewer = make_member(is_staff=True)
        viewer.user_permissions.add(
            *Permission.objects.filter(
                codename__in=["view_comment", "view_flaggedcomment"]
            )
        )
        self.client.force_login(viewer)
        r = self.client.get(self.queue)
        self.assertEqual(r.status_code, 200)
        self.assertNotContains(r, "approve_comments")
        self.act("remove_comments", self.flagged)
        self.assertEqual(Comment.objects.get(pk=self.flagged.pk).state, "published")

    def test_members_cannot_open_the_admin(self):
        self.client.force_login(self.member)
        r = self.client.get(self.queue)
        self.assertEqual(r.status_code, 302)

    def test_every_comment_can_be_looked_up_but_not_changed_in_the_admin(self):
        self.client.force_login(self.editor)
        r = self.client.get(self.all_comments, {"q": "Nobody"})
        self.assertContains(r, "Nobody minds")
        self.assertNotContains(r, "Flagged one")
        r = self.client.post(
            reverse("admin:discussions_comment_change", args=[self.quiet.pk]),
            {"text": "changed"},
        )
        self.assertEqual(Comment.objects.get(pk=self.quiet.pk).text, "Nobody minds")
