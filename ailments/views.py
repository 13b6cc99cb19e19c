from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from core import freshness
from core.pages import shared_page
from core.pagination import annotate_page
from core.structured_data import ailment_page_data

from .models import Ailment

PER_PAGE = 20
ORDERS = {"best": "Best supported", "votes": "Most voted"}


@require_safe
@shared_page(uses=["page"], shows=lambda: [freshness.CATALOG])
def ailment_list(request):
    ailments = Ailment.objects.published().order_by("name")
    page_obj = Paginator(ailments, PER_PAGE).get_page(request.GET.get("page"))
    ctx = {"page_obj": annotate_page(page_obj, lambda rows: rows.with_remedy_counts())}
    return render(request, "ailments/ailment_list.html", ctx)


@require_safe
@shared_page(uses=["order", "page"], shows=freshness.ailment_page_shows)
def ailment_detail(request, slug):
    ailment = get_object_or_404(Ailment.objects.visible_to(request.user), slug=slug)
    order = request.GET.get("order")
    if order not in ORDERS:
        order = "best"
    pages = ailment.evidence_pages.published().ranked(order)
    page_obj = annotate_page(
        Paginator(pages, PER_PAGE).get_page(request.GET.get("page")),
        lambda rows: rows.select_related("remedy__category").with_citation_counts(),
    )
    ctx = {
        "ailment": ailment,
        "page_obj": page_obj,
        "order": order,
        "orders": ORDERS,
        "structured_data": ailment_page_data(request, ailment, page_obj),
    }
    return render(request, "ailments/ailment_detail.html", ctx)
