from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path

from masthead.core.views import healthz, media

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/", include("masthead.accounts.urls")),
    path("accounts/", include("allauth.urls")),
    path("healthz", healthz, name="healthz"),
    path("", include("masthead.api.urls")),
    re_path(r"^" + settings.MEDIA_URL.strip("/") + r"/(?P<path>.+)$", media, name="media"),
    path("", include("masthead.discovery.urls")),
    path("", include("masthead.discussion.urls")),
    path("", include("masthead.moderation.urls")),
    path("", include("masthead.channels.urls")),
    path("", include("masthead.notifications.urls")),
    path("", include("masthead.stories.urls")),
    path("", include("masthead.ingest.urls")),
    path("", include("masthead.search.urls")),
    path("", include("masthead.feeds.urls")),
    path("", include("masthead.pages.urls")),
]

handler400 = "masthead.api.views.bad_request"  # problems under /api/, else core's page
handler403 = "masthead.api.views.forbidden"
handler404 = "masthead.api.views.not_found"
handler500 = "masthead.api.views.server_error"
