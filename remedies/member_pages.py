"""Members' evidence pages, rendered once and shared, with each member's own parts filled in.

Visitors get whole pages from the page cache (core/pagecache.py).
A member's evidence page differs from another member's in three things
only: the vote box (their own vote), the CSRF token in its forms, and the
comment form's one-time token (which makes a double submit store one
comment). So the page is rendered once as a shell, those three marked, and
shared by members for PAGE_CACHE_SECONDS; each request fills them in.

Rendered whole for the one asking, as before: staff (drafts, moderation
buttons), a member with a comment in this page's discussion (their own
edit and delete buttons), a request with a message waiting, htmx requests,
and every request while the cache cannot say what is current.

The key holds everything the shell shows that can change: the page and its
tally, the content version (editors' saves), the remedy's vote activity
(the numbers of its other pages) and the page's discussion activity.
"""

from __future__ import annotations

import hashlib
import re
import uuid
from contextlib import suppress

from django.conf import settings
from django.core.cache import caches
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.template.loader import render_to_string

from core import pagecache

from .models import EvidencePage

TEMPLATE = "remedies/evidence_detail.html"
CSRF_MARK = "\x00csrf\x00"
TOKEN_MARK = "\x00comment-token\x00"
# What Django's {% csrf_token %} and the comment form's hidden token field
# write; what people write is escaped, so it cannot contain either.
_CSRF_VALUE = re.compile(r'(name="csrfmiddlewaretoken" value=")[^"]*(")')
_TOKEN_VALUE = re.compile(r'(name="token" value=")[^"]*(")')


class SharedPage:
    """A member's request for the shared rendering of an evidence page."""

    def __init__(self, request, page: EvidencePage, key: str):
        self.request, self.page, self.key = request, page, key
        # Who has a comment on the page (their own buttons show): kept with
        # the stored page, so that serving it needs no query for it.
        self.commenters: frozenset[int] | None = None

    @classmethod
    def find(cls, request, page: EvidencePage) -> SharedPage | None:
        """The shared page this request may be served, or None to render for them alone."""
        user = request.user
        if (
            settings.PAGE_CACHE_SECONDS <= 0
            or not user.is_authenticated
            or user.is_staff
            or request.htmx
            or pagecache.message_waiting(request)
        ):
            return None
        found = pagecache.versions(f"remedy:{page.remedy_id}", f"page:{page.pk}")
        if found is None:
            return None
        parts = (
            page.pk,
            page.updated_at.timestamp(),
            page.votes_up,
            page.votes_down,
            *found,
            request.GET.get("comment_order", "")[:20],
            request.GET.get("comment_page", "")[:20],
        )
        digest = hashlib.sha256(repr(parts).encode()).hexdigest()
        return cls(request, page, f"member-page:{page.pk}:{digest}")

    def serve(self) -> HttpResponse | None:
        """The stored page filled in for this member; None when it must be rendered."""
        try:
            shell = caches[pagecache.ALIAS].get(self.key)
        except Exception:  # the cache is an optimisation: render instead
            shell = None
        if shell is None:
            return None
        self.commenters = shell["commenters"]
        if self.request.user.pk in self.commenters:
            return None
        return self._respond(shell, "hit")

    def may_share(self) -> bool:
        """Whether this member's page is the shared one: they have no comment on it."""
        if self.commenters is None:
            self.commenters = frozenset(
                self.page.comments.order_by()
                .values_list("author_id", flat=True)
                .distinct()
            )
        return self.request.user.pk not in self.commenters

    def render_and_store(self, ctx: dict) -> HttpResponse:
        """Render the page with no one's vote and the tokens marked, store it, answer."""
        request, my_vote = self.request, ctx["my_vote"]
        ctx = {**ctx, "my_vote": None}
        shell = {
            "html": _mark(render_to_string(TEMPLATE, ctx, request)),
            "vote_box": _mark(render_to_string(f"{TEMPLATE}#vote-box", ctx, request)),
            "commenters": self.commenters,
        }
        if shell["vote_box"] in shell["html"]:
            with suppress(
                Exception
            ):  # if it cannot be stored, it is served all the same
                caches[pagecache.ALIAS].set(
                    self.key, shell, settings.PAGE_CACHE_SECONDS
                )
        return self._respond(shell, "miss", my_vote=my_vote)

    def _respond(self, shell: dict, outcome: str, *, my_vote=...) -> HttpResponse:
        request, page = self.request, self.page
        if my_vote is ...:
            my_vote = page.vote_of(request.user)
        html = shell["html"]
        if my_vote is not None:
            box = render_to_string(
                f"{TEMPLATE}#vote-box",
                {
                    "page": page,
                    "remedy": page.remedy,
                    "ailment": page.ailment,
                    "user": request.user,
                    "my_vote": my_vote,
                    "csrf_token": CSRF_MARK,
                },
            )
            html = html.replace(shell["vote_box"], box, 1)
        html = html.replace(CSRF_MARK, get_token(request))
        html = html.replace(TOKEN_MARK, str(uuid.uuid4()))
        response = HttpResponse(html)
        response["X-Cache"] = f"member-{outcome}"
        return response


def _mark(html: str) -> str:
    html = _CSRF_VALUE.sub(lambda m: m[1] + CSRF_MARK + m[2], html)
    return _TOKEN_VALUE.sub(lambda m: m[1] + TOKEN_MARK + m[2], html)
