from django.urls import path

from . import views

app_name = "votes"
urlpatterns = [
    path("remedies/<slug:slug>/for/<slug:ailment_slug>/vote/", views.vote, name="vote"),
]
