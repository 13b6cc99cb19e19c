from django.core.cache import cache
from django.db import connection
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from ailments.models import Ailment
from core import freshness
from core.pages import shared_page
from remedies.models import Remedy


@require_safe
@shared_page(shows=lambda: [freshness.CATALOG, freshness.TALLIES])
def home(request):
    ctx = {
        "top_remedies": Remedy.objects.published().most_helpful(6),
        "ailments": Ailment.objects.published()
        .with_remedy_counts()
        .order_by("name")[:12],
    }
    return render(request, "home.html", ctx)


@require_safe
@shared_page()
def methods(request):
    return render(request, "methods.html")


@require_safe
@shared_page()
def privacy(request):
    return render(request, "privacy.html")


@require_safe
def robots_txt(request):
    return render(request, "robots.txt", content_type="text/plain; charset=utf-8")


@require_safe
@never_cache
def healthz(request):
    """The process is alive. Touches nothing else, so it is cheap."""
    return HttpResponse("ok\n", content_type="text/plain")


@require_safe
@never_cache
def readyz(request):
    """Ready for traffic: the database and the shared cache both answer."""
    failed = []
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception:  # noqa: BLE001 - any failure means not ready
        failed.append("database")
    try:
        cache.set("readyz", "1", timeout=5)
        if cache.get("readyz") != "1":
            failed.append("cache")
    except Exception:  # noqa: BLE001
        failed.append("cache")
    if failed:
        return HttpResponse(
            f"unavailable: {', '.join(failed)}\n", status=503, content_type="text/plain"
        )
    return HttpResponse("ready\n", content_type="text/plain")
