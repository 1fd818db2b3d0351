"""Errors as RFC 9457 problem details (``application/problem+json``).

Every refusal the API gives has ``type``, ``title``, ``status`` and a ``detail`` for a person;
input that does not validate names its fields in ``errors``. The handlers are registered on
the API (api.py), so a service's ``PermissionDenied`` or ``ValidationError`` answers in the
same shape as the API's own checks.
"""

from __future__ import annotations

import json
import logging
from http import HTTPStatus
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from masthead.core.ratelimit import RateLimited

logger = logging.getLogger(__name__)

MEDIA_TYPE = "application/problem+json"
TYPE_BASE = "/api/v1/docs#problem-"  # a problem's type names where it is explained


class Problem(Exception):
    """A refusal raised by the API's own code: ``raise Problem(404, _("No such story."))``."""

    def __init__(
        self,
        status: int,
        detail: str,
        *,
        errors: list[dict[str, str]] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.errors = errors
        self.headers = headers or {}


def problem_response(
    status: int,
    detail: str,
    *,
    errors: list[dict[str, str]] | None = None,
    headers: dict[str, str] | None = None,
) -> HttpResponse:
    phrase = HTTPStatus(status).phrase
    body: dict[str, Any] = {
        "type": TYPE_BASE + phrase.lower().replace(" ", "-").replace("'", ""),
        "title": phrase,
        "status": status,
        "detail": detail,
    }
    if errors is not None:
        body["errors"] = errors
    response = HttpResponse(
        json.dumps(body, ensure_ascii=False), status=status, content_type=MEDIA_TYPE
    )
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def _field(loc: tuple[Any, ...] | list[Any]) -> str:
    """A pydantic location as the field's name: ("body", "payload", "parent", "int") ->
    "parent". Every schema here is flat: the field is the first name after the schema's (what
    follows names a member of a union or an item of a list)."""
    parts = [str(part) for part in loc]
    if parts and parts[0] in {"body", "query", "path", "header", "cookie"}:
        parts = parts[1:]
    if len(parts) > 1 and parts[0] in {"payload", "filters", "params", "page"}:
        parts = parts[1:]
    return parts[0] if parts else "body"


def field_errors(exc: NinjaValidationError) -> list[dict[str, str]]:
    return [
        {"field": _field(error.get("loc", ())), "message": str(error.get("msg", ""))}
        for error in exc.errors
    ]


def _validation(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    errors = field_errors(exc)
    names = ", ".join(dict.fromkeys(error["field"] for error in errors))
    return problem_response(
        422, _("Some of what was sent is not valid: %(fields)s.") % {"fields": names}, errors=errors
    )


def _service_refused(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
    """A service's ValidationError: by field where it names one, as the site's forms show it."""
    if hasattr(exc, "error_dict"):
        errors = [
            {"field": name if name != "__all__" else "body", "message": message}
            for name, messages in exc.message_dict.items()
            for message in messages
        ]
    else:
        errors = [{"field": "", "message": message} for message in exc.messages]
    return problem_response(422, " ".join(e["message"] for e in errors), errors=errors)


def _denied(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return problem_response(403, str(exc) or _("You may not do this."))


def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return problem_response(404, _("There is nothing at this address."))


def _too_often(request: HttpRequest, exc: RateLimited) -> HttpResponse:
    return problem_response(429, str(exc), headers={"Retry-After": str(exc.retry_after)})


def _unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    detail = exc.message if exc.message != "Unauthorized" else _("Log in, or send a token.")
    return problem_response(401, detail, headers={"WWW-Authenticate": 'Bearer realm="api"'})


def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    detail = str(exc.message)
    if detail == "Cannot parse request body":
        detail = _("The body is not valid JSON.")
    elif detail == "CSRF check Failed":
        detail = _("The CSRF token is missing or wrong: send X-CSRFToken with a session.")
    return problem_response(exc.status_code, detail)


def _problem(request: HttpRequest, exc: Problem) -> HttpResponse:
    return problem_response(exc.status, exc.detail, errors=exc.errors, headers=exc.headers)


def _unexpected(request: HttpRequest, exc: Exception) -> HttpResponse:
    logger.exception("API error on %s %s", request.method, request.path, exc_info=exc)
    return problem_response(500, _("Something went wrong on our side. It is logged."))


def install(api: NinjaAPI) -> None:
    """Every error the API can meet, answered as a problem."""
    handlers: list[tuple[type[Exception], Any]] = [
        (Problem, _problem),
        (NinjaValidationError, _validation),
        (AuthenticationError, _unauthenticated),
        (HttpError, _http_error),
        (DjangoValidationError, _service_refused),
        (PermissionDenied, _denied),
        (Http404, _not_found),
        (RateLimited, _too_often),
        (Exception, _unexpected),
    ]
    for exc_class, handler in handlers:
        api.add_exception_handler(exc_class, handler)
