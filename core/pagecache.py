"""Whole pages for visitors, served from the shared cache.

A visitor (nobody signed in, no message waiting) gets the same page as every
other visitor: DESIGN.md, "Built to be cached and locked down". Such pages are stored whole for PAGE_CACHE_SECONDS, so a vote reaches
visitors within that time. Editors' changes reach them at once: every save of
content bumps a version that is part of every key (see `bump_content_version`).

A response is stored only when nothing in it can be per visitor: a 200 to a
GET for one of the pages below, setting no cookie and not marked private or
no-store. Members read from it only the palette's suggestions; the parts of
their evidence pages that are the same for everyone are cached as fragments
under the same version.
"""

from __future__ import annotations

import hashlib
import logging

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.messages.storage.cookie import CookieStorage
from django.contrib.messages.storage.session import SessionStorage
from django.core.cache import caches
from django.core.exceptions import DisallowedHost
from django.db import transaction
from django.http import HttpResponse
from django.urls import Resolver404, resolve
from django.utils.cache import patch_vary_headers

log = logging.getLogger(__name__)

ALIAS = "pages"
VERSION_KEY = "content-version"

# The pages a visitor may be served from the cache, by URL name.
CACHED_VIEWS = frozenset(
    {
        "home",
        "methods",
        "privacy",
        "remedies:remedy_list",
        "remedies:remedy_detail",
        "remedies:evidence_detail",
        "ailments:ailment_list",
        "ailments:ailment_detail",
        "search:search_results",
        "search:suggest",
    }
)

# Of those, the ones members are served from the cache too: they show nothing
# that depends on who asks.
SAME_FOR_MEMBERS = frozenset({"search:suggest"})


def _cache():
    return caches[ALIAS]


def content_version() -> int:
    """The version of all published content; part of every page and fragment key."""
    try:
        return _cache().get(VERSION_KEY) or 0
    except Exception:  # the cache is an optimisation: never fail a page over it
        log.warning("page cache unavailable", exc_info=True)
        return 0


def _bump(key: str) -> None:
    cache = _cache()
    try:
        cache.add(key, 0, timeout=None)
        cache.incr(key)
    except ValueError:  # evicted between add() and incr()
        cache.set(key, 1, timeout=None)
    except Exception:
        log.warning("page cache unavailable", exc_info=True)


def bump_content_version(**kwargs) -> None:
    """Make every cached page and fragment stale (a signal receiver, hence kwargs)."""
    _bump(VERSION_KEY)


def bump_after_commit(*things: str) -> None:
    """Once the current transaction commits, make what members are shared of `things` stale.

    `things` are names such as "remedy:12" (its votes) or "page:34" (its
    discussion), or "all" for everything (the content version). After the
    commit, so that a page rendered from the old rows in between is not kept
    under the new version.
    """
    keys = [VERSION_KEY if t == "all" else f"activity:{t}" for t in things]
    transaction.on_commit(lambda: [_bump(key) for key in keys])


def versions(*things: str) -> tuple[int, ...] | None:
    """The content version and the activity versions of `things`, in one round trip.

    None when the cache cannot say, so that nothing is shared on a guess.
    """
    keys = [VERSION_KEY, *(f"activity:{t}" for t in things)]
    cache = _cache()
    if not getattr(cache, "available", True):
        return None
    try:
        found = cache.get_many(keys)
    except Exception:
        log.warning("page cache unavailable", exc_info=True)
        return None
    if not getattr(cache, "available", True):  # it failed just now
        return None
    return tuple(found.get(key, 0) for key in keys)


def message_waiting(request) -> bool:
    """Whether a message (a Django messages one) waits to be shown to this request."""
    if request.COOKIES.get(CookieStorage.cookie_name):  # "" once shown
        return True
    session = getattr(request, "session", None)
    return session is not None and SessionStorage.session_key in session


def _may_serve_from_cache(request) -> bool:
    if request.method != "GET" or settings.PAGE_CACHE_SECONDS <= 0:
        return False
    cookies = request.COOKIES
    if cookies.get(CookieStorage.cookie_name):  # a message waits ("" once shown)
        return False
    if not cookies.get(settings.SESSION_COOKIE_NAME):
        return True
    # A visitor with a session (recent searches, say) still sees the shared
    # page, unless someone is signed in or a message waits in it. The session
    # is read once: the authentication middleware reuses it.
    if SESSION_KEY not in request.session and not message_waiting(request):
        return True
    return _same_for_members(request)


def _same_for_members(request) -> bool:
    try:
        return resolve(request.path_info).view_name in SAME_FOR_MEMBERS
    except Resolver404:
        return False


def _key(request, version: int) -> str:
    url = request.build_absolute_uri()
    htmx = "htmx" if request.headers.get("HX-Request") == "true" else "page"
    digest = hashlib.sha256(url.encode()).hexdigest()
    return f"page:{version}:{htmx}:{digest}"


def _may_store(request, response) -> bool:
    match = request.resolver_match
    if match is None or match.view_name not in CACHED_VIEWS:
        return False
    if response.status_code != 200 or response.streaming or response.cookies:
        return False
    # The session middleware sets its cookie after this one has run.
    session = getattr(request, "session", None)
    if session is not None and session.modified:
        return False
    control = response.get("Cache-Control", "")
    if any(word in control for word in ("private", "no-store", "no-cache")):
        return False
    user = getattr(request, "user", None)
    if user and user.is_authenticated:
        return match.view_name in SAME_FOR_MEMBERS
    return True


class PageCacheMiddleware:
    """Serve visitors' pages whole from the cache; store what is safe to share."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not _may_serve_from_cache(request):
            return self.get_response(request)
        try:
            key = _key(request, content_version())
        except DisallowedHost:
            # A Host we do not serve: nothing from the cache, and Django's
            # CommonMiddleware refuses the request with the 400 page.
            return self.get_response(request)
        try:
            hit = _cache().get(key)
        except Exception:
            log.warning("page cache unavailable", exc_info=True)
            hit = None
        if hit is not None:
            status, headers, content = hit
            response = HttpResponse(content, status=status, headers=headers)
            response["X-Cache"] = "hit"
            return response
        response = self.get_response(request)
        patch_vary_headers(response, ["HX-Request"])
        if _may_store(request, response):
            headers = {
                name: value
                for name, value in response.items()
                if name.lower() not in {"x-cache", "date"}
            }
            try:
                _cache().set(
                    key,
                    (response.status_code, headers, response.content),
                    settings.PAGE_CACHE_SECONDS,
                )
            except Exception:
                log.warning("page cache unavailable", exc_info=True)
            response["X-Cache"] = "miss"
        return response
