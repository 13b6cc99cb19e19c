from django.core.management import call_command

from remedies.models import EvidencePage
from tests.helpers import SiteTestCase, make_member, make_page
from votes.models import Vote
from votes.scoring import wilson_lower_bound
from votes.services import VoteResult, cast_vote, recount_tallies, retract_vote


class VoteServiceTests(SiteTestCase):
    def setUp(self):
        self.page = make_page()

    def tally(self):
        p = EvidencePage.objects.get(pk=self.page.pk)
        return p.votes_up, p.votes_down, p.votes_total, p.score

    def test_cast_change_and_retract_keep_tallies_exact(self):
        cast_vote(member=self.member, page=self.page, value=Vote.Value.UP)
        cast_vote(member=self.editor, page=self.page, value=Vote.Value.UP)
        self.assertEqual(self.tally(), (2, 0, 2, wilson_lower_bound(2, 2)))
        cast_vote(member=self.member, page=self.page, value=Vote.Value.DOWN)
        self.assertEqual(self.tally(), (1, 1, 2, wilson_lower_bound(1, 2)))
        cast_vote(
            member=self.member, page=self.page, value=Vote.Value.DOWN
        )  # same again
        self.assertEqual(self.tally()[:3], (1, 1, 2))
        self.assertTrue(retract_vote(member=self.member, page=self.page).changed)
        self.assertFalse(retract_vote(member=self.member, page=self.page).changed)
        self.assertEqual(self.tally(), (1, 0, 1, wilson_lower_bound(1, 1)))
        self.assertEqual(Vote.objects.count(), 1)

    def test_a_vote_answers_with_the_new_tallies_and_gives_them_to_the_page(self):
        cast_vote(member=self.editor, page=self.page, value=Vote.Value.DOWN)
        result = cast_vote(member=self.member, page=self.page, value=Vote.Value.UP)
        self.assertEqual(result, VoteResult(True, True, 1, 1))
        self.assertEqual(
            (self.page.votes_up, self.page.votes_down, self.page.votes_total),
            (1, 1, 2),
        )
        self.assertEqual(self.page.score, wilson_lower_bound(1, 2))
        again = cast_vote(member=self.member, page=self.page, value=Vote.Value.UP)
        self.assertEqual(again, VoteResult(True, False, 1, 1))

    def test_a_member_without_a_verified_email_writes_nothing(self):
        unverified = make_member(verified=False)
        result = cast_vote(member=unverified, page=self.page, value=Vote.Value.UP)
        self.assertEqual(result, VoteResult(False, False, 0, 0))
        self.assertFalse(Vote.objects.exists())
        self.assertEqual(self.tally()[:3], (0, 0, 0))

    def test_the_stored_score_equals_the_python_score(self):
        # PostgreSQL computes it in the vote's statement; SQLite in Python.
        members = [make_member() for _ in range(7)]
        for i, member in enumerate(members):
            cast_vote(member=member, page=self.page, value=1 if i % 3 else -1)
            p = EvidencePage.objects.get(pk=self.page.pk)
            self.assertEqual(p.score, wilson_lower_bound(p.votes_up, p.votes_total))
        for member in members:
            retract_vote(member=member, page=self.page)
        self.assertEqual(self.tally(), (0, 0, 0, 0.0))

    def test_a_bad_value_is_refused(self):
        with self.assertRaises(ValueError):
            cast_vote(member=self.member, page=self.page, value=5)
        self.assertEqual(Vote.objects.count(), 0)

    def test_recount_finds_and_fixes_drift(self):
        for _ in range(3):
            cast_vote(member=make_member(), page=self.page, value=Vote.Value.UP)
        self.assertEqual(recount_tallies(), [])
        EvidencePage.objects.filter(pk=self.page.pk).update(votes_up=10, votes_total=10)
        drift = recount_tallies(fix=False)
        self.assertEqual([(d.stored, d.counted) for d in drift], [((10, 0), (3, 0))])
        self.assertEqual(self.tally()[0], 10)  # a check changes nothing
        self.assertEqual(len(recount_tallies()), 1)
        self.assertEqual(self.tally(), (3, 0, 3, wilson_lower_bound(3, 3)))

    def test_recount_command_reports(self):
        from io import StringIO

        out = StringIO()
        EvidencePage.objects.filter(pk=self.page.pk).update(votes_down=2, votes_total=2)
        call_command("recount_votes", stdout=out)
        self.assertIn("Drift fixed on 1 page.", out.getvalue())
        self.assertEqual(self.tally()[:3], (0, 0, 0))
