from django.contrib import admin
from django.urls import include, path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("about/methods/", views.methods, name="methods"),
    path("remedies/", include("remedies.urls")),
    path("ailments/", include("ailments.urls")),
    path("search/", include("search.urls")),
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
]
