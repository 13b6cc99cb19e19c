"""Where browsers report Content-Security-Policy violations: logged, rate limited.

Browsers send either the older `application/csp-report` body (report-uri) or a
list of reports (`application/reports+json`, report-to). Only the directive,
the blocked resource and the page's path are logged: no query strings (they can
hold search terms), no addresses. Anyone can send anything here, so every
value is read defensively and logged escaped, one line per report: a body that
is no report is a 400, a report with odd values is logged as far as it makes
sense, and nothing here is a server error.
"""

from __future__ import annotations

import json
import logging
from urllib.parse import urlsplit

from django.http import HttpResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from .ratelimit import RateLimitUnavailable, allow, client_key

log = logging.getLogger("core.csp")

MAX_BODY = 16 * 1024
REPORTS_PER_MINUTE = 20
REPORTS_PER_BODY = 10


def _escaped(value: str, limit: int) -> str:
    """`value` cut to `limit` characters, control characters and non-ASCII escaped:
    what a report says can never start a line of the log or pass for another entry."""
    return value[:limit].encode("unicode_escape").decode("ascii")


def _path(url) -> str:
    """A URL without its query string and fragment; "inline", "eval" or "data" as is."""
    if not isinstance(url, str):
        return ""
    try:
        parts = urlsplit(url[:500])
    except ValueError:  # "http://[x": no URL at all
        return _escaped(url, 100) + " (unreadable)"
    if parts.scheme in {"http", "https"}:
        return _escaped(f"{parts.scheme}://{parts.netloc}{parts.path}", 300)
    return _escaped(parts.scheme or parts.path, 100)


def _directive(report: dict) -> str:
    for name in ("effective-directive", "effectiveDirective", "violated-directive"):
        value = report.get(name)
        if value:
            return _escaped(value if isinstance(value, str) else repr(value), 100)
    return ""


def _reports(body) -> list[dict]:
    if isinstance(body, dict) and isinstance(body.get("csp-report"), dict):
        return [body["csp-report"]]
    if isinstance(body, list):
        return [
            r["body"]
            for r in body
            if isinstance(r, dict) and isinstance(r.get("body"), dict)
        ]
    return []


@csrf_exempt
@require_POST
def csp_report(request):
    client = client_key(request, "csp-report")
    try:
        allowed = allow(f"csp:{client}", limit=REPORTS_PER_MINUTE, window=60)
    except RateLimitUnavailable:
        allowed = False
    if not allowed:
        return HttpResponse(status=429)
    # The body as read (request_limits.py has read it whole already), not the
    # Content-Length the client claims.
    if len(request.body) > MAX_BODY:
        return HttpResponse(status=413)
    try:
        body = json.loads(request.body)
    except (ValueError, RecursionError):  # not JSON, not UTF-8, or nested absurdly deep
        return HttpResponse(status=400)
    reports = _reports(body)
    if not reports:
        return HttpResponse(status=400)
    for report in reports[:REPORTS_PER_BODY]:
        log.warning(
            "CSP violation: %s blocked %s on %s",
            _directive(report),
            _path(report.get("blocked-uri") or report.get("blockedURL")),
            _path(report.get("document-uri") or report.get("documentURL")),
        )
    return HttpResponse(status=204)
