from django.urls import path

from . import views

app_name = "accounts"
urlpatterns = [
    path("", views.profile, name="profile"),
    path("delete/", views.delete_account, name="delete_account"),
    path("export/", views.export_data, name="export_data"),
]
