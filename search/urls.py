from django.urls import path

from . import views

app_name = "search"
urlpatterns = [
    path("", views.search_results, name="search_results"),
    path("suggest/", views.suggest, name="suggest"),
    path("remember/", views.remember, name="remember"),
    path("go/<int:pk>/", views.open_result, name="open_result"),
    path("recent/", views.recent_searches, name="recent_searches"),
    path("recent/clear/", views.clear_recent_searches, name="clear_recent_searches"),
]
