"""Request bodies over the limits get a page of their own, before anything else reads them.

Django refuses a body over DATA_UPLOAD_MAX_MEMORY_SIZE, or with more fields
than DATA_UPLOAD_MAX_NUMBER_FIELDS, when something first reads request.POST.
When that first reader is the CSRF check, the error page it leads to runs the
same check again and fails a second time: a server error. Reading the form
here, first, turns each into a clear 413 or 400 page. A NUL byte in the
admin's query string (its searches and filters reach PostgreSQL, which holds
no NUL in text) gets the 400 page too. The body is read whole
(the site takes no uploads), so the limit holds for every kind of body.
"""

from __future__ import annotations

import logging

from django.core.exceptions import (
    RequestDataTooBig,
    TooManyFieldsSent,
    TooManyFilesSent,
)
from django.http.multipartparser import MultiPartParserError
from django.shortcuts import render

log = logging.getLogger("django.security.request_limits")


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
                request.body  # noqa: B018
                request.POST  # noqa: B018 - parsed now, within the limits, or refused
            except RequestDataTooBig as exc:
                return self.refuse(request, exc, "413.html", 413)
            except (TooManyFieldsSent, TooManyFilesSent, MultiPartParserError) as exc:
                return self.refuse(request, exc, "400.html", 400)
        return self.get_response(request)

    def refuse(self, request, exc, template: str, status: int):
        log.warning("Refused a request (%s): %s", status, exc)
        # Nothing may read the body again, the page included.
        request._mark_post_parse_error()
        return render(request, template, status=status)
