from __future__ import annotations

from django.conf import settings
from django.db import connection
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.views.decorators.cache import cache_control
from django.views.static import serve

# Uploaded files get random names and are never rewritten in place (core/images.py), so
# their URLs can be cached for a year.
MEDIA_MAX_AGE = 31_536_000


@cache_control(public=True, max_age=MEDIA_MAX_AGE, immutable=True)
def media(request: HttpRequest, path: str) -> HttpResponseBase:
    """Uploaded images, for installations without a web server in front to serve them."""
    response = serve(request, path, document_root=str(settings.MEDIA_ROOT))
    response["X-Content-Type-Options"] = "nosniff"
    return response


def healthz(request: HttpRequest) -> HttpResponse:
    """For load balancers: the process answers and its database does too."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return HttpResponse("ok", content_type="text/plain")


def robots_txt(request: HttpRequest) -> HttpResponse:
    lines = ["User-agent: *", "Disallow: /accounts/", "Disallow: /admin/", "Disallow: /comments/"]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain")
