from django.urls import path, re_path

from . import views

app_name = "moderation"

CHANNEL = r"^(?P<channel>[a-z0-9]+(?:-[a-z0-9]+)*)/-/moderation/"
urlpatterns = [
    path("moderation/log/", views.site_log, name="site_log"),
    re_path(CHANNEL + r"log/$", views.log, name="log"),
    re_path(CHANNEL + r"rules/$", views.rules, name="rules"),
    re_path(CHANNEL + r"words/$", views.word_add, name="word_add"),
    re_path(CHANNEL + r"words/(?P<pk>\d+)/remove/$", views.word_remove, name="word_remove"),
    re_path(CHANNEL + r"bans/$", views.ban_add, name="ban_add"),
    re_path(CHANNEL + r"bans/(?P<pk>\d+)/lift/$", views.ban_lift, name="ban_lift"),
]
