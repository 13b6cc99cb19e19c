import base64
from urllib.parse import urlencode

from django.contrib import messages
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
    query = _query(request)
    if query:
        client = _client(request)
        if client is None:
            response = HttpResponse(status=429)
            response["Retry-After"] = "60"
            return response
        found = services.search(query).exists()
        services.record_search(
            session=request.session, term=query, found=found, client=client
        )
    return HttpResponse(PIXEL, content_type="image/gif")


@require_GET
@never_cache
def open_result(request, pk):
    """A suggestion chosen in the palette: remember it, then go to its page.

    Over the rate limit it only goes to the page.
    """
    entry = get_object_or_404(SearchEntry.objects.published(), pk=pk)
    if (client := _client(request)) is not None:
        services.record_search(
            session=request.session, term=entry.title, entry=entry, client=client
        )
    return redirect(entry.url)


def _recent_context(request) -> dict:
    return {
        "recent": services.recent_searches(request.session),
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
    cleared = services.clear_recent_searches(session=request.session)
    text = (
        "Your recent searches are cleared."
        if cleared
        else "You had no recent searches."
    )
    if request.htmx:
        ctx = _recent_context(request) | {"notice": text}
        return render(request, "search/recent_searches.html#palette-home", ctx)
    messages.success(request, text)
    return redirect("search:recent_searches")
