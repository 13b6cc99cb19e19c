from django.shortcuts import render

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
