"""/api/v1/: the API's operations, each behind one guard (JSON bodies only, ETags on reads),
the docs page, and a problem for any other address under /api/v1/."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import HttpRequest, HttpResponseBase
from django.urls import URLPattern, URLResolver, path, re_path
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from masthead.core.numbers import whole_number

from . import representations, views
from .api import api, conditional
from .problems import problem_response

UNSUPPORTED = 415
METHOD_NOT_ALLOWED = 405
BODY_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


def _has_body(request: HttpRequest) -> bool:
    # From the headers: a form's stream may have been read already (core/middleware.py).
    return whole_number(request.META.get("CONTENT_LENGTH"), 0) > 0 or bool(
        request.META.get("HTTP_TRANSFER_ENCODING")
    )


def guarded(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if request.method in BODY_METHODS and _has_body(request):
            content_type = request.content_type or ""
            if content_type != "application/json" and not content_type.endswith("+json"):
                return problem_response(
                    UNSUPPORTED, _("Send the body as JSON, with Content-Type: application/json.")
                )
        response = view(request, *args, **kwargs)
        if response.status_code == METHOD_NOT_ALLOWED and "Allow" in response:
            # Ninja's own answer is an HTML page: the API's is a problem, with the methods.
            allowed = response["Allow"]
            return problem_response(
                METHOD_NOT_ALLOWED,
                _("This address takes %(methods)s.") % {"methods": allowed},
                headers={"Allow": allowed},
            )
        representations.keep(request, response)
        return conditional(request, response)

    return wrapped


def _guard_all(patterns: list[Any]) -> list[Any]:
    for entry in patterns:
        if isinstance(entry, URLPattern):
            entry.callback = guarded(entry.callback)
        elif isinstance(entry, URLResolver):
            _guard_all(entry.url_patterns)
    return patterns


@csrf_exempt
def unknown(request: HttpRequest, rest: str) -> HttpResponseBase:
    return problem_response(404, _("The API has nothing at this address: see /api/v1/docs."))


_operations, _app_name, _namespace = api.urls  # the namespace is "api"
urlpatterns = [
    path("accounts/tokens/", views.tokens, name="api_tokens"),
    path("accounts/tokens/<int:pk>/revoke", views.token_revoke, name="api_token_revoke"),
    path("api/v1/docs", views.docs, name="api_docs"),
    path("api/v1/", (_guard_all(list(_operations)), _app_name, _namespace)),
    re_path(r"^api/(?P<rest>.*)$", unknown, name="api_unknown"),
]
