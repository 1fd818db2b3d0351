"""The baseline: the smallest Django application, one view, no middleware.

``granian --interface wsgi bench.minimal_app:application`` serves it with the same flags
``masthead serve`` uses, so the ratio compares Masthead with Django itself on this machine.
"""

from django.conf import settings
from django.core.wsgi import get_wsgi_application
from django.http import HttpRequest, HttpResponse
from django.urls import path

settings.configure(
    DEBUG=False,
    SECRET_KEY="bench-only-not-secret",  # noqa: S106
    ALLOWED_HOSTS=["*"],
    ROOT_URLCONF=__name__,
    MIDDLEWARE=[],
    INSTALLED_APPS=[],
)


def hello(request: HttpRequest) -> HttpResponse:
    return HttpResponse("Hello from a minimal Django view.\n", content_type="text/plain")


urlpatterns = [path("", hello)]

application = get_wsgi_application()
