from django.urls import path, re_path

from . import views

app_name = "channels"

CHANNEL = r"^(?P<channel>[a-z0-9]+(?:-[a-z0-9]+)*)/-/"
urlpatterns = [
    path("accounts/following/", views.following, name="following"),
    re_path(CHANNEL + r"team/$", views.team, name="team"),
    re_path(CHANNEL + r"follow/$", views.follow, name="follow"),
    re_path(CHANNEL + r"team/(?P<pk>\d+)/remove/$", views.team_remove, name="team_remove"),
]
