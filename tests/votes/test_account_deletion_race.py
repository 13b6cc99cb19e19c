"""A vote cast while its member's account is being deleted never leaves a tally wrong.

PostgreSQL only (SQLite takes one writer at a time, so the race cannot happen there).
"""

import threading
from unittest import mock

import pytest
from django.db import connection
from django.test import TransactionTestCase

from accounts import services as account_services
from remedies.models import EvidencePage
from tests.helpers import make_member, make_page
from votes.models import Vote
from votes.services import cast_vote, recount_tallies

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="needs PostgreSQL for concurrent writers"
)


class DeletionRaceTests(TransactionTestCase):
    def test_a_vote_cast_during_the_deletion_is_not_lost_from_the_tallies(self):
        member = make_member()
        voted, fresh = make_page(), make_page()
        cast_vote(member=member, page=voted, value=Vote.Value.UP)

        counted_out = threading.Event()  # the deletion has counted the votes out
        go_on = threading.Event()  # the deletion may go on to delete the account
        real_renamed = account_services.freshness.member_renamed

        def pause(m):
            counted_out.set()
            go_on.wait(10)
            real_renamed(m)

        errors = []

        def delete():
            try:
                with mock.patch.object(
                    account_services.freshness, "member_renamed", side_effect=pause
                ):
                    account_services.delete_account(member=member)
            except Exception as error:  # noqa: BLE001 - reported below
                errors.append(error)
            finally:
                connection.close()

        vote_done = threading.Event()

        def vote():
            try:
                # The same member, in another tab, voting on a second page.
                cast_vote(
                    member=member, page=EvidencePage.objects.get(pk=fresh.pk), value=1
                )
            except Exception as error:  # noqa: BLE001 - reported below
                errors.append(error)
            finally:
                vote_done.set()
                connection.close()

        deleting = threading.Thread(target=delete)
        deleting.start()
        self.assertTrue(counted_out.wait(10))
        voting = threading.Thread(target=vote)
        voting.start()
        # Without the member's row locked first, the vote commits here, and
        # the deletion's cascade then removes it without moving the tally.
        vote_done.wait(1)
        go_on.set()
        deleting.join(10)
        voting.join(10)

        self.assertEqual(errors, [])
        self.assertEqual(recount_tallies(fix=False), [])
        fresh.refresh_from_db()
        self.assertEqual(
            (fresh.votes_up, fresh.votes_total),
            (
                Vote.objects.filter(page=fresh, value=1).count(),
                Vote.objects.filter(page=fresh).count(),
            ),
        )
        voted.refresh_from_db()
        self.assertEqual((voted.votes_up, voted.votes_total), (0, 0))
