from django.conf import settings
from django.core.paginator import Paginator
from django.core.validators import slug_re
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from core.pagecache import content_version
from core.pagination import annotate_page
from core.structured_data import evidence_page_data, remedy_page_data

from . import member_pages
from .models import Category, Citation, EvidencePage, Remedy, pooled_tally

PER_PAGE = 20


def _live_pages(remedy: Remedy):
    # The remedy's published pages for published ailments, best supported first.
    return (
        remedy.evidence_pages.published()
        .select_related("ailment")
        .order_by("-score", "-votes_total", "ailment__name")
    )


@require_safe
def remedy_list(request):
    remedies = Remedy.objects.published().order_by("name")
    category = None
    if slug := request.GET.get("category"):
        # Not a slug (a NUL byte would fail the query on PostgreSQL): no such category.
        category = get_object_or_404(
            Category, slug=slug if slug_re.fullmatch(slug) else None
        )
        remedies = remedies.filter(category=category)
    page_obj = Paginator(remedies, PER_PAGE).get_page(request.GET.get("page"))
    ctx = {
        "page_obj": annotate_page(page_obj, lambda rows: rows.with_stats()),
        "categories": Category.objects.all(),
        "category": category,
    }
    return render(request, "remedies/remedy_list.html", ctx)


def _remedy_context(remedy: Remedy) -> dict:
    """What the remedy page and its evidence pages show about the remedy as a whole.

    Every figure is computed from the one list of live pages, so the conditions,
    vote totals, studies and pooled effectiveness always agree.
    """
    pages = list(_live_pages(remedy).with_citation_counts())
    study_count = (
        Citation.objects.filter(page__in=pages).values("study").distinct().count()
        if pages
        else 0
    )
    return {
        "remedy": remedy,
        "pages": pages,
        "pooled": pooled_tally(pages),
        "study_count": study_count,
        "products": remedy.products.all(),
    }


# The remedy page's chart: one row per condition, in CSS pixels.
CHART_ROW = 52


def effectiveness_chart(pages) -> dict:
    """Rows of the remedy page's effectiveness chart, drawn by an inline SVG.

    Each row has the condition's tally (so the chart, its table and the rest of
    the page show the same numbers) and its vertical offset.
    """
    rows = [
        {"page": p, "tally": p.tally, "y": i * CHART_ROW} for i, p in enumerate(pages)
    ]
    return {"rows": rows, "height": len(rows) * CHART_ROW}


@require_safe
def remedy_detail(request, slug):
    remedy = get_object_or_404(
        Remedy.objects.visible_to(request.user).select_related("category"), slug=slug
    )
    ctx = _remedy_context(remedy)
    ctx["chart"] = effectiveness_chart(ctx["pages"])
    ctx["structured_data"] = remedy_page_data(request, remedy, ctx["pages"])
    return render(request, "remedies/remedy_detail.html", ctx)


def evidence_context(request, page: EvidencePage) -> dict:
    """Everything the evidence page shows; the vote view re-renders parts of it.

    Steps, citations and products stay lazy: the page reads each once, and the
    vote view's partial, which shows none of them, never queries them.
    """
    ctx = _remedy_context(page.remedy)
    ctx.update(
        page=page,
        ailment=page.ailment,
        steps=page.steps.all(),
        citations=page.citations.select_related("study"),
        my_vote=page.vote_of(request.user),
    )
    return ctx


@require_safe
def evidence_detail(request, slug, ailment_slug):
    page = get_object_or_404(
        EvidencePage.objects.visible_to(request.user)
        .select_related("remedy__category", "ailment")
        .at(slug, ailment_slug),
    )
    # Most members share one rendering of the page, their own parts filled in.
    shared = member_pages.SharedPage.find(request, page)
    if shared and (response := shared.serve()):
        return response
    ctx = evidence_context(request, page)
    ctx["structured_data"] = evidence_page_data(request, page)
    # For everyone else, the parts that are the same for all are cached under
    # the page and the content's version.
    ctx["fragment_key"] = (page.pk, page.updated_at.timestamp(), content_version())
    ctx["fragment_seconds"] = settings.FRAGMENT_CACHE_SECONDS
    if shared and shared.may_share():
        return shared.render_and_store(ctx)
    return render(request, "remedies/evidence_detail.html", ctx)
