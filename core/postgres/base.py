"""Django's PostgreSQL backend (psycopg 3 with its pool), failing fast while PostgreSQL is down.

Without this, every request during an outage waits the pool's full timeout for
a connection that cannot come, and requests queue behind it. Here, once
connecting has failed, the process stops waiting on the pool: each new
connection is first checked by one direct connection attempt (refused at
once while PostgreSQL is down), at most every PROBE_INTERVAL seconds, and
requests in between fail at once. They become the site's 503 page
(core/resilience.py). The first attempt that connects closes the
breaker, and the pool serves again. `ENGINE = "core.postgres"`.
"""

from __future__ import annotations

import threading
import time

import psycopg
import psycopg_pool
from django.db.backends.postgresql import base

# Seconds between direct connection attempts while the database is down.
PROBE_INTERVAL = 0.5


class Breaker:
    """Per process: closed (use the pool) until connecting fails; then probe, rarely."""

    def __init__(self, interval: float = PROBE_INTERVAL):
        self.interval = interval
        self._lock = threading.Lock()
        self.open = False
        self._next_probe = 0.0

    def trip(self) -> None:
        """Connecting failed: from now on probe, once per interval (not later and later)."""
        with self._lock:
            if not self.open:
                self.open = True
                self._next_probe = time.monotonic() + self.interval

    def close(self) -> None:
        self.open = False

    def may_probe(self) -> bool:
        """True for the one caller that may try now; others should fail at once."""
        with self._lock:
            now = time.monotonic()
            if now < self._next_probe:
                return False
            self._next_probe = now + self.interval
            return True


breaker = Breaker()


class NotTryingYet(psycopg.OperationalError):
    """Failed at once: the database was unreachable a moment ago."""


def is_connection_failure(exc: BaseException) -> bool:
    """The error says the server or the connection to it is gone, not that a query failed."""
    cause = exc if isinstance(exc, psycopg.Error) else exc.__cause__
    if isinstance(cause, NotTryingYet | psycopg_pool.PoolTimeout):
        # Ours says nothing new about the server; the pool's timeout may only
        # mean that every connection is busy (get_new_connection checks).
        return False
    if isinstance(cause, psycopg.InterfaceError):
        return True
    if isinstance(cause, psycopg.OperationalError):
        state = cause.sqlstate
        # None: the client lost the connection; 08: connection exceptions;
        # 57P01-57P03: administrator or crash shutdown, cannot connect now.
        return state is None or state.startswith(("08", "57P"))
    return False


class DatabaseWrapper(base.DatabaseWrapper):
    def get_new_connection(self, conn_params):
        if self.pool and breaker.open:
            if not breaker.may_probe():
                raise NotTryingYet("database unavailable: not trying again yet")
            # One cheap, direct attempt instead of waiting on the pool.
            self.Database.connect(**conn_params).close()
            breaker.close()
        try:
            connection = super().get_new_connection(conn_params)
        except self.Database.OperationalError:
            # No connection from the pool: the server is gone, or every
            # connection is busy. Only a direct attempt tells them apart.
            if self.pool and not self._reachable(conn_params):
                breaker.trip()
            raise
        return connection

    def _reachable(self, conn_params) -> bool:
        try:
            self.Database.connect(**conn_params).close()
        except self.Database.Error:
            return False
        return True
