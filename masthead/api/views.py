from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from masthead.accounts.auth import member_of
from masthead.core import ratelimit
from masthead.core import views as core_views
from masthead.core.forms import UNPROCESSABLE, submit

from . import selectors, services
from .forms import AccessTokenForm
from .models import AccessToken
from .problems import problem_response


def docs(request: HttpRequest) -> HttpResponse:
    """The API's reference for people: Swagger UI over the OpenAPI document, from files the
    pinned django-ninja wheel ships (no CDN) and a script of ours (no inline script: the
    site's Content Security Policy allows none)."""
    return render(request, "api/docs.html", {"openapi_url": reverse("api:openapi-json")})


def _tokens_page(
    request: HttpRequest, form: AccessTokenForm, *, secret: str = "", status: int = 200
) -> HttpResponse:
    member = member_of(request)
    response = render(
        request,
        "api/tokens.html",
        {"tokens": selectors.access_tokens_of(member), "form": form, "secret": secret},
        status=status,
    )
    # The page may hold a secret shown once: kept by no cache.
    response["Cache-Control"] = "private, no-store"
    # The site's Referrer-Policy (same-origin) stays: the page's address holds no secret, and
    # under "no-referrer" Chromium posts the page's own forms with "Origin: null", which the
    # CSRF check refuses (the buttons answered 403).
    return response


@login_required
@require_http_methods(["GET", "POST"])
def tokens(request: HttpRequest) -> HttpResponse:
    """The member's API tokens: the list, and the form that makes one (its secret shown on
    the answer to the post, once)."""
    if request.method == "GET":
        return _tokens_page(request, AccessTokenForm())
    form = AccessTokenForm(request.POST)
    if not form.is_valid():
        return _tokens_page(request, form, status=UNPROCESSABLE)
    member = member_of(request)
    outcome = submit(
        form,
        request,
        scope="profile",
        action=lambda: services.access_token_create(
            actor=member,
            member=member,
            name=form.cleaned_data["name"],
            scope=form.cleaned_data["scope"],
        ),
    )
    if outcome.value is None:
        response = _tokens_page(request, form, status=outcome.status)
        for name, value in outcome.headers.items():
            response[name] = value
        return response
    _token, secret = outcome.value
    return _tokens_page(request, AccessTokenForm(), secret=secret, status=201)


@login_required
@require_POST
@ratelimit.limited("profile")
def token_revoke(request: HttpRequest, pk: int) -> HttpResponseBase:
    member = member_of(request)
    token = AccessToken.objects.filter(pk=pk, member=member).first()
    if token is None:
        raise Http404(_("No such token."))
    services.access_token_revoke(actor=member, token=token)
    messages.success(request, _("The token “%(name)s” is revoked.") % {"name": token.name})
    return redirect("api_tokens")


# --- the project's error handlers (masthead/urls.py): problems under /api/, pages elsewhere ---
# A request refused before it reaches the API (a NUL in its query, by core.middleware) or
# failing outside it still answers an API client in the API's shape.

API_PREFIX = "/api/"


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if request.path.startswith(API_PREFIX):
        return problem_response(400, str(exception or "") or _("The request is malformed."))
    return core_views.bad_request(request, exception)


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponseBase:
    if request.path.startswith(API_PREFIX):
        return problem_response(404, _("The API has nothing at this address: see /api/v1/docs."))
    return core_views.not_found(request, exception)


def forbidden(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if request.path.startswith(API_PREFIX):
        return problem_response(403, str(exception or "") or _("You may not do this."))
    return core_views.forbidden(request, exception)


def server_error(request: HttpRequest) -> HttpResponse:
    if request.path.startswith(API_PREFIX):
        return problem_response(500, _("Something went wrong on our side. It is logged."))
    return core_views.server_error(request)
