from django.urls import path, re_path

from masthead.core.public_id import PUBLIC_ID_PATTERN

from . import queue, views

app_name = "discussion"
urlpatterns = [
    re_path(
        rf"^stories/(?P<public_id>{PUBLIC_ID_PATTERN})/comments/$", views.comment_post, name="post"
    ),
    path("comments/<int:pk>/reply/", views.comment_reply, name="reply"),
    path("comments/<int:pk>/edit/", views.comment_edit, name="edit"),
    path("comments/<int:pk>/delete/", views.comment_delete, name="delete"),
    *(
        path(
            f"comments/<int:pk>/{action}/", views.comment_moderate, {"action": action}, name=action
        )
        for action in views.MODERATION_ACTIONS
    ),
    path("comments/<int:pk>/remove/", views.comment_remove, name="remove"),
    path("comments/<int:pk>/react/", views.comment_react, name="react"),
    re_path(
        rf"^stories/(?P<public_id>{PUBLIC_ID_PATTERN})/comments/manage/$",
        views.story_comments,
        name="story_comments",
    ),
    re_path(
        rf"^stories/(?P<public_id>{PUBLIC_ID_PATTERN})/threads/$",
        views.story_threads,
        name="threads",
    ),
    path("comments/<int:pk>/report/", views.comment_report, name="report"),
    re_path(
        r"^(?P<channel>[a-z0-9]+(?:-[a-z0-9]+)*)/-/moderation/$",
        queue.channel_queue,
        name="queue",
    ),
    path("moderation/", queue.site_queue, name="site_queue"),
]
