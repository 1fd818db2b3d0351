from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse, HttpResponseBase, HttpResponsePermanentRedirect
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import Resolver404, resolve
from django.utils.encoding import escape_uri_path
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.static import serve

from .errors import NotFound

logger = logging.getLogger(__name__)

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


# --- error pages -----------------------------------------------------------------------------


def bare_page(template: str, context: dict[str, Any], *, status: int) -> HttpResponse:
    """``template`` rendered without the request, so with no member, no context processors
    and no database query: its base shows the bare header (``_header_bare.html``)."""
    return HttpResponse(render_to_string(template, {**context, "bare": True}), status=status)


def error_page(
    request: HttpRequest, template: str, context: dict[str, Any], *, status: int
) -> HttpResponse:
    """A 4xx page with the member's header; when the database fails it (the header loads the
    member and the channels), the bare page instead of a second error."""
    try:
        return render(request, template, context, status=status)
    except DatabaseError as error:
        logger.warning("a %d page without its header: the database failed (%s)", status, error)
        return bare_page(template, context, status=status)


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponseBase:
    """What was asked for is missing: said in its own words when a selector knew (a member, a
    channel, a story), in general words otherwise. An address that exists without its trailing
    slash (``/@handle/``, ``/home/``) is sent there instead: readers and old links add one."""
    if (redirect := _without_trailing_slash(request)) is not None:
        return redirect
    if isinstance(exception, NotFound):
        title, message = exception.title, exception.message
    else:
        title = _("Page not found")
        message = _(
            "There is nothing at this address. The story may have moved, or the link may be "
            "mistyped."
        )
    return error_page(request, "core/error.html", {"title": title, "message": message}, status=404)


def _without_trailing_slash(request: HttpRequest) -> HttpResponseBase | None:
    path = request.path_info
    if request.method not in {"GET", "HEAD"} or not path.endswith("/") or path.startswith("//"):
        return None  # "//host/" stripped would leave the site: never a redirect
    try:
        resolve(path.removesuffix("/"))
    except Resolver404:
        return None
    query = request.META.get("QUERY_STRING", "")
    target = escape_uri_path(request.path.removesuffix("/")) + (f"?{query}" if query else "")
    return HttpResponsePermanentRedirect(target)


def forbidden(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    message = (
        str(exception)
        if exception and str(exception)
        else _("You do not have permission to do this.")
    )
    if request.headers.get("HX-Request"):  # htmx puts the answer in a slot of the page
        return error_page(request, "core/error_fragment.html", {"message": message}, status=403)
    return error_page(
        request, "core/error.html", {"title": _("Not allowed"), "message": message}, status=403
    )


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A form refused by the CSRF check (settings.CSRF_FAILURE_VIEW): the site's page, which
    says what to do, instead of Django's, whose inline style the site's CSP refuses."""
    logger.warning("CSRF refused %s %s: %s", request.method, request.path, reason)
    message = _(
        "This form had expired or came from another page. Go back, reload the page and send "
        "it again: nothing was saved."
    )
    return error_page(
        request, "core/error.html", {"title": _("Please try again"), "message": message}, status=403
    )


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return error_page(
        request,
        "core/error.html",
        {"title": _("Bad request"), "message": _("The request could not be understood.")},
        status=400,
    )


def server_error(request: HttpRequest) -> HttpResponse:
    """Never asks the database, nor the request: the database being away may be the error."""
    return bare_page(
        "core/error.html",
        {
            "title": _("Something went wrong"),
            "message": _("The error has been logged. Please try again in a moment."),
        },
        status=500,
    )
