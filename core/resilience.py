"""When the database cannot be reached: a kind 503 page at once, never a hang or a traceback.

(The same page, with its own words, refuses a write that the rate limits
could not count: see core/ratelimit.py.)

`DatabaseUnavailableMiddleware` answers a view that failed because PostgreSQL is
down (or its connection pool timed out) with templates/503.html, status 503,
`Retry-After` and `Cache-Control: no-store`; htmx requests get only the page's
notice. `server_error` (the site's handler500) does the same for the rare
failure outside a view, such as saving the session after the view ran.

The page is rendered without context processors, so it needs neither the
database (no session, no user) nor the cache.
"""

from __future__ import annotations

import logging
import sys

from django.db import InterfaceError, OperationalError, connection
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils.cache import add_never_cache_headers
from django.views import defaults

from .ratelimit import RateLimitUnavailable
from .throttled_log import ThrottledLog

logger = logging.getLogger("core.resilience")

# Seconds a client is asked to wait before trying again.
RETRY_AFTER = 5

try:  # the PostgreSQL driver's own errors, when they escape Django's wrapper
    import psycopg

    _DRIVER_ERRORS: tuple[type[BaseException], ...] = (
        psycopg.OperationalError,
        psycopg.InterfaceError,
    )
except ImportError:  # pragma: no cover - SQLite-only installs
    _DRIVER_ERRORS = ()

UNAVAILABLE_ERRORS = (OperationalError, InterfaceError, *_DRIVER_ERRORS)


throttled = ThrottledLog(logger)


def is_database_unavailable(exc: BaseException | None) -> bool:
    return isinstance(exc, UNAVAILABLE_ERRORS)


def unavailable_response(request, *, reason: str = "database") -> HttpResponse:
    """The 503 page (or, for htmx, its notice alone): never cached, with Retry-After.

    `reason` is "database", or "ratelimit" when a write could not be counted
    against the rate limits.
    """
    htmx = bool(getattr(request, "htmx", False))
    template = "503.html#notice" if htmx else "503.html"
    # No `request=`: context processors would load the session and the user,
    # both from the database that is down.
    content = render_to_string(template, {"request": request, "reason": reason})
    response = HttpResponse(content, status=503)
    response["Retry-After"] = str(RETRY_AFTER if reason == "database" else 60)
    add_never_cache_headers(response)
    # Logged by the caller, once per interval: not again by Django for each request.
    response._has_been_logged = True
    return response


def _note(request, exc: BaseException) -> None:
    if connection.vendor == "postgresql":
        from .postgres.base import breaker, is_connection_failure

        if is_connection_failure(exc):
            breaker.trip()  # the next requests fail at once, not after a wait
    reason = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    throttled.warning(
        f"database:{type(exc).__name__}:{reason[:80]}",  # each kind of failure
        "Database unavailable, answering 503 (%s on %s %s): %s",
        type(exc).__name__,
        request.method,
        request.path,
        reason,
    )


class DatabaseUnavailableMiddleware:
    """Turns a view's database-unavailable error into the 503 page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, RateLimitUnavailable):
            throttled.warning("ratelimit", "Refused a write: %s", exception)
            return unavailable_response(request, reason="ratelimit")
        if not is_database_unavailable(exception):
            return None
        _note(request, exception)
        return unavailable_response(request)


def server_error(request):
    """handler500: the 503 page when the error was the database being unavailable."""
    exc = sys.exc_info()[1]
    if is_database_unavailable(exc):
        _note(request, exc)
        return unavailable_response(request)
    return defaults.server_error(request)
