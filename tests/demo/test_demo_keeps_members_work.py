"""Loading the demo again never deletes or changes what members wrote, voted or flagged."""

import json
import shutil
import tempfile
import uuid
from io import StringIO
from pathlib import Path

from django.core.cache import cache
from django.core.management import call_command
from django.test import TestCase
from django.urls import reverse

from accounts.models import User
from demo.loader import DEMO_DIR, load
from discussions.models import Comment, Flag
from remedies.models import EvidencePage
from tests.demo.test_load_demo import counts
from tests.helpers import make_member
from votes.models import Vote


def load_demo():
    call_command("load_demo", stdout=StringIO())


def no_drift() -> str:
    out = StringIO()
    call_command("recount_votes", "--check", stdout=out)
    return out.getvalue()


def demo_comment(author: str, text_start: str) -> Comment:
    return Comment.objects.get(
        author__username=f"demo-commenter-{author.lower()}",
        text__startswith=text_start,
    )


class MembersWorkSurvivesReloadTests(TestCase):
    def setUp(self):
        cache.clear()  # rate limits count in the cache

    def act(self, member, method, url, data):
        self.client.force_login(member)
        r = getattr(self.client, method)(url, data)
        self.assertEqual(r.status_code, 302, r.content[:2000])
        cache.clear()

    def snapshot(self, member):
        """Everything of the member's, field by field."""
        return {
            "comments": list(
                Comment.objects.filter(author=member)
                .order_by("pk")
                .values(
                    "pk",
                    "text",
                    "parent_id",
                    "thread_id",
                    "depth",
                    "state",
                    "created_at",
                    "edited_at",
                    "token",
                    "remedy_id",
                    "evidence_page_id",
                )
            ),
            "votes": list(
                Vote.objects.filter(member=member)
                .order_by("pk")
                .values("pk", "page_id", "value", "created_at", "updated_at")
            ),
            "flags": list(
                Flag.objects.filter(member=member)
                .order_by("pk")
                .values("pk", "comment_id", "reason", "note", "created_at")
            ),
        }

    def test_a_members_reply_vote_and_flag_survive_two_reloads(self):
        load_demo()
        member = make_member(display_name="Sam")
        page = EvidencePage.objects.get(
            remedy__slug="physical-therapy-stretches", ailment__slug="sciatica"
        )
        # A demo comment with a demo reply below it, and a demo reply.
        priya = demo_comment("Priya", "The nerve sliders")
        tom = Comment.objects.get(parent=priya, author__display_name="Tom")
        martin = demo_comment("Martin", "Two weeks in")
        demo_up, demo_down = page.votes_up, page.votes_down

        self.act(
            member,
            "post",
            reverse("discussions:reply", args=[priya.pk]),
            {"text": "This helped me too.", "token": str(uuid.uuid4())},
        )
        self.act(
            member,
            "post",
            reverse("discussions:reply", args=[tom.pk]),
            {"text": "Sitting works for me as well.", "token": str(uuid.uuid4())},
        )
        self.act(
            member,
            "post",
            reverse("votes:vote", args=["physical-therapy-stretches", "sciatica"]),
            {"vote": "down"},
        )
        self.act(
            member,
            "post",
            reverse("discussions:flag_comment", args=[martin.pk]),
            {"reason": "other", "note": "Reads like advice."},
        )
        before = self.snapshot(member)
        self.assertEqual(len(before["comments"]), 2)
        self.assertEqual((len(before["votes"]), len(before["flags"])), (1, 1))
        demo_comments = {
            c.pk: (c.text, c.parent_id, c.created_at)
            for c in Comment.objects.exclude(author=member)
        }
        everything = counts()

        for _ in range(2):
            load_demo()
            self.assertEqual(self.snapshot(member), before)
            # Nothing doubled; the demo comments are the same rows, unchanged.
            self.assertEqual(counts(), everything)
            self.assertEqual(
                {
                    c.pk: (c.text, c.parent_id, c.created_at)
                    for c in Comment.objects.exclude(author=member)
                },
                demo_comments,
            )
            martin.refresh_from_db()
            self.assertEqual(martin.flag_count, 1)
            # The tally is the file's votes and the member's, and agrees with the rows.
            page.refresh_from_db()
            self.assertEqual((page.votes_up, page.votes_down), (demo_up, demo_down + 1))
            self.assertIn("Drift found on 0 pages.", no_drift())

    def test_a_members_vote_on_an_unrated_page_stays_and_counts(self):
        load_demo()
        page = EvidencePage.objects.filter(votes_total=0, is_published=True).first()
        member = make_member()
        self.act(
            member,
            "post",
            reverse("votes:vote", args=[page.remedy.slug, page.ailment.slug]),
            {"vote": "up"},
        )
        load_demo()
        page.refresh_from_db()
        self.assertEqual((page.votes_up, page.votes_down), (1, 0))
        self.assertEqual(Vote.objects.filter(page=page).get().member, member)
        self.assertIn("Drift found on 0 pages.", no_drift())

    def test_members_whose_usernames_look_like_demo_accounts_are_left_alone(self):
        load_demo()
        page = EvidencePage.objects.get(
            remedy__slug="physical-therapy-stretches", ailment__slug="sciatica"
        )
        # Sign-up takes the username from the part of the address before the @.
        voter = make_member(
            username="demo-voter-0011", email="demo-voter-0011@example.com"
        )
        writer = make_member(
            username="demo-commenter-priya2", email="demo-commenter-priya2@example.com"
        )
        self.act(
            voter,
            "post",
            reverse("votes:vote", args=["physical-therapy-stretches", "sciatica"]),
            {"vote": "down"},
        )
        self.act(
            writer,
            "post",
            reverse(
                "discussions:post_comment",
                args=["physical-therapy-stretches", "sciatica"],
            ),
            {"text": "My own words.", "token": str(uuid.uuid4())},
        )
        votes = list(Vote.objects.filter(member=voter).values("pk", "page", "value"))
        load_demo()
        self.assertEqual(
            list(Vote.objects.filter(member=voter).values("pk", "page", "value")),
            votes,
        )
        self.assertEqual(votes[0]["page"], page.pk)
        self.assertEqual(
            list(Comment.objects.filter(author=writer).values_list("text", flat=True)),
            ["My own words."],
        )
        self.assertIn("Drift found on 0 pages.", no_drift())

    def test_a_changed_demo_comment_changes_in_place_and_a_dropped_one_keeps_replies(
        self,
    ):
        folder = Path(tempfile.mkdtemp())
        self.addCleanup(shutil.rmtree, folder)
        shutil.copytree(DEMO_DIR, folder, dirs_exist_ok=True)
        load(folder)
        member = make_member()
        aisha = demo_comment("Aisha", "I keep a short routine")
        grace = demo_comment("Grace", "A low dose an hour")
        self.act(
            member,
            "post",
            reverse("discussions:reply", args=[aisha.pk]),
            {"text": "A card is a good idea.", "token": str(uuid.uuid4())},
        )
        mine = Comment.objects.get(author=member)

        rows = json.loads((folder / "comments.json").read_text())
        for row in rows:
            if row["author"] == "Aisha":
                row["text"] = "A routine on a card by the kettle keeps me at it."
        # The file drops Aisha's thread's reply from Tom and Grace's thread.
        for row in rows:
            if row["author"] == "Aisha":
                row["replies"] = []
        rows = [row for row in rows if row["author"] != "Grace"]
        (folder / "comments.json").write_text(json.dumps(rows))
        load(folder)

        aisha.refresh_from_db()
        self.assertEqual(
            aisha.text, "A routine on a card by the kettle keeps me at it."
        )
        self.assertEqual(aisha.state, Comment.State.PUBLISHED)
        self.assertFalse(Comment.objects.filter(pk=grace.pk).exists())
        self.assertFalse(
            Comment.objects.filter(parent=aisha, author__display_name="Tom").exists()
        )
        mine.refresh_from_db()
        self.assertEqual(
            (mine.parent_id, mine.text), (aisha.pk, "A card is a good idea.")
        )

        # Now the file drops Aisha's comment, which a member answered: it is
        # blanked, not deleted, and the member's reply stays below it.
        rows = [row for row in rows if row["author"] != "Aisha"]
        (folder / "comments.json").write_text(json.dumps(rows))
        load(folder)
        aisha.refresh_from_db()
        self.assertEqual((aisha.state, aisha.text), (Comment.State.DELETED, ""))
        mine.refresh_from_db()
        self.assertEqual(
            (mine.parent_id, mine.text), (aisha.pk, "A card is a good idea.")
        )

    def test_an_editors_take_down_of_a_demo_comment_stays(self):
        load_demo()
        martin = demo_comment("Martin", "Two weeks in")
        Comment.objects.filter(pk=martin.pk).update(state=Comment.State.REMOVED)
        load_demo()
        martin.refresh_from_db()
        self.assertEqual(martin.state, Comment.State.REMOVED)
        self.assertEqual(
            Comment.objects.filter(author__username="demo-commenter-martin").count(), 2
        )

    def test_demo_accounts_cannot_sign_in(self):
        load_demo()
        demo = User.objects.filter(email__endswith="@example.invalid")
        self.assertGreater(demo.count(), 150)
        self.assertFalse(demo.filter(is_active=True).exists())
        self.assertFalse(any(u.has_usable_password() for u in demo))
