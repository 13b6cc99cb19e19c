"""Two production app servers on one PostgreSQL and one shared cache keep nothing to themselves.

Starts two gunicorns (remedies_site/gunicorn.conf.py) on the test database
and drives them over HTTP. PostgreSQL only: SQLite has a single writer, and
the servers must reach the same database as this process.
"""

import tempfile
from pathlib import Path

import pytest
from allauth.account.models import EmailAddress
from django.conf import global_settings, settings
from django.db import connection
from django.test import TransactionTestCase, override_settings

from accounts.models import User
from bench import httpload
from bench.run import member_sessions
from bench.two_servers import (
    RATE_LIMIT,
    free_port,
    is_signed_in,
    server_env,
    sign_in,
    start_server,
    stop_server,
    votes_across,
    wait_for_a_fresh_minute,
)
from tests.helpers import PASSWORD, make_member, make_page
from votes.models import Vote
from votes.services import recount_tallies

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="needs PostgreSQL shared by two servers"
)


def database_url() -> str:
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    return (
        f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:"
        f"{db['PORT'] or 5432}/{db['NAME']}"
    )


class TwoServersTests(TransactionTestCase):
    servers: list = []

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        redis_url = getattr(settings, "REDIS_URL", "")
        # Ports of their own: other test runs may be on this machine too.
        ports = [free_port()]
        while len(ports) < 2:
            if (port := free_port()) not in ports:
                ports.append(port)
        cls.bases = [f"http://127.0.0.1:{port}" for port in ports]
        cls.servers = []
        try:
            for port in ports:
                env = server_env(database_url(), redis_url, port)
                cls.servers.append(start_server(env, log_path=_log(port)))
        except Exception:
            cls.tearDownClass()
            raise

    @classmethod
    def tearDownClass(cls):
        for server in cls.servers:
            stop_server(server)
        super().tearDownClass()

    def setUp(self):
        self.pages = [make_page() for _ in range(3)]
        self.paths = [p.get_absolute_url() + "vote/" for p in self.pages]

    def test_votes_through_both_servers_at_once_keep_tallies_exact(self):
        # Verified members without passwords (hashing 40 would take longer
        # than the test); they sign in by session, as the benchmark's do.
        users = User.objects.bulk_create(
            User(username=f"voter{i}", email=f"voter{i}@example.com") for i in range(40)
        )
        EmailAddress.objects.bulk_create(
            EmailAddress(user=u, email=u.email, verified=True, primary=True)
            for u in users
        )
        voters = member_sessions(0, 40)
        result = httpload.cast_votes(
            self.bases, voters, self.paths, seconds=3, processes=2, threads=4
        )
        self.assertEqual(result.errors, 0)
        # Both servers took votes, and the rows and tallies agree exactly.
        self.assertEqual(set(result.by_server), set(self.bases))
        self.assertTrue(all(result.by_server.values()))
        self.assertTrue(Vote.objects.exists())
        self.assertEqual(recount_tallies(fix=False), [])

    def test_signed_in_on_one_server_is_signed_in_on_the_other(self):
        # Hashed as the servers expect (the tests' own hasher is a fast one).
        with override_settings(PASSWORD_HASHERS=global_settings.PASSWORD_HASHERS):
            member = make_member(email="both@example.com", username="both")
        self.assertFalse(is_signed_in(self.bases[1], "not-a-session"))
        session = sign_in(self.bases[0], member.email, PASSWORD)
        self.assertTrue(is_signed_in(self.bases[0], session))
        self.assertTrue(is_signed_in(self.bases[1], session))

    def test_the_vote_rate_limit_counts_votes_on_both_servers(self):
        make_member(email="fast@example.com", username="fast")
        voter = member_sessions(0, 1)[0]
        wait_for_a_fresh_minute(margin=8)
        outcomes = votes_across(self.bases, voter, self.paths[0], RATE_LIMIT + 4)
        accepted = sum(o.count("ok") for o in outcomes.values())
        self.assertEqual(accepted, RATE_LIMIT)
        # Refused by each server, though neither alone saw more than the limit.
        for base in self.bases:
            self.assertGreater(outcomes[base].count("refused"), 0)
            self.assertLessEqual(len(outcomes[base]), RATE_LIMIT)
        self.assertEqual(recount_tallies(fix=False), [])


def _log(port: int) -> Path:
    return Path(tempfile.gettempdir()) / f"remedies-two-servers-{port}.log"
