from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render

from remedies_site.structured_data import ailment_page_data

from .models import Ailment

PER_PAGE = 20
ORDERS = {"best": "Best supported", "votes": "Most voted"}


def ailment_list(request):
    ailments = Ailment.objects.published().with_remedy_counts().order_by("name")
    ctx = {"page_obj": Paginator(ailments, PER_PAGE).get_page(request.GET.get("page"))}
    return render(request, "ailments/ailment_list.html", ctx)


def ailment_detail(request, slug):
    ailment = get_object_or_404(Ailment.objects.visible_to(request.user), slug=slug)
    order = request.GET.get("order")
    if order not in ORDERS:
        order = "best"
    pages = (
        ailment.evidence_pages.published()
        .select_related("remedy__category")
        .with_citation_counts()
        .ranked(order)
    )
    page_obj = Paginator(pages, PER_PAGE).get_page(request.GET.get("page"))
    ctx = {
        "ailment": ailment,
        "page_obj": page_obj,
        "order": order,
        "orders": ORDERS,
        "structured_data": ailment_page_data(request, ailment, page_obj),
    }
    return render(request, "ailments/ailment_detail.html", ctx)
