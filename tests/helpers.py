"""Small factories for tests: plain functions, sensible defaults, keyword overrides."""

from __future__ import annotations

import itertools
import time
from types import SimpleNamespace
from unittest import mock

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.test import TestCase

from ailments.models import Ailment
from core import ratelimit
from remedies.models import (
    Category,
    Citation,
    EvidencePage,
    HowToStep,
    Product,
    Remedy,
    Study,
)
from votes.scoring import wilson_lower_bound

_seq = itertools.count(1)


def make_category(**kwargs) -> Category:
    n = next(_seq)
    kwargs.setdefault("name", f"Category {n}")
    kwargs.setdefault("slug", f"category-{n}")
    return Category.objects.create(**kwargs)


def make_remedy(**kwargs) -> Remedy:
    n = next(_seq)
    kwargs.setdefault("name", f"Remedy {n}")
    kwargs.setdefault("slug", f"remedy-{n}")
    if "category" not in kwargs:
        kwargs["category"] = make_category()
    kwargs.setdefault("what_it_is", "What it is.")
    kwargs.setdefault("how_it_works", "How it works.")
    kwargs.setdefault("why_it_matters", "Why it matters.")
    kwargs.setdefault("considerations", "Considerations.")
    kwargs.setdefault("safety_rating", 8)
    kwargs.setdefault("is_published", True)
    return Remedy.objects.create(**kwargs)


def make_ailment(**kwargs) -> Ailment:
    n = next(_seq)
    kwargs.setdefault("name", f"Ailment {n}")
    kwargs.setdefault("slug", f"ailment-{n}")
    kwargs.setdefault("description", "An ailment.")
    kwargs.setdefault(
        "red_flags", "Sudden weakness in both legs: call emergency services now."
    )
    return Ailment.objects.create(**kwargs)


def make_study(**kwargs) -> Study:
    n = next(_seq)
    kwargs.setdefault("key", f"study-{n}")
    kwargs.setdefault("title", f"Study {n}")
    kwargs.setdefault("publisher", "A Journal")
    kwargs.setdefault("year", 2020)
    kwargs.setdefault("kind", Study.Kind.TRIAL)
    kwargs.setdefault("url", f"https://example.org/study-{n}")
    return Study.objects.create(**kwargs)


def make_page(
    remedy: Remedy | None = None,
    ailment: Ailment | None = None,
    *,
    up: int = 0,
    down: int = 0,
    steps: int = 0,
    studies: list[Study] | None = None,
    **kwargs,
) -> EvidencePage:
    kwargs.setdefault("summary", "A summary.")
    kwargs.setdefault("why_it_works", "Because.\n\nAnd more.")
    kwargs.setdefault("grade", EvidencePage.Grade.B)
    kwargs.setdefault("is_published", True)
    page = EvidencePage.objects.create(
        remedy=remedy or make_remedy(), ailment=ailment or make_ailment(), **kwargs
    )
    for i in range(1, steps + 1):
        HowToStep.objects.create(
            page=page,
            position=i,
            title=f"Step {i}",
            instructions="Do it.",
            reps="10 reps",
        )
    for i, study in enumerate(studies or [], start=1):
        Citation.objects.create(page=page, study=study, position=i)
    if up or down:
        set_tally(page, up, down)
    return page


def set_tally(page: EvidencePage, up: int, down: int) -> EvidencePage:
    """Give a page tallies without vote rows, for tests of pages that only read them."""
    EvidencePage.objects.filter(pk=page.pk).update(
        votes_up=up,
        votes_down=down,
        votes_total=up + down,
        score=wilson_lower_bound(up, up + down),
    )
    page.refresh_from_db()
    return page


def make_product(remedy: Remedy, **kwargs) -> Product:
    n = next(_seq)
    kwargs.setdefault("name", f"Product {n}")
    kwargs.setdefault("description", "A product.")
    kwargs.setdefault("url", f"https://example.com/products/{n}")
    kwargs.setdefault("disclosure", "Listed for convenience; we earn nothing from it.")
    return Product.objects.create(remedy=remedy, **kwargs)


PASSWORD = "a-long-test-password"


def make_member(*, verified: bool = True, **kwargs):
    """A member; with a verified primary email unless `verified=False`."""
    n = next(_seq)
    kwargs.setdefault("username", f"member{n}")
    kwargs.setdefault("email", f"member{n}@example.com")
    user = get_user_model().objects.create_user(password=PASSWORD, **kwargs)
    EmailAddress.objects.create(
        user=user, email=user.email, verified=verified, primary=True
    )
    return user


def make_editor(**kwargs):
    """Staff in the Editors group: content and moderation permissions, no user management."""
    from accounts.editors import sync_editors_group

    kwargs.setdefault("is_staff", True)
    editor = make_member(**kwargs)
    editor.groups.add(sync_editors_group())
    return editor


def within_one_rate_window():
    """Hold the rate limits' clock 30 seconds into an hour, for a test's every attempt.

    `ratelimit.allow` counts in windows fixed on the clock (a minute for votes,
    ten for comment edits): a test whose attempts straddled a window's end would
    see its count start again. Usable as a decorator or a context manager.
    """
    held = (int(time.time()) // 3600) * 3600 + 30
    clock = SimpleNamespace(time=lambda: held, monotonic=time.monotonic)
    return mock.patch.object(ratelimit, "time", clock)


class SiteTestCase(TestCase):
    """Named people: a visitor (the anonymous client), members and an editor."""

    def setUp(self):
        # Rate-limit counters live in the cache; Redis keeps them across tests.
        cache.clear()

    @classmethod
    def setUpTestData(cls):
        cls.member = make_member(display_name="Alice")
        cls.other_member = make_member(display_name="Bob")
        cls.unverified = make_member(display_name="Una", verified=False)
        cls.editor = make_editor(display_name="Erin")


def make_comment(target=None, *, author=None, parent=None, text=None, **kwargs):
    """A comment on `target` (a Remedy or an EvidencePage), or a reply to `parent`.

    Goes through discussions.services, so threads and depths are as the site makes them.
    """
    from discussions import services

    author = author or make_member()
    text = text or f"Comment {next(_seq)}"
    if parent is not None:
        comment = services.reply(author=author, parent=parent, text=text)
    else:
        comment = services.post_comment(author=author, target=target, text=text)
    if kwargs:
        type(comment).objects.filter(pk=comment.pk).update(**kwargs)
        comment.refresh_from_db()
    return comment


def session_queries() -> int:
    """SQL queries to read a signed-in person's session: none where sessions
    are read from Redis (cached_db, with REDIS_URL), one from the database."""
    from django.conf import settings

    return 0 if settings.SESSION_ENGINE.endswith("cached_db") else 1
