from django.urls import re_path

from . import views

app_name = "ingest"

CHANNEL = r"^(?P<channel>[a-z0-9]+(?:-[a-z0-9]+)*)/-/"
urlpatterns = [
    re_path(CHANNEL + r"queue/$", views.queue, name="queue"),
    re_path(CHANNEL + r"queue/submit/$", views.submit_url, name="submit"),
    re_path(CHANNEL + r"queue/dismiss/$", views.dismiss, name="dismiss"),
    re_path(CHANNEL + r"queue/(?P<pk>\d+)/$", views.candidate, name="candidate"),
    re_path(CHANNEL + r"queue/(?P<pk>\d+)/refetch/$", views.candidate_refetch, name="refetch"),
    re_path(CHANNEL + r"feeds/$", views.feeds, name="feeds"),
    re_path(CHANNEL + r"feeds/(?P<pk>\d+)/$", views.feed_change, name="feed"),
    re_path(CHANNEL + r"feeds/import/$", views.opml_import, name="opml_import"),
    re_path(CHANNEL + r"feeds\.opml$", views.opml_export, name="opml_export"),
]
