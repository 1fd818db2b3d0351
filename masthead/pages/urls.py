from django.urls import path, re_path
from django.views.generic import RedirectView

from masthead.core.public_id import PUBLIC_ID_PATTERN

from . import views

app_name = "pages"

SLUG = r"[a-z0-9]+(?:-[a-z0-9]+)*"
to_latest = RedirectView.as_view(pattern_name="pages:latest", permanent=True, query_string=True)
to_front = RedirectView.as_view(pattern_name="pages:front", permanent=True, query_string=True)
urlpatterns = [
    path("", views.front, name="front"),
    path("latest", views.latest, name="latest"),
    # The tabs' addresses as readers guess them ("top" and "latest" are reserved channel
    # slugs, so no channel page is shadowed): Top is the front page itself.
    path("latest/", to_latest),
    path("top", to_front),
    path("top/", to_front),
    path("home", views.home, name="home"),
    path("accounts/data/", views.member_data, name="member_data"),
    path("accounts/delete/", views.member_delete, name="member_delete"),
    re_path(
        rf"^(?P<channel>{SLUG})/-/members\.csv$", views.channel_members, name="channel_members"
    ),
    re_path(r"^@(?P<handle>[A-Za-z0-9_]{1,30})$", views.profile, name="profile"),
    re_path(rf"^(?P<channel>{SLUG})/$", views.channel, name="channel"),
    re_path(rf"^(?P<channel>{SLUG})/(?P<section>{SLUG})/$", views.section, name="section"),
    # The slug is whatever precedes the last 22 characters; an id alone also finds the story.
    re_path(
        rf"^(?P<channel>{SLUG})/(?P<section>{SLUG})/(?:(?P<slug>[^/]*)-)?"
        rf"(?P<public_id>{PUBLIC_ID_PATTERN})/$",
        views.story,
        name="story",
    ),
]
