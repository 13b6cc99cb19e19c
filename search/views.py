import base64
import json
import secrets
from datetime import timedelta
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.core import signing
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from core import freshness
from core.pages import shared_page
from core.ratelimit import RateLimitUnavailable, allow, client_key

from . import services
from .models import SearchEntry

PER_PAGE = 20
PER_GROUP = 5
SUGGESTED_AILMENTS = 12
# Searches one client (one address) may have remembered in a minute: more
# than a household types, far fewer than a script would send.
REMEMBER_PER_MINUTE = 60
GROUP_HEADINGS = {
    SearchEntry.Kind.AILMENT: "Ailments",
    SearchEntry.Kind.REMEDY: "Remedies",
    SearchEntry.Kind.PAGE: "Remedies for an ailment",
}


def _query_from(data) -> str:
    # No NUL bytes: PostgreSQL text cannot hold them.
    query = data.get("q", "").replace("\x00", "")
    return query.strip()[: services.MAX_QUERY_LENGTH]


def _query(request) -> str:
    return _query_from(request.GET)


def _groups(entries: list[SearchEntry], counts: dict[str, int], query: str) -> list:
    """The entries by kind, the group with the best first match first."""
    groups: dict[str, dict] = {}
    for entry in entries:
        group = groups.setdefault(
            entry.kind,
            {
                "kind": entry.kind,
                "heading": GROUP_HEADINGS[entry.kind],
                "count": counts.get(entry.kind, 0),
                "more_url": "?" + urlencode({"q": query, "kind": entry.kind}),
                "entries": [],
            },
        )
        group["entries"].append(entry)
    # `entries` come in search order, so the group whose first entry comes
    # first is the best match.
    return sorted(groups.values(), key=lambda g: entries.index(g["entries"][0]))


@require_GET
@shared_page(
    uses=["q", "kind", "page"],
    shows=lambda: [freshness.CATALOG, freshness.TALLIES, freshness.TRENDING],
)
def search_results(request):
    """The results page: the same for every visitor, and it needs no JavaScript."""
    query = _query(request)
    kind = request.GET.get("kind")
    if kind not in GROUP_HEADINGS:
        kind = None
    ctx = {"query": query, "kind": kind, "counts": {}, "total": 0}
    if query:
        results = services.search(query)
        counts = results.kind_counts()
        total = sum(counts.values())
        ctx.update(
            counts=counts,
            total=total,
            tabs=[
                {
                    "kind": k,
                    "heading": heading,
                    "count": counts.get(k, 0),
                    "url": "?" + urlencode({"q": query, "kind": k}),
                }
                for k, heading in GROUP_HEADINGS.items()
                if counts.get(k)
            ],
            all_url="?" + urlencode({"q": query}),
        )
        # Each result line shows its votes, read for the lines shown: the
        # page shows TALLIES, which every vote makes stale.
        if kind:
            page_obj = Paginator(results.filter(kind=kind), PER_PAGE).get_page(
                request.GET.get("page")
            )
            page_obj.object_list = list(page_obj.object_list)
            services.add_ratings(page_obj.object_list)
            ctx.update(
                heading=GROUP_HEADINGS[kind],
                page_obj=page_obj,
                query_string=urlencode({"q": query, "kind": kind}),
            )
        elif total:
            entries = results.top_per_kind(PER_GROUP)
            services.add_ratings(entries)
            ctx["groups"] = _groups(entries, counts, query)
        # The page is the same for every visitor, so it is cached whole; the
        # palette remembers the search afterwards (see `remember`). A search
        # that found nothing is not remembered.
        ctx["remember"] = bool(total) and not kind and "page" not in request.GET
    if not ctx["total"]:
        ctx["suggested_ailments"] = (
            SearchEntry.objects.published()
            .filter(kind=SearchEntry.Kind.AILMENT)
            .order_by("title")[:SUGGESTED_AILMENTS]
        )
        ctx["trending"] = services.trending()
    return render(request, "search/search_results.html", ctx)


@require_GET
@shared_page(uses=["q"], shows=lambda: [freshness.CATALOG])
def suggest(request):
    """The palette's suggestions for what has been typed: a partial, the same for everyone."""
    query = _query(request)
    if not request.htmx:
        return redirect(
            reverse("search:search_results") + "?" + urlencode({"q": query})
        )
    ctx = {"query": query, "suggestions": services.suggest(query)}
    return render(request, "search/suggest.html", ctx)


# A transparent 1x1 GIF: the results page asks for it as an image.
PIXEL = base64.b64decode("R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7")


def _client(request) -> str | None:
    """The client's key for search's limits, or None once it has remembered
    REMEMBER_PER_MINUTE searches this minute (or when that cannot be counted)."""
    client = client_key(request, "search")
    try:
        allowed = allow(
            f"search-remember:{client}", limit=REMEMBER_PER_MINUTE, window=60
        )
    except RateLimitUnavailable:
        allowed = False
    return client if allowed else None


# The recent searches of a visitor without a session: a signed cookie of
# theirs (services.RecentCookie), never a session started for them.
RECENT_COOKIE_SALT = "search.recent"
RECENT_COOKIE_DAYS = 30


def recent_cookie_name() -> str:
    # Like the session's: __Host- wherever cookies are Secure (production).
    return ("__Host-" if settings.SESSION_COOKIE_SECURE else "") + "recent"


def _recent_cookie(request) -> services.RecentCookie:
    """The visitor's cookie as they sent it, or a new one (not held) when they
    sent none, or one that is not ours or is too old."""
    try:
        value = json.loads(
            request.get_signed_cookie(
                recent_cookie_name(),
                salt=RECENT_COOKIE_SALT,
                max_age=timedelta(days=RECENT_COOKIE_DAYS),
            )
        )
        visitor = value["v"]
        if not isinstance(visitor, str) or len(visitor) != 32:
            raise ValueError(visitor)
        return services.RecentCookie(
            visitor, services.recent_items(value.get("r")), held=True
        )
    except (KeyError, TypeError, ValueError, signing.BadSignature):
        return services.RecentCookie(secrets.token_hex(16), [], held=False)


def _keep_recent_cookie(response, cookie: services.RecentCookie) -> None:
    if cookie.changed:
        response.set_signed_cookie(
            recent_cookie_name(),
            json.dumps({"v": cookie.visitor, "r": cookie.items}, separators=(",", ":")),
            salt=RECENT_COOKIE_SALT,
            max_age=RECENT_COOKIE_DAYS * 24 * 3600,
            secure=settings.SESSION_COOKIE_SECURE,
            httponly=True,
            samesite="Lax",
        )


def _record(request, response, **search) -> None:
    """Record a search (services.record_search) and keep the visitor's cookie on `response`."""
    cookie = _recent_cookie(request)
    services.record_search(session=request.session, cookie=cookie, **search)
    _keep_recent_cookie(response, cookie)


def _recent(request) -> list[dict]:
    """The visitor's recent searches: from their session if they hold one, else their cookie."""
    if services.RECENT_KEY in request.session:
        return request.session[services.RECENT_KEY]
    return _recent_cookie(request).items


@require_GET
@never_cache
def remember(request):
    """A search the visitor made, noted once its results page has loaded.

    The results page is the same for every visitor, so it is cached whole and
    writes nothing; it shows a hidden image from this address instead, which
    works with or without JavaScript. A search that finds something goes into
    the visitor's recent searches and the anonymous trending log (see
    `services.record_search` for who counts); one that finds nothing goes
    nowhere. Rate limited per client.
    """
    response = HttpResponse(PIXEL, content_type="image/gif")
    if query := _query(request):
        client = _client(request)
        if client is None:
            response = HttpResponse(status=429)
            response["Retry-After"] = "60"
            return response
        _record(
            request,
            response,
            term=query,
            client=client,
            found=services.search(query).exists(),
        )
    return response


@require_GET
@never_cache
def open_result(request, pk):
    """A suggestion chosen in the palette: remember it, then go to its page.

    Over the rate limit it only goes to the page.
    """
    entry = get_object_or_404(SearchEntry.objects.published(), pk=pk)
    response = redirect(entry.url)
    if (client := _client(request)) is not None:
        _record(request, response, term=entry.title, client=client, entry=entry)
    return response


def _recent_context(request) -> dict:
    return {
        "recent": services.recent_searches(_recent(request)),
        "trending": services.trending(),
    }


@require_GET
@never_cache
def recent_searches(request):
    """The visitor's recent searches and what is trending.

    With htmx it is the palette's opening content, loaded in its own request
    because it differs per visitor; without JavaScript it is a small page.
    """
    template = "search/recent_searches.html"
    if request.htmx:
        template += "#palette-home"
    return render(request, template, _recent_context(request))


@require_POST
@never_cache
def clear_recent_searches(request):
    """Forget the visitor's recent searches, in their session and their cookie."""
    cleared = bool(_recent(request))
    request.session.pop(services.RECENT_KEY, None)
    text = (
        "Your recent searches are cleared."
        if cleared
        else "You had no recent searches."
    )
    if request.htmx:
        ctx = {"recent": [], "trending": services.trending(), "notice": text}
        response = render(request, "search/recent_searches.html#palette-home", ctx)
    else:
        messages.success(request, text)
        response = redirect("search:recent_searches")
    response.delete_cookie(recent_cookie_name(), samesite="Lax")
    return response
