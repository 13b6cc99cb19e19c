from django.urls import path

from . import views

app_name = "ailments"
urlpatterns = [
    path("", views.ailment_list, name="ailment_list"),
    path("<slug:slug>/", views.ailment_detail, name="ailment_detail"),
]
