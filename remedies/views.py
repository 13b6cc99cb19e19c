from django.core.paginator import Paginator
from django.core.validators import slug_re
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from core import freshness
from core.pages import shared_page
from core.pagination import annotate_page
from core.structured_data import evidence_page_data, remedy_page_data

from .citations import Markers
from .models import (
    Category,
    Citation,
    EvidencePage,
    Remedy,
    kinds_in_words,
    pooled_tally,
)

PER_PAGE = 20


def _live_pages(remedy: Remedy):
    # The remedy's published pages for published ailments, best supported first.
    return (
        remedy.evidence_pages.published()
        .select_related("ailment")
        .order_by("-score", "-votes_total", "ailment__name")
    )


@require_safe
@shared_page(
    uses=["category", "page"], shows=lambda: [freshness.CATALOG, freshness.TALLIES]
)
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
    """What the remedy page shows about the remedy as a whole.

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
    the page show the same numbers) and its vertical offset. `reorders` says
    where the order (best supported first) differs from the percentages: for
    each condition ranked below one with a lower percentage, that one (the
    nearest above it).
    """
    rows = [
        {"page": p, "tally": p.tally, "y": i * CHART_ROW} for i, p in enumerate(pages)
    ]
    reorders = []
    for i, row in enumerate(rows):
        if not row["tally"].is_rated:
            continue
        above = [
            r
            for r in rows[:i]
            if r["tally"].is_rated and r["tally"].percent < row["tally"].percent
        ]
        if above:
            reorders.append({"below": row, "above": above[-1]})
    return {"rows": rows, "height": len(rows) * CHART_ROW, "reorders": reorders}


@require_safe
@shared_page(uses=["comment_order", "comment_page"], shows=freshness.remedy_page_shows)
def remedy_detail(request, slug):
    remedy = get_object_or_404(
        Remedy.objects.visible_to(request.user).select_related("category"), slug=slug
    )
    ctx = _remedy_context(remedy)
    ctx["chart"] = effectiveness_chart(ctx["pages"])
    ctx["structured_data"] = remedy_page_data(request, remedy, ctx["pages"])
    return render(request, "remedies/remedy_detail.html", ctx)


def evidence_context(page: EvidencePage) -> dict:
    """Everything the evidence page shows: the page, and of its remedy the
    other conditions it helps, its general information and products. The
    remedy's figures as a whole are the remedy page's, not repeated here.
    """
    citations = list(page.citations.select_related("study"))
    steps = list(page.steps.all())
    # The page's texts with their markers linked, in the page's order, so
    # each study's links back follow the page down.
    markers = Markers(len(citations))
    how_to_intro = markers.paragraphs(page.how_to_intro, "intro", "how to use it")
    for number, step in enumerate(steps, start=1):
        step.paragraphs = markers.paragraphs(
            step.instructions, f"step-{number}", f"step {number}"
        )
    how_to_outro = markers.paragraphs(page.how_to_outro, "outro", "after the steps")
    why_it_works = markers.paragraphs(page.why_it_works, "why", "why it works")
    for number, citation in enumerate(citations, start=1):
        citation.number = number
        citation.cited_at = markers.cited_at(number)
    return {
        "page": page,
        "remedy": page.remedy,
        "ailment": page.ailment,
        "other_pages": list(
            _live_pages(page.remedy).exclude(pk=page.pk).with_citation_counts()
        ),
        "steps": steps,
        "how_to_intro": how_to_intro,
        "how_to_outro": how_to_outro,
        "why_it_works": why_it_works,
        "citations": citations,
        "study_kinds": kinds_in_words(c.study for c in citations),
        "products": page.remedy.products.all(),
    }


@require_safe
@shared_page(
    uses=["comment_order", "comment_page"], shows=freshness.evidence_page_shows
)
def evidence_detail(request, slug, ailment_slug):
    page = get_object_or_404(
        EvidencePage.objects.visible_to(request.user)
        .select_related("remedy__category", "ailment")
        .at(slug, ailment_slug),
    )
    ctx = evidence_context(page)
    ctx["structured_data"] = evidence_page_data(request, page)
    return render(request, "remedies/evidence_detail.html", ctx)
