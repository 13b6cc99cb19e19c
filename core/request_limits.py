"""Request bodies over the limits get a page of their own, before anything else reads them.

Django refuses a body over DATA_UPLOAD_MAX_MEMORY_SIZE, or with more fields
than DATA_UPLOAD_MAX_NUMBER_FIELDS, when something first reads request.POST.
When that first reader is the CSRF check, the error page it leads to runs the
same check again and fails a second time: a server error. Reading the form
here, first, turns each into a clear 413 or 400 page, as it does a form in
a charset other than UTF-8 (which Django refuses). A NUL byte in the
admin's query string (its searches and filters reach PostgreSQL, which holds
no NUL in text) gets the 400 page too. The body is read whole
(the site takes no uploads), so the limit holds for every kind of body.

A body that never arrives whole (the client went away mid-way, or sent less
than its Content-Length said) is a 400 too, logged in one line: nothing acts
on half a form.
"""

from __future__ import annotations

import logging

from django.core.exceptions import (
    BadRequest,
    RequestDataTooBig,
    TooManyFieldsSent,
    TooManyFilesSent,
)
from django.http import UnreadablePostError
from django.http.multipartparser import MultiPartParserError
from django.shortcuts import render

log = logging.getLogger("django.security.request_limits")


class IncompleteBody(Exception):
    """The body ended before the length the request announced."""


def _escaped(text: str, limit: int) -> str:
    return text[:limit].encode("unicode_escape").decode("ascii")


def _announced_length(request) -> int:
    try:
        return max(int(request.META.get("CONTENT_LENGTH") or 0), 0)
    except ValueError:  # Django reads such a body as empty, and so do we
        return 0


class RequestLimitsMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path.startswith("/admin/") and any(
            "\x00" in key or "\x00" in value
            for key, values in request.GET.lists()
            for value in values
        ):
            # The admin's searches and filters would send it to the database,
            # which cannot hold a NUL byte in text.
            return self.refuse(request, "NUL byte in the query", "400.html", 400)
        if request.method == "POST":
            try:
                # The whole body, kept: a view that reads request.body still can.
                body = request.body
                if len(body) < _announced_length(request):
                    raise IncompleteBody(
                        f"the body ended after {len(body)} of "
                        f"{_announced_length(request)} bytes"
                    )
                request.POST  # noqa: B018 - parsed now, within the limits, or refused
            except RequestDataTooBig as exc:
                return self.refuse(request, exc, "413.html", 413)
            except (
                TooManyFieldsSent,
                TooManyFilesSent,
                MultiPartParserError,
                BadRequest,  # a form in a charset other than UTF-8
            ) as exc:
                return self.refuse(request, exc, "400.html", 400)
            except UnreadablePostError as exc:
                # The connection broke mid-body: OSError's words, no traceback.
                reason = f"the body could not be read ({exc.__cause__ or exc})"
                return self.refuse(request, reason, "400.html", 400)
            except IncompleteBody as exc:
                return self.refuse(request, exc, "400.html", 400)
        return self.get_response(request)

    def refuse(self, request, exc, template: str, status: int):
        # One line: what the client sent is escaped, so it cannot start another.
        log.warning(
            "Refused a request (%s) to %s: %s",
            status,
            _escaped(request.path, 200),
            _escaped(str(exc), 300),
        )
        # Nothing may read the body again, the page included.
        request._mark_post_parse_error()
        response = render(request, template, status=status)
        response._has_been_logged = True  # above: not again by Django
        return response


class WithoutTraceback(logging.Filter):
    """A logging filter: the record's message without its traceback.

    Django logs a request refused for its Host header (DisallowedHost) with
    the whole traceback; the message alone says everything, in one line.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        record.exc_info = None
        record.exc_text = None
        record.stack_info = None
        return True
