from django.urls import path

from . import views

app_name = "discussions"
urlpatterns = [
    path("remedies/<slug:slug>/", views.post_comment, name="post_comment"),
    path(
        "remedies/<slug:slug>/for/<slug:ailment_slug>/",
        views.post_comment,
        name="post_comment",
    ),
    path("<int:comment_id>/", views.comment, name="comment"),
    path("<int:comment_id>/reply/", views.reply, name="reply"),
    path("<int:comment_id>/edit/", views.edit_comment, name="edit_comment"),
    path("<int:comment_id>/delete/", views.delete_comment, name="delete_comment"),
    path("<int:comment_id>/flag/", views.flag_comment, name="flag_comment"),
]
