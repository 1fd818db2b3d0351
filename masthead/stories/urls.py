from django.urls import re_path

from masthead.core.public_id import PUBLIC_ID_PATTERN

from . import views

app_name = "stories"

CHANNEL = r"^(?P<channel>[a-z0-9]+(?:-[a-z0-9]+)*)/-/"
urlpatterns = [
    re_path(CHANNEL + r"$", views.desk, name="desk"),
    re_path(CHANNEL + r"new/$", views.story_new, name="new"),
    re_path(CHANNEL + r"curate/$", views.story_curate, name="curate"),
    re_path(
        CHANNEL + rf"stories/(?P<public_id>{PUBLIC_ID_PATTERN})/edit/$",
        views.story_edit,
        name="edit",
    ),
    re_path(
        CHANNEL + rf"stories/(?P<public_id>{PUBLIC_ID_PATTERN})/pin/$",
        views.story_pin,
        name="pin",
    ),
    re_path(
        CHANNEL + rf"stories/(?P<public_id>{PUBLIC_ID_PATTERN})/unpin/$",
        views.story_unpin,
        name="unpin",
    ),
    re_path(
        CHANNEL + rf"stories/(?P<public_id>{PUBLIC_ID_PATTERN})/withdraw/$",
        views.story_withdraw,
        name="withdraw",
    ),
]
