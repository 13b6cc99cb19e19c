from django.urls import path

from . import share, views

app_name = "remedies"
urlpatterns = [
    path("", views.remedy_list, name="remedy_list"),
    path("<slug:slug>/", views.remedy_detail, name="remedy_detail"),
    path(
        "<slug:slug>/for/<slug:ailment_slug>/",
        views.evidence_detail,
        name="evidence_detail",
    ),
    path(
        "<slug:slug>/for/<slug:ailment_slug>/share.png",
        share.share_image,
        name="share_image",
    ),
]
