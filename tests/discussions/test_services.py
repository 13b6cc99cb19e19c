"""discussions.services and the rules the database keeps."""

import uuid
from datetime import timedelta

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.test import override_settings
from django.utils import timezone

from discussions import services
from discussions.models import MAX_DEPTH, Comment, Flag
from tests.helpers import make_comment, make_member

from .base import DiscussionTestCase


class ConstraintTests(DiscussionTestCase):
    def test_a_comment_is_on_a_remedy_or_an_evidence_page_never_both_or_neither(self):
        for on in ({}, {"remedy": self.remedy, "evidence_page": self.page}):
            with (
                self.subTest(on=on),
                transaction.atomic(),
                self.assertRaises(IntegrityError),
            ):
                Comment.objects.create(author=self.member, text="x", **on)

    def test_depth_matches_its_place_in_the_thread(self):
        root = make_comment(self.page, author=self.member)
        bad = [
            {"depth": 1},  # top level with a depth
            {"parent": root, "thread": root, "depth": 0},
            {"parent": root, "depth": 1},  # no thread
            {"parent": root, "thread": root, "depth": MAX_DEPTH},
        ]
        for fields in bad:
            with (
                self.subTest(fields=fields),
                transaction.atomic(),
                self.assertRaises(IntegrityError),
            ):
                Comment.objects.create(
                    author=self.member, text="x", evidence_page=self.page, **fields
                )

    def test_a_member_flags_a_comment_once(self):
        c = make_comment(self.page, author=self.member)
        Flag.objects.create(comment=c, member=self.other_member, reason="spam")
        with transaction.atomic(), self.assertRaises(IntegrityError):
            Flag.objects.create(comment=c, member=self.other_member, reason="abuse")


class PostAndReplyTests(DiscussionTestCase):
    def test_a_token_stores_one_comment_however_often_it_is_sent(self):
        token = uuid.uuid4()
        first = services.post_comment(
            author=self.member, target=self.page, text="a", token=token
        )
        again = services.post_comment(
            author=self.member, target=self.page, text="a", token=token
        )
        self.assertEqual(first.pk, again.pk)
        r1 = services.reply(
            author=self.member, parent=first, text="b", token=uuid.uuid4()
        )
        self.assertEqual(Comment.objects.count(), 2)
        self.assertEqual(r1.thread_id, first.pk)

    def test_another_members_token_is_not_theirs_to_reuse(self):
        token = uuid.uuid4()
        services.post_comment(
            author=self.member, target=self.page, text="a", token=token
        )
        with transaction.atomic(), self.assertRaises(IntegrityError):
            services.post_comment(
                author=self.other_member, target=self.page, text="b", token=token
            )

    def test_replies_keep_the_thread_and_target_and_cap_the_depth(self):
        c = services.post_comment(author=self.member, target=self.remedy, text="0")
        chain = [c]
        for i in range(1, MAX_DEPTH + 2):
            chain.append(
                services.reply(author=self.member, parent=chain[-1], text=str(i))
            )
        depths = [x.depth for x in chain]
        self.assertEqual(depths, [0, 1, 2, 3, 3, 3])
        self.assertTrue(all(x.thread_id == c.pk for x in chain[1:]))
        self.assertTrue(all(x.remedy_id == self.remedy.pk for x in chain))
        # Past the deepest level, each reply sits beside the one it answers.
        self.assertEqual(chain[4].parent_id, chain[2].pk)
        self.assertEqual(chain[5].parent_id, chain[2].pk)

    def test_no_reply_to_a_comment_not_on_show(self):
        c = make_comment(self.page, author=self.member, state=Comment.State.PENDING)
        with self.assertRaises(PermissionDenied):
            services.reply(author=self.other_member, parent=c, text="x")


class EditAndDeleteTests(DiscussionTestCase):
    def test_the_author_edits_within_the_window_only(self):
        c = make_comment(self.page, author=self.member, text="a")
        services.edit_comment(comment=c, by=self.member, text="b")
        self.assertIsNotNone(c.edited_at)
        c.created_at = timezone.now() - timedelta(minutes=31)
        with self.assertRaises(PermissionDenied):
            services.edit_comment(comment=c, by=self.member, text="c")
        with self.assertRaises(PermissionDenied):
            services.edit_comment(comment=c, by=self.other_member, text="c")
        services.edit_comment(comment=c, by=self.editor, text="d")
        self.assertEqual(Comment.objects.get(pk=c.pk).text, "d")

    def test_an_authors_edit_undoes_an_approval(self):
        c = make_comment(self.page, author=self.member, state=Comment.State.APPROVED)
        services.edit_comment(comment=c, by=self.member, text="changed")
        self.assertEqual(Comment.objects.get(pk=c.pk).state, Comment.State.PUBLISHED)

    def test_delete_by_author_blanks_by_editor_keeps_for_the_record(self):
        mine = make_comment(self.page, author=self.member, text="mine")
        theirs = make_comment(self.page, author=self.other_member, text="theirs")
        services.delete_comment(comment=mine, by=self.member)
        services.delete_comment(comment=theirs, by=self.editor)
        self.assertEqual(
            list(Comment.objects.order_by("pk").values_list("state", "text")),
            [("deleted", ""), ("removed", "theirs")],
        )
        with self.assertRaises(PermissionDenied):
            services.delete_comment(comment=mine, by=self.member)

    def test_nobody_else_deletes(self):
        c = make_comment(self.page, author=self.member)
        with self.assertRaises(PermissionDenied):
            services.delete_comment(comment=c, by=self.other_member)

    def test_delete_all_comments_blanks_every_one(self):
        a = make_comment(self.page, author=self.member, text="a")
        make_comment(parent=a, author=self.member, text="b")
        make_comment(
            self.remedy, author=self.member, text="c", state=Comment.State.REMOVED
        )
        keep = make_comment(self.page, author=self.other_member, text="not mine")
        self.assertEqual(services.delete_all_comments(author=self.member), 3)
        self.assertEqual(
            set(
                Comment.objects.filter(author=self.member).values_list("state", "text")
            ),
            {("deleted", ""), ("removed", "")},
        )
        self.assertEqual(Comment.objects.get(pk=keep.pk).text, "not mine")


@override_settings(DISCUSSION_FLAG_THRESHOLD=2)
class FlagAndModerationTests(DiscussionTestCase):
    def test_flags_count_once_each_and_hide_at_the_threshold(self):
        c = make_comment(self.page, author=self.member)
        flag, created = services.flag_comment(
            comment=c, member=self.other_member, reason="spam"
        )
        self.assertTrue(created)
        _, created = services.flag_comment(
            comment=c, member=self.other_member, reason="abuse"
        )
        self.assertFalse(created)
        self.assertEqual((c.flag_count, c.state), (1, "published"))
        services.flag_comment(comment=c, member=make_member(), reason="harmful")
        self.assertEqual((c.flag_count, c.state), (2, "pending"))
        with self.assertRaises(ValueError):
            services.flag_comment(
                comment=make_comment(self.page, author=self.member),
                member=self.other_member,
                reason="boring",
            )

    def test_approved_comments_are_not_hidden_again(self):
        c = make_comment(self.page, author=self.member)
        for _ in range(2):
            services.flag_comment(comment=c, member=make_member(), reason="spam")
        n = services.approve_comments(
            comments=Comment.objects.filter(pk=c.pk), moderator=self.editor
        )
        self.assertEqual(n, 1)
        c.refresh_from_db()
        self.assertEqual((c.state, c.reviewed_by), ("approved", self.editor))
        self.assertFalse(c.can_flag(make_member()))

    def test_remove_keeps_the_text_for_the_record_and_skips_deleted(self):
        a = make_comment(self.page, author=self.member, text="bad")
        b = make_comment(self.page, author=self.member, state=Comment.State.DELETED)
        n = services.remove_comments(
            comments=Comment.objects.all(), moderator=self.editor
        )
        self.assertEqual(n, 1)
        a.refresh_from_db()
        b.refresh_from_db()
        self.assertEqual((a.state, a.text, b.state), ("removed", "bad", "deleted"))
        # Removed and deleted comments are never approved back by accident.
        self.assertEqual(
            services.approve_comments(
                comments=Comment.objects.all(), moderator=self.editor
            ),
            0,
        )

    def test_a_deleted_members_flags_still_count(self):
        c = make_comment(self.page, author=self.member)
        flagger = make_member()
        services.flag_comment(comment=c, member=flagger, reason="spam")
        flagger.delete()
        self.assertEqual(Flag.objects.get().member, None)
        self.assertEqual(Comment.objects.get(pk=c.pk).flag_count, 1)
