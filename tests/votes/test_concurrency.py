"""Many members voting at once on PostgreSQL: the tallies must equal the rows exactly.

SQLite allows one writer at a time, so these run where it matters: on the
PostgreSQL run of the suite (CI sets DATABASE_URL).
"""

import random
import threading

import pytest
from django.db import close_old_connections, connection
from django.test import TransactionTestCase

from remedies.models import EvidencePage
from tests.helpers import make_member, make_page
from votes.models import Vote
from votes.scoring import wilson_lower_bound
from votes.services import cast_vote, recount_tallies, retract_vote

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="needs PostgreSQL for concurrent writers"
)

THREADS = 16
MEMBERS = 48
ACTIONS_PER_MEMBER = 12


def run_in_threads(work, items, threads=THREADS):
    """Run work(item) for every item across threads; re-raise the first error."""
    errors = []
    chunks = [items[i::threads] for i in range(threads)]
    barrier = threading.Barrier(threads)

    def worker(chunk):
        try:
            barrier.wait()
            for item in chunk:
                work(item)
                # Back to the pool after each action, as at the end of a
                # request: more threads than pooled connections share them.
                connection.close()
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            close_old_connections()
            connection.close()

    pool = [threading.Thread(target=worker, args=(chunk,)) for chunk in chunks]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    if errors:
        raise errors[0]


class ConcurrentVotingTests(TransactionTestCase):
    def test_many_members_voting_changing_and_retracting_at_once_leave_no_drift(self):
        pages = [make_page() for _ in range(3)]
        members = [make_member() for _ in range(MEMBERS)]
        rng = random.Random(42)
        # Each member's own sequence runs in order inside one thread; members
        # run concurrently with each other.
        plans = [
            (
                member,
                [
                    (rng.choice(pages), rng.choice(["up", "down", "retract"]))
                    for _ in range(ACTIONS_PER_MEMBER)
                ],
            )
            for member in members
        ]

        def act(plan):
            member, steps = plan
            for page, action in steps:
                if action == "retract":
                    retract_vote(member=member, page=page)
                else:
                    cast_vote(
                        member=member,
                        page=page,
                        value=Vote.Value.UP if action == "up" else Vote.Value.DOWN,
                    )

        run_in_threads(act, plans)

        self.assertEqual(recount_tallies(fix=False), [])
        for page in EvidencePage.objects.all():
            up = Vote.objects.filter(page=page, value=Vote.Value.UP).count()
            down = Vote.objects.filter(page=page, value=Vote.Value.DOWN).count()
            self.assertEqual(
                (page.votes_up, page.votes_down, page.votes_total),
                (up, down, up + down),
            )
            self.assertAlmostEqual(page.score, wilson_lower_bound(up, up + down))
        print(
            f"\nconcurrency: {THREADS} threads, {MEMBERS} members, "
            f"{MEMBERS * ACTIONS_PER_MEMBER} actions, {Vote.objects.count()} votes left, drift 0"
        )

    def test_the_same_member_double_submitting_leaves_one_vote(self):
        page = make_page()
        member = make_member()
        run_in_threads(
            lambda _: cast_vote(member=member, page=page, value=Vote.Value.UP),
            list(range(THREADS)),
        )
        self.assertEqual(Vote.objects.filter(member=member).count(), 1)
        page.refresh_from_db()
        self.assertEqual((page.votes_up, page.votes_total), (1, 1))
