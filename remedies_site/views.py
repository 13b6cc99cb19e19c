from django.core.cache import cache
from django.db import connection
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from ailments.models import Ailment
from remedies.models import Remedy


def home(request):
    ctx = {
        "top_remedies": Remedy.objects.published()
        .with_stats()
        .filter(pooled_up__gt=0)
        .order_by("-pooled_up", "name")[:6],
        "ailments": Ailment.objects.published()
        .with_remedy_counts()
        .order_by("name")[:12],
    }
    return render(request, "home.html", ctx)


def methods(request):
    return render(request, "methods.html")


def robots_txt(request):
    return render(request, "robots.txt", content_type="text/plain; charset=utf-8")


@never_cache
def healthz(request):
    """The process is alive. Touches nothing else, so it is cheap."""
    return HttpResponse("ok\n", content_type="text/plain")


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
