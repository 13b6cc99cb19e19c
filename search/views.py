from django.core.paginator import Paginator
from django.shortcuts import render

from ailments.models import Ailment

from .services import search

PER_PAGE = 20


def search_results(request):
    query = request.GET.get("q", "").strip()[:100]
    results = search(query) if query else None
    ctx = {
        "query": query,
        "results": results,
        "page_obj": Paginator(results.pages, PER_PAGE).get_page(request.GET.get("page"))
        if results
        else None,
        "suggested_ailments": Ailment.objects.published().order_by("name")[:8]
        if not results or results.is_empty
        else [],
    }
    return render(request, "search/search_results.html", ctx)
