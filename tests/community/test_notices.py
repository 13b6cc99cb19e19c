"""Who hears of a comment: the author of the comment it answers and the
discussion's watchers; never its own author, never of hidden or removed
comments, and at most a few a day from someone they never answered.

Tasks run through django-tasks-db's own worker loop, in this process;
emails go to Django's test mailbox (tests/community/test_end_to_end.py sends
them to a real SMTP server)."""

from __future__ import annotations

from django.core import mail
from django.test import TransactionTestCase, override_settings

from community import services
from community.models import Activity, Email, Notice, Preference, Watch
from discussions.models import Comment
from discussions.services import delete_comment, flag_comment, remove_comments
from tests.helpers import make_comment, make_editor, make_member, make_page

from .helpers import run_tasks


@override_settings(DISCUSSION_POST_INTERVAL=0, COMMUNITY_STRANGER_DAILY_CAP=3)
class NoticeTests(TransactionTestCase):
    def setUp(self):
        self.page = make_page()
        self.alice = make_member(display_name="Alice")
        self.bob = make_member(display_name="Bob")
        self.root = make_comment(self.page, author=self.alice, text="Stretches helped.")
        run_tasks()
        mail.outbox.clear()

    def notices(self, member):
        return list(Notice.objects.filter(member=member).for_inbox())

    def test_a_reply_reaches_the_author_it_answers_by_notice_and_email(self):
        reply = make_comment(parent=self.root, author=self.bob, text="Which ones?")
        run_tasks()
        [notice] = self.notices(self.alice)
        self.assertEqual(notice.activity.comment, reply)
        self.assertEqual(notice.reason, Notice.Reason.REPLY)
        self.assertEqual(notice.headline, f"Bob replied to your comment on {self.page}")
        [email] = mail.outbox
        self.assertEqual(email.to, [self.alice.email])
        self.assertIn("Which ones?", email.body)
        self.assertEqual(services.unread_count(self.alice), 1)
        # Bob hears nothing of his own reply.
        self.assertEqual(self.notices(self.bob), [])

    def test_posting_watches_the_discussion_and_watchers_hear_of_new_comments(self):
        self.assertTrue(
            Watch.objects.filter(member=self.alice, evidence_page=self.page).exists()
        )
        carol = make_member(display_name="Carol")
        services.watch(carol, self.page)
        make_comment(self.page, author=self.bob, text="A new thread")
        run_tasks()
        reasons = dict(Notice.objects.values_list("member__display_name", "reason"))
        self.assertEqual(reasons, {"Alice": "watching", "Carol": "watching"})
        self.assertEqual(len(mail.outbox), 2)

    def test_a_member_who_starts_watching_later_hears_nothing_of_earlier_comments(self):
        make_comment(self.page, author=self.bob, text="Before Carol came")
        carol = make_member(display_name="Carol")
        services.watch(carol, self.page)
        run_tasks()
        self.assertEqual(self.notices(carol), [])

    def test_unwatching_stops_the_notices(self):
        services.unwatch(self.alice, self.page)
        make_comment(self.page, author=self.bob, text="Anyone?")
        run_tasks()
        self.assertEqual(self.notices(self.alice), [])

    def test_a_reply_at_the_deepest_level_reaches_the_author_it_answers(self):
        people = [make_member(display_name=f"P{i}") for i in range(4)]
        parent = self.root
        for person in people:
            parent = make_comment(parent=parent, author=person, text="Deeper")
        run_tasks()
        # The last reply answered P2's comment, though it hangs beside it.
        answered = people[2]
        self.assertEqual(parent.parent.author, people[1])
        self.assertIn(
            parent.pk,
            [
                n.activity.comment_id
                for n in self.notices(answered)
                if n.reason == Notice.Reason.REPLY
            ],
        )

    def test_the_same_form_sent_twice_makes_one_notice(self):
        import uuid

        from discussions import services as discussions

        token = uuid.uuid4()
        for _ in range(2):
            discussions.reply(
                author=self.bob, parent=self.root, text="Once", token=token
            )
        run_tasks()
        self.assertEqual(Activity.objects.filter(kind="comment").count(), 2)
        self.assertEqual(len(self.notices(self.alice)), 1)
        self.assertEqual(len(mail.outbox), 1)

    def test_hidden_and_removed_comments_notify_nobody(self):
        reply = make_comment(parent=self.root, author=self.bob, text="Spam spam")
        # Flagged hidden before the worker gets to it.
        for _ in range(3):
            flag_comment(comment=reply, member=make_member(), reason="spam")
        reply.refresh_from_db()
        self.assertEqual(reply.state, Comment.State.PENDING)
        run_tasks()
        self.assertEqual(self.notices(self.alice), [])
        self.assertEqual(mail.outbox, [])

    def test_a_comment_removed_after_its_notice_leaves_the_inbox_and_no_email_goes(
        self,
    ):
        reply = make_comment(parent=self.root, author=self.bob, text="Rude words")
        from community import tasks

        # Notices made, email stored but not sent yet.
        tasks.fan_out.call(Activity.objects.get(comment=reply).pk)
        self.assertEqual(len(self.notices(self.alice)), 1)
        remove_comments(
            comments=Comment.objects.filter(pk=reply.pk), moderator=make_editor()
        )
        run_tasks()
        self.assertEqual(self.notices(self.alice), [])
        self.assertEqual(services.unread_count(self.alice), 0)
        self.assertEqual(mail.outbox, [])
        email = Email.objects.get()
        self.assertEqual(email.status, Email.Status.CANCELLED)
        self.assertIn("removed", email.last_error)

    def test_a_comment_its_author_deleted_sends_nothing(self):
        reply = make_comment(parent=self.root, author=self.bob, text="Oops")
        delete_comment(comment=reply, by=self.bob)
        run_tasks()
        self.assertEqual(self.notices(self.alice), [])

    def test_a_stranger_reaches_a_member_a_few_times_a_day_then_folds(self):
        for i in range(6):
            make_comment(parent=self.root, author=self.bob, text=f"Reply {i}")
        run_tasks()
        inbox = self.notices(self.alice)
        # Three notices, and one more for the other three, folded.
        self.assertEqual(len(inbox), 4)
        fold = inbox[0]
        self.assertEqual(fold.folded, 3)
        self.assertEqual(fold.headline, "Bob posted 3 more comments today")
        self.assertEqual(len(mail.outbox), 3)  # the fold goes in the next digest
        self.assertEqual(fold.email, Notice.Email.DIGEST)
        self.assertEqual(services.unread_count(self.alice), 4)
        # Running every task again changes nothing.
        Activity.objects.update(fanned_out_at=None)
        from community import tasks

        for activity in Activity.objects.all():
            tasks.fan_out.call(activity.pk)
        self.assertEqual(len(self.notices(self.alice)), 4)
        self.assertEqual(Notice.objects.get(pk=fold.pk).folded, 3)

    def test_no_cap_for_someone_the_member_has_answered(self):
        bobs = make_comment(self.page, author=self.bob, text="Bob's thread")
        make_comment(parent=bobs, author=self.alice, text="Alice answers Bob")
        run_tasks()
        mail.outbox.clear()
        for i in range(5):
            make_comment(parent=self.root, author=self.bob, text=f"Reply {i}")
        run_tasks()
        replies = [
            n for n in self.notices(self.alice) if n.reason == Notice.Reason.REPLY
        ]
        self.assertEqual(len(replies), 5)
        self.assertEqual(len(mail.outbox), 5)

    def test_email_choice_never_and_daily(self):
        services.set_email_choice(self.alice, Preference.Email.NEVER)
        make_comment(parent=self.root, author=self.bob, text="No email")
        run_tasks()
        self.assertEqual(mail.outbox, [])
        self.assertEqual(len(self.notices(self.alice)), 1)  # the notice, always
        services.set_email_choice(self.alice, Preference.Email.DAILY)
        make_comment(parent=self.root, author=self.bob, text="For the digest")
        run_tasks()
        self.assertEqual(mail.outbox, [])
        self.assertEqual(
            Notice.objects.filter(member=self.alice, email="digest").count(), 1
        )

    def test_no_email_to_an_unverified_address(self):
        una = make_member(display_name="Una", verified=False)
        services.watch(una, self.page)
        make_comment(self.page, author=self.bob, text="Hello")
        run_tasks()
        self.assertEqual(len(self.notices(una)), 1)
        self.assertNotIn(una.email, [m.to[0] for m in mail.outbox])

    def test_an_email_for_a_member_who_turned_emails_off_meanwhile_is_not_sent(self):
        make_comment(parent=self.root, author=self.bob, text="Hi")
        from community import tasks

        tasks.fan_out.call(Activity.objects.latest("pk").pk)
        services.unsubscribe(self.alice)
        run_tasks()
        self.assertEqual(mail.outbox, [])
        self.assertEqual(Email.objects.get().status, Email.Status.CANCELLED)
