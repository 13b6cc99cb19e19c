from django.core.management import call_command

from remedies.models import EvidencePage
from tests.helpers import SiteTestCase, make_member, make_page
from votes.models import Vote
from votes.scoring import wilson_lower_bound
from votes.services import cast_vote, recount_tallies, retract_vote


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
        self.assertTrue(retract_vote(member=self.member, page=self.page))
        self.assertFalse(retract_vote(member=self.member, page=self.page))
        self.assertEqual(self.tally(), (1, 0, 1, wilson_lower_bound(1, 1)))
        self.assertEqual(Vote.objects.count(), 1)

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
