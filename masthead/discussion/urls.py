from django.urls import path, re_path

from masthead.core.public_id import PUBLIC_ID_PATTERN

from . import views

app_name = "discussion"
urlpatterns = [
    re_path(
        rf"^stories/(?P<public_id>{PUBLIC_ID_PATTERN})/comments/$", views.comment_post, name="post"
    ),
    path("comments/<int:pk>/reply/", views.comment_reply, name="reply"),
    path("comments/<int:pk>/edit/", views.comment_edit, name="edit"),
    path("comments/<int:pk>/delete/", views.comment_delete, name="delete"),
    path("comments/<int:pk>/hide/", views.comment_moderate, {"action": "hide"}, name="hide"),
    path(
        "comments/<int:pk>/restore/", views.comment_moderate, {"action": "restore"}, name="restore"
    ),
    path("comments/<int:pk>/report/", views.comment_report, name="report"),
]
