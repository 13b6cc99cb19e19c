"""A 405 is a page too: Django's own has an empty body."""

from __future__ import annotations

from django.shortcuts import render


class MethodNotAllowedPageMiddleware:
    """Give an empty 405 (a form sent where only reading is allowed, say) a real page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code != 405 or response.content:
            return response
        page = render(request, "405.html", {"method": request.method}, status=405)
        page["Allow"] = response.get("Allow", "")
        return page
