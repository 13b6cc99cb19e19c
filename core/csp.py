"""Where browsers report Content-Security-Policy violations: logged, rate limited.

Browsers send either the older `application/csp-report` body (report-uri) or a
list of reports (`application/reports+json`, report-to). Only the directive,
the blocked resource and the page's path are logged: no query strings (they can
hold search terms), no addresses.
"""

from __future__ import annotations

import json
import logging
from urllib.parse import urlsplit

from django.http import HttpResponse
from django.utils.crypto import salted_hmac
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from .ratelimit import RateLimitUnavailable, allow

log = logging.getLogger("core.csp")

MAX_BODY = 16 * 1024
REPORTS_PER_MINUTE = 20


def _path(url) -> str:
    if not isinstance(url, str):
        return ""
    parts = urlsplit(url[:500])
    if parts.scheme in {"http", "https"}:
        return f"{parts.scheme}://{parts.netloc}{parts.path}"
    return parts.scheme or parts.path  # "inline", "eval", "data"


def _reports(body: dict | list) -> list[dict]:
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
    client = salted_hmac(
        "csp-report", request.META.get("REMOTE_ADDR", ""), algorithm="sha256"
    ).hexdigest()
    try:
        allowed = allow(f"csp:{client[:32]}", limit=REPORTS_PER_MINUTE, window=60)
    except RateLimitUnavailable:
        allowed = False
    if not allowed:
        return HttpResponse(status=429)
    if int(request.META.get("CONTENT_LENGTH") or 0) > MAX_BODY:
        return HttpResponse(status=413)
    try:
        body = json.loads(request.body)
    except ValueError:
        return HttpResponse(status=400)
    reports = _reports(body)
    if not reports:
        return HttpResponse(status=400)
    for report in reports[:10]:
        directive = (
            report.get("effective-directive")
            or report.get("effectiveDirective")
            or report.get("violated-directive", "")
        )
        log.warning(
            "CSP violation: %s blocked %s on %s",
            str(directive)[:100],
            _path(report.get("blocked-uri") or report.get("blockedURL")),
            _path(report.get("document-uri") or report.get("documentURL")),
        )
    return HttpResponse(status=204)
