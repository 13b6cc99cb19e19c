"""The page pipeline: each page rendered once per state of its content, for
everyone, and each person's own parts filled in from slots.

docs/architecture.md describes it; in short, a view decorated with
`@shared_page(uses=…, shows=…)` is run as an anonymous reader, with only the
query parameters it uses. Its output is stored as shared text and slots
(the `{% personal %}` blocks of its templates) under the versions of what it
shows (core/freshness.py), and every request joins the shared text with its
own rendering of each slot.
"""

from __future__ import annotations

import copy
import hashlib
import logging
import secrets
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import wraps
from pathlib import Path

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.cache import caches
from django.http import HttpResponse, QueryDict
from django.template import Context, engines
from django.template.loader import get_template
from django.utils.cache import patch_vary_headers

from . import freshness

log = logging.getLogger(__name__)

# Where a slot sits in a shared rendering. Random per process, so nothing a
# person writes (always escaped, and never stored with a page) can forge one.
MARK = f"\x00slot-{secrets.token_hex(8)}\x00"

# Providers of per-person data, by slot name (`slot_provider`).
PROVIDERS: dict[str, Callable[..., dict]] = {}

# Query parameter values longer than this are cut: no page reads more.
MAX_PARAM = 200


def slot_provider(name: str):
    """Register `func(request, **args) -> dict`: what the slot `name` shows of the person."""

    def register(func):
        PROVIDERS[name] = func
        return func

    return register


@dataclass(frozen=True)
class Slot:
    template: str  # the template the {% personal %} block is written in
    name: str
    args: tuple[tuple[str, object], ...]


def _person(request) -> dict:
    """What every slot sees of the person (the context processors' output),
    worked out once per request however many slots the page has."""
    if "_slot_person" not in request.__dict__:
        person = {}
        for processor in engines["django"].engine.template_context_processors:
            person.update(processor(request))
        request._slot_person = person
    return request._slot_person


def render_slot(request, slot: Slot) -> str:
    """The slot rendered for the person asking: its partial, its arguments and its provider's data."""
    ctx = dict(slot.args)
    # A page answered before anyone is known (a 400 or 413 from a middleware
    # ahead of authentication) shows the visitor's version.
    if hasattr(request, "user") and (provider := PROVIDERS.get(slot.name)):
        ctx.update(provider(request, **ctx))
    partial = get_template(f"{slot.template}#{slot.name}")
    if request is None:
        return partial.render(ctx)
    return partial.template.render(Context({**_person(request), **ctx}))


class SharedRendering:
    """Set on the request while a view renders for everyone: collects its slots."""

    def __init__(self):
        self.slots: list[Slot] = []

    def mark(self, slot: Slot) -> str:
        self.slots.append(slot)
        return f"{MARK}{len(self.slots) - 1}{MARK}"


def rendering(request) -> SharedRendering | None:
    return getattr(request, "_shared_rendering", None)


@dataclass
class Entry:
    """A page as stored: shared text around its slots, and what it was made from."""

    versions: dict[str, str]
    status: int
    headers: dict[str, str]
    texts: list[str]
    slots: list[Slot]
    visitor: bytes | None = field(default=None)

    @classmethod
    def split(cls, response, shared: SharedRendering, versions) -> Entry:
        parts = response.content.decode(response.charset).split(MARK)
        texts, slots = parts[0::2], [shared.slots[int(i)] for i in parts[1::2]]
        headers = {
            name: value
            for name, value in response.items()
            if name.lower() not in {"date", "x-cache", "set-cookie"}
        }
        return cls(versions, response.status_code, headers, texts, slots)

    def join(self, request) -> str:
        out = [self.texts[0]]
        for slot, text in zip(self.slots, self.texts[1:], strict=True):
            out.append(render_slot(request, slot))
            out.append(text)
        return "".join(out)

    def respond(self, request, outcome: str) -> HttpResponse:
        if self.visitor is not None and _is_visitor(request):
            content = self.visitor
        else:
            content = self.join(request)
        response = HttpResponse(content, status=self.status, headers=self.headers)
        response["X-Cache"] = outcome
        patch_vary_headers(response, ["Cookie", "HX-Request"])
        return response


def _is_visitor(request) -> bool:
    """Nobody signed in and no message waiting: the page every visitor gets."""
    if request.user.is_authenticated:
        return False
    from django.contrib.messages import get_messages

    storage = get_messages(request)
    return not storage or not len(storage)


# The code and templates the pages are made from: a deploy never serves a
# page made by the previous release.
def _release() -> str:
    digest = hashlib.sha256()
    base = Path(settings.BASE_DIR)
    for path in sorted(
        p
        for pattern in ("*/*.py", "*/templatetags/*.py", "templates/**/*.html")
        for p in base.glob(pattern)
        if ".venv" not in p.parts and "tests" not in p.parts
    ):
        digest.update(str(path.relative_to(base)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


RELEASE = None


def release() -> str:
    global RELEASE
    if RELEASE is None:
        RELEASE = _release()
    return RELEASE


def _used(request, uses: Iterable[str]) -> QueryDict:
    """The request's query, reduced to the parameters the page uses (first value, bounded)."""
    params = QueryDict(mutable=True)
    for name in uses:
        value = request.GET.get(name)
        if value:
            params[name] = value[:MAX_PARAM]
    params._mutable = False
    return params


def _entry_key(request, view_name: str, audience: str, kwargs, params) -> str:
    htmx = "htmx" if request.headers.get("HX-Request") == "true" else "page"
    what = repr((sorted(kwargs.items()), sorted(params.items())))
    digest = hashlib.sha256(what.encode()).hexdigest()[:32]
    return f"page:{release()}:{audience}:{htmx}:{view_name}:{digest}"


def _read(key: str, names: list[str]) -> tuple[Entry | None, dict] | None:
    """The stored entry and the current versions, in one round trip where the stores are one."""
    pages = caches[settings.PAGES_CACHE]
    version_keys = freshness.version_keys(names)
    try:
        if settings.FRESHNESS_CACHE == settings.PAGES_CACHE:
            found = pages.get_many([key, *version_keys])
            entry = found.pop(key, None)
            current = freshness.versions(names, found)
        else:
            entry = pages.get(key)
            current = freshness.versions(names)
    except Exception:  # the cache is an optimisation: render instead
        log.warning("page cache unavailable", exc_info=True)
        return None
    if current is None or not getattr(pages, "available", True):
        return None
    return entry, current


def _store(key: str, entry: Entry) -> None:
    try:
        caches[settings.PAGES_CACHE].set(key, entry, settings.PAGE_CACHE_SECONDS)
    except Exception:
        log.warning("page cache unavailable", exc_info=True)


class _Shared:
    """Run a view as everyone: no person, no message, only the used parameters."""

    def __init__(self, request, audience: str, params: QueryDict):
        self.request, self.audience, self.params = request, audience, params

    def __enter__(self) -> SharedRendering:
        r = self.request
        self.saved = (
            r.user,
            r.GET,
            r.META.get("QUERY_STRING", ""),
            r.__dict__.get("_messages"),
        )
        self.csrf_before = r.META.get("CSRF_COOKIE_NEEDS_UPDATE", False)
        if self.audience == "public":
            r.user = AnonymousUser()
        r.GET = self.params
        r.META["QUERY_STRING"] = self.params.urlencode()
        r._messages = []
        r._shared_rendering = self.rendering = SharedRendering()
        return self.rendering

    def __exit__(self, *exc):
        r = self.request
        r.user, r.GET, r.META["QUERY_STRING"], messages = self.saved
        if messages is None:
            r.__dict__.pop("_messages", None)
        else:
            r._messages = messages
        del r._shared_rendering
        return False

    def asked_for_csrf(self) -> bool:
        return (
            self.request.META.get("CSRF_COOKIE_NEEDS_UPDATE", False) != self.csrf_before
        )


def _storable(request, response, shared: _Shared) -> bool:
    if response.status_code != 200 or response.streaming or response.cookies:
        return False
    session = getattr(request, "session", None)
    if session is not None and session.modified:
        log.error("%s wrote to the session while rendering for all", request.path)
        return False
    if shared.asked_for_csrf():
        log.error("%s used a CSRF token outside a personal block", request.path)
        return False
    return True


def shared_page(
    *, uses: Iterable[str] = (), shows: Callable[..., list[str]] | None = None
):
    """Serve the decorated view through the pipeline.

    `uses`: the query parameters the page reads; `shows`: a function of the
    URL's arguments giving the names of what the page shows (core/freshness.py).
    """
    uses = tuple(uses)

    def decorator(view):
        view_name = f"{view.__module__}.{view.__qualname__}"

        @wraps(view)
        def serve(request, *args, **kwargs):
            params = _used(request, uses)
            audience = "editors" if request.user.is_staff else "public"
            names = shows(**kwargs) if shows else []
            key = _entry_key(request, view_name, audience, kwargs, params)
            read = _read(key, names) if settings.PAGE_CACHE_SECONDS > 0 else None
            if read is not None:
                entry, current = read
                if entry is not None and entry.versions == current:
                    return entry.respond(request, "hit")
            shared = _Shared(request, audience, params)
            with shared:
                response = view(request, *args, **kwargs)
                if hasattr(response, "render") and not response.is_rendered:
                    response.render()
            storable = read is not None and _storable(request, response, shared)
            if not storable and not shared.rendering.slots:
                return response
            entry = Entry.split(response, shared.rendering, current if read else {})
            if storable:
                if audience == "public":
                    entry.visitor = _visitor_page(request, entry, params)
                _store(key, entry)
            filled = entry.respond(request, "miss" if storable else "bypass")
            for cookie in response.cookies.values():
                filled.cookies[cookie.key] = cookie
            return filled

        return serve

    return decorator


def _visitor_page(request, entry: Entry, params: QueryDict) -> bytes | None:
    """The whole page as any visitor gets it (same path and used parameters,
    nobody signed in, no message), joined once when it is stored."""
    visitor = copy.copy(request)
    visitor.user = AnonymousUser()
    visitor._messages = []
    visitor.GET = params
    visitor.META = {k: v for k, v in request.META.items() if not k.startswith("CSRF_")}
    visitor.META["QUERY_STRING"] = params.urlencode()
    content = entry.join(visitor)
    if "CSRF_COOKIE" in visitor.META:
        log.error("%s: a visitor's slot used a CSRF token", request.path)
        return None
    return content.encode()
