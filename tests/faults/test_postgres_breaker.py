"""While PostgreSQL is down, a process stops waiting on its pool and fails at once."""

from unittest import mock

import psycopg
import psycopg_pool
from django.db.backends.postgresql import base as django_base
from django.db.utils import OperationalError
from django.test import SimpleTestCase

from core.postgres import base
from core.postgres.base import Breaker, DatabaseWrapper, is_connection_failure


def wrapped(error: Exception) -> OperationalError:
    """As Django raises it: its own OperationalError, caused by the driver's."""
    try:
        raise OperationalError(str(error)) from error
    except OperationalError as exc:
        return exc


class ConnectionFailureTests(SimpleTestCase):
    def test_the_server_or_the_connection_gone_counts(self):
        for error in (
            psycopg.OperationalError("connection failed: Connection refused"),
            psycopg.errors.AdminShutdown("terminating connection"),
            psycopg.errors.CannotConnectNow("the database system is starting up"),
            psycopg.InterfaceError("the connection is closed"),
        ):
            self.assertTrue(is_connection_failure(error), error)
            self.assertTrue(is_connection_failure(wrapped(error)), error)

    def test_failing_at_once_is_not_news_about_the_server(self):
        error = base.NotTryingYet("database unavailable: not trying again yet")
        self.assertFalse(is_connection_failure(wrapped(error)))

    def test_the_pools_timeout_alone_does_not_say(self):
        # Every connection may just be busy: the backend checks directly.
        error = psycopg_pool.PoolTimeout("couldn't get a connection after 3.00 sec")
        self.assertFalse(is_connection_failure(wrapped(error)))

    def test_a_query_that_failed_does_not(self):
        for error in (
            psycopg.errors.SerializationFailure("could not serialize access"),
            psycopg.errors.DeadlockDetected("deadlock detected"),
            psycopg.errors.QueryCanceled(
                "canceling statement due to statement timeout"
            ),
        ):
            self.assertFalse(is_connection_failure(wrapped(error)), error)
        self.assertFalse(is_connection_failure(OperationalError("database is locked")))


class BreakerTests(SimpleTestCase):
    def test_after_a_failure_one_caller_probes_and_the_rest_fail_at_once(self):
        breaker = Breaker(interval=60)
        self.assertFalse(breaker.open)
        breaker.trip()
        self.assertTrue(breaker.open)
        self.assertFalse(breaker.may_probe())  # within the interval
        breaker._next_probe = 0.0  # the interval has passed
        breaker.trip()  # more failures while open do not put off the next probe
        self.assertTrue(breaker.may_probe())
        self.assertFalse(breaker.may_probe())  # one caller per interval
        breaker = Breaker(interval=0)
        breaker.trip()
        self.assertTrue(breaker.may_probe())
        breaker.close()
        self.assertFalse(breaker.open)


def wrapper_with_a_pool() -> DatabaseWrapper:
    wrapper = object.__new__(DatabaseWrapper)  # no settings needed for these calls
    return wrapper


@mock.patch.object(django_base.DatabaseWrapper, "pool", new=object())
class DatabaseWrapperTests(SimpleTestCase):
    def setUp(self):
        self.breaker = Breaker(interval=60)
        patcher = mock.patch.object(base, "breaker", self.breaker)
        patcher.start()
        self.addCleanup(patcher.stop)
        self.wrapper = wrapper_with_a_pool()

    def test_no_connection_and_the_server_unreachable_opens_the_breaker(self):
        with (
            mock.patch.object(
                django_base.DatabaseWrapper,
                "get_new_connection",
                side_effect=psycopg_pool.PoolTimeout("no connection after 3.00 sec"),
            ),
            mock.patch.object(
                psycopg, "connect", side_effect=psycopg.OperationalError("refused")
            ),
            self.assertRaises(psycopg.OperationalError),
        ):
            self.wrapper.get_new_connection({})
        self.assertTrue(self.breaker.open)

    def test_a_busy_pool_with_the_server_up_does_not(self):
        with (
            mock.patch.object(
                django_base.DatabaseWrapper,
                "get_new_connection",
                side_effect=psycopg_pool.PoolTimeout("no connection after 3.00 sec"),
            ),
            mock.patch.object(psycopg, "connect") as direct,
            self.assertRaises(psycopg.OperationalError),
        ):
            self.wrapper.get_new_connection({})
        direct.assert_called_once()
        self.assertFalse(self.breaker.open)

    def test_while_open_it_fails_at_once_without_waiting_on_the_pool(self):
        self.breaker.trip()
        with (
            mock.patch.object(
                django_base.DatabaseWrapper, "get_new_connection"
            ) as from_pool,
            mock.patch.object(psycopg, "connect") as direct,
            self.assertRaises(psycopg.OperationalError),
        ):
            self.wrapper.get_new_connection({})
        from_pool.assert_not_called()
        direct.assert_not_called()

    def test_a_probe_that_connects_closes_it_and_the_pool_serves_again(self):
        self.breaker.trip()
        self.breaker._next_probe = 0.0  # the interval has passed
        with (
            mock.patch.object(
                django_base.DatabaseWrapper, "get_new_connection", return_value="conn"
            ),
            mock.patch.object(psycopg, "connect") as direct,
        ):
            self.assertEqual(self.wrapper.get_new_connection({"dbname": "x"}), "conn")
        direct.assert_called_once_with(dbname="x")
        self.assertFalse(self.breaker.open)

    def test_a_probe_that_fails_keeps_it_open(self):
        self.breaker.trip()
        self.breaker._next_probe = 0.0
        with (
            mock.patch.object(
                django_base.DatabaseWrapper, "get_new_connection"
            ) as from_pool,
            mock.patch.object(
                psycopg, "connect", side_effect=psycopg.OperationalError("refused")
            ),
            self.assertRaises(psycopg.OperationalError),
        ):
            self.wrapper.get_new_connection({})
        from_pool.assert_not_called()
        self.assertTrue(self.breaker.open)
