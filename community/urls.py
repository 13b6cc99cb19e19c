from django.urls import path

from . import views

app_name = "community"
urlpatterns = [
    path("inbox/", views.inbox, name="inbox"),
    path("inbox/<int:notice_id>/", views.open_notice, name="open_notice"),
    path("notifications/", views.notification_settings, name="notification_settings"),
    # One-click unsubscribe from every email (RFC 8058), signed in or not.
    path(
        "unsubscribe/<int:member_id>/<str:token>/",
        views.unsubscribe,
        name="unsubscribe",
    ),
    path("follow/remedies/<slug:slug>/", views.follow_remedy, name="follow_remedy"),
    path(
        "follow/ailments/<slug:ailment_slug>/",
        views.follow_ailment,
        name="follow_ailment",
    ),
    path("watch/remedies/<slug:slug>/", views.watch, name="watch"),
    path(
        "watch/remedies/<slug:slug>/for/<slug:ailment_slug>/",
        views.watch,
        name="watch",
    ),
    path("suggest/remedy/", views.suggest_remedy, name="suggest_remedy"),
    path("suggest/pair/", views.suggest_pair, name="suggest_pair"),
    path(
        "suggest/correction/remedies/<slug:slug>/",
        views.suggest_correction,
        name="suggest_correction",
    ),
    path(
        "suggest/correction/remedies/<slug:slug>/for/<slug:ailment_slug>/",
        views.suggest_correction,
        name="suggest_correction",
    ),
    path(
        "suggest/correction/ailments/<slug:ailment_slug>/",
        views.suggest_correction,
        name="suggest_ailment_correction",
    ),
]
