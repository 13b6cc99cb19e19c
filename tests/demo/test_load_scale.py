from io import StringIO

from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import Count, Max, Min, Q
from django.test import TestCase

from accounts.models import User
from ailments.models import Ailment
from discussions.models import MAX_DEPTH, Comment, Flag
from remedies.models import Citation, EvidencePage, HowToStep, Remedy, Study
from search.models import SearchEntry, SearchLog
from votes.models import Vote
from votes.services import recount_tallies

TINY = {
    "remedies": 12,
    "ailments": 9,
    "pages": 40,
    "studies": 30,
    "members": 25,
    "votes": 300,
    "comments": 250,
    "searches": 40,
}


def load_tiny(**extra):
    args = ["load_scale", "--preset", "small"]
    for name, value in {**TINY, **extra}.items():
        args += [f"--{name}", str(value)]
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


class LoadScaleTests(TestCase):
    """The scale loader fills an empty database with consistent data of the sizes asked."""

    def test_loads_the_sizes_asked_with_tallies_that_match_the_votes(self):
        load_tiny()
        self.assertEqual(Remedy.objects.count(), TINY["remedies"])
        self.assertEqual(Ailment.objects.count(), TINY["ailments"])
        self.assertEqual(EvidencePage.objects.count(), TINY["pages"])
        self.assertEqual(Study.objects.count(), TINY["studies"])
        self.assertEqual(User.objects.count(), TINY["members"])
        self.assertEqual(Vote.objects.count(), TINY["votes"])
        self.assertEqual(Comment.objects.count(), TINY["comments"])
        self.assertEqual(SearchLog.objects.count(), TINY["searches"])
        # Every remedy, ailment and page is in the search index.
        self.assertEqual(
            SearchEntry.objects.count(),
            TINY["remedies"] + TINY["ailments"] + TINY["pages"],
        )

        # Stored tallies and scores agree with the vote rows.
        self.assertEqual(recount_tallies(fix=False), [])
        self.assertEqual(
            sum(EvidencePage.objects.values_list("votes_total", flat=True)),
            TINY["votes"],
        )

    def test_every_page_has_steps_and_three_to_ten_citations(self):
        load_tiny()
        cited = EvidencePage.objects.annotate(n=Count("citations")).aggregate(
            low=Min("n"), high=Max("n")
        )
        self.assertGreaterEqual(cited["low"], 3)
        self.assertLessEqual(cited["high"], 10)
        self.assertEqual(EvidencePage.objects.filter(steps__isnull=True).count(), 0)
        self.assertGreater(HowToStep.objects.count(), TINY["pages"])
        self.assertEqual(
            Citation.objects.values("page", "study").distinct().count(),
            Citation.objects.count(),
        )

    def test_comments_form_threads_of_varied_depth(self):
        load_tiny()
        replies = Comment.objects.filter(parent__isnull=False).select_related("parent")
        self.assertTrue(replies.exists())
        for reply in replies:
            root = reply.thread
            self.assertIsNone(root.parent_id)
            self.assertLess(reply.depth, MAX_DEPTH)
            # A reply sits one level below what it answers, or beside the deepest.
            self.assertEqual(reply.depth, min(reply.parent.depth + 1, MAX_DEPTH - 1))
            self.assertEqual(reply.parent.thread_id or reply.parent_id, reply.thread_id)
            self.assertEqual(
                (reply.remedy_id, reply.evidence_page_id),
                (root.remedy_id, root.evidence_page_id),
            )
            self.assertGreaterEqual(reply.created_at, reply.parent.created_at)
        self.assertTrue(Comment.objects.filter(depth=MAX_DEPTH - 1).exists())
        self.assertTrue(Comment.objects.filter(remedy__isnull=False).exists())
        self.assertTrue(Comment.objects.filter(evidence_page__isnull=False).exists())
        # Comments hidden pending review carry the flags that hid them.
        for comment in Comment.objects.filter(state=Comment.State.PENDING):
            self.assertEqual(comment.flags.count(), comment.flag_count)
            self.assertEqual(comment.flag_count, 3)
        self.assertEqual(
            Flag.objects.count(),
            Comment.objects.aggregate(n=Count("flags"))["n"],
        )
        self.assertFalse(
            Comment.objects.filter(
                Q(state=Comment.State.DELETED) & ~Q(text="")
            ).exists()
        )

    def test_the_same_seed_gives_the_same_data(self):
        load_tiny()
        first = list(
            EvidencePage.objects.order_by("pk").values_list(
                "remedy__name", "ailment__name", "votes_up", "votes_down"
            )
        )
        for model in (Comment, Vote, EvidencePage, Remedy, Ailment, Study, User):
            model.objects.all().delete()
        for model in (SearchLog, SearchEntry):
            model.objects.all().delete()
        from remedies.models import Category

        Category.objects.all().delete()
        load_tiny()
        second = list(
            EvidencePage.objects.order_by("pk").values_list(
                "remedy__name", "ailment__name", "votes_up", "votes_down"
            )
        )
        self.assertEqual(first, second)

    def test_refuses_a_database_that_is_not_empty(self):
        load_tiny()
        with self.assertRaisesMessage(CommandError, "not empty"):
            load_tiny()
        self.assertEqual(Remedy.objects.count(), TINY["remedies"])

    def test_refuses_impossible_sizes(self):
        with self.assertRaisesMessage(CommandError, "remedy-ailment pairs"):
            load_tiny(pages=TINY["remedies"] * TINY["ailments"] + 1)
        self.assertFalse(Remedy.objects.exists())
