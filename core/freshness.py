"""What makes a page stale: the one place that knows (docs/architecture.md).

Every page declares the names of what it shows (`catalog`, `remedy:<slug>`…);
each name has a version, a random token in the shared store. A write
replaces the tokens of the names it touches once its transaction commits,
and a page stored under other tokens is rendered again on its next request.

The services and the admin call the functions below explicitly, after each
write; nothing here is a signal receiver. This module imports no app: it
reads the objects it is given (`page.remedy.slug`, `study.citations`…).
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterable

from django.conf import settings
from django.core.cache import caches
from django.db import transaction

log = logging.getLogger(__name__)

CATALOG = "catalog"
TALLIES = "tallies"
TRENDING = "trending"

# Fields whose change shows beyond the object's own pages: in lists, links,
# breadcrumbs and names on every page.
LISTED_FIELDS = frozenset(
    {"name", "slug", "is_published", "category", "synonyms", "summary"}
)


def remedy(slug: str) -> str:
    return f"remedy:{slug}"


def ailment(slug: str) -> str:
    return f"ailment:{slug}"


def discussion(slug: str, ailment_slug: str | None = None) -> str:
    """The discussion of a remedy, or of the remedy for one ailment."""
    return f"discussion:{slug}/{ailment_slug}" if ailment_slug else f"discussion:{slug}"


# What each page shows, from its URL's arguments.


def evidence_page_shows(slug: str, ailment_slug: str) -> list[str]:
    return [
        CATALOG,
        remedy(slug),
        ailment(ailment_slug),
        discussion(slug, ailment_slug),
    ]


def remedy_page_shows(slug: str) -> list[str]:
    return [CATALOG, remedy(slug), discussion(slug)]


def ailment_page_shows(slug: str) -> list[str]:
    return [CATALOG, ailment(slug)]


# The store.


def _store():
    return caches[settings.FRESHNESS_CACHE]


def _key(name: str) -> str:
    return f"version:{name}"


def _token() -> str:
    return uuid.uuid4().hex[:16]


def versions(names: Iterable[str], found: dict | None = None) -> dict[str, str] | None:
    """The current version of each name; None when the store cannot say.

    `found` holds values already read from the store (the page pipeline reads
    versions and its entry in one round trip). A name with no version yet
    gets a new one, never one used before, so a page stored before a version
    was lost can never match again.
    """
    names = list(names)
    store = _store()
    if found is None:
        if not getattr(store, "available", True):
            return None
        try:
            found = store.get_many([_key(n) for n in names])
        except Exception:  # the store is an optimisation: never fail a page over it
            log.warning("freshness store unavailable", exc_info=True)
            return None
    if not getattr(store, "available", True):  # it failed just now
        return None
    current = {n: found.get(_key(n)) for n in names}
    for name, value in current.items():
        if value is None:
            token = _token()
            if not store.add(_key(name), token, timeout=None):
                token = store.get(_key(name))
            if token is None:  # the store is failing: do not guess
                return None
            current[name] = token
    return current


def version_keys(names: Iterable[str]) -> list[str]:
    """The store's keys of `names`, for a caller that reads them with its own values."""
    return [_key(n) for n in names]


def _bump(names: Iterable[str]) -> None:
    names = set(names)
    if not names:
        return

    def replace():
        try:
            _store().set_many({_key(n): _token() for n in names}, timeout=None)
        except Exception:
            log.warning("freshness store unavailable", exc_info=True)

    # After the commit: a page rendered from the old rows in between is
    # stored under the old versions, so it is stale as soon as this runs.
    transaction.on_commit(replace)


# The writes.


def votes_changed(page) -> None:
    """A vote was cast, changed or withdrawn on `page` (an evidence page)."""
    _bump([remedy(page.remedy.slug), ailment(page.ailment.slug), TALLIES])


def discussion_changed(target) -> None:
    """A comment on `target` (a remedy or an evidence page) was written, edited,
    deleted, flagged or moderated."""
    _bump([_discussion_of(target)])


def comments_changed(comments) -> None:
    """Several comments changed at once (moderation): each discussion they are in."""
    _bump(
        {
            discussion(slug, ailment_slug)
            for slug, ailment_slug in comments.exclude(evidence_page=None).values_list(
                "evidence_page__remedy__slug", "evidence_page__ailment__slug"
            )
        }
        | {
            discussion(slug)
            for slug in comments.filter(evidence_page=None).values_list(
                "remedy__slug", flat=True
            )
        }
    )


def member_renamed(member) -> None:
    """`member`'s name on their comments changed (a new display name, a deleted account)."""
    comments_changed(member.comments.order_by().distinct())


def content_changed(obj, changed: Iterable[str] | None = None) -> None:
    """An editor saved or deleted `obj`; `changed` names the fields that changed
    (None: all of them). Every page that shows it is stale at once."""
    label = obj._meta.label
    names = set()
    if changed is None or LISTED_FIELDS.intersection(changed):
        names.add(CATALOG)
    if label == "remedies.Remedy":
        names.add(remedy(obj.slug))
    elif label == "ailments.Ailment":
        names.add(ailment(obj.slug))
    elif label == "remedies.EvidencePage":
        names |= {remedy(obj.remedy.slug), ailment(obj.ailment.slug)}
    elif label in ("remedies.HowToStep", "remedies.Citation"):
        names |= {remedy(obj.page.remedy.slug), ailment(obj.page.ailment.slug)}
    elif label == "remedies.Study":
        for remedy_slug, ailment_slug in obj.citations.values_list(
            "page__remedy__slug", "page__ailment__slug"
        ):
            names |= {remedy(remedy_slug), ailment(ailment_slug)}
    elif label == "remedies.Product":
        names.add(remedy(obj.remedy.slug))
    else:  # a category, or anything else an editor changes: wherever it is listed
        names.add(CATALOG)
    _bump(names)


def trending_changed() -> None:
    """An editor hid or restored a term of *Trending now*."""
    _bump([TRENDING])


def everything_changed() -> None:
    """Tallies were repaired, or content loaded in bulk: every page is stale."""
    _bump([CATALOG, TALLIES])
    # Pages of one remedy or ailment show catalog too, so they are stale as well.


def _discussion_of(target) -> str:
    if target._meta.label == "remedies.EvidencePage":
        return discussion(target.remedy.slug, target.ailment.slug)
    return discussion(target.slug)
