from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse


def docs(request: HttpRequest) -> HttpResponse:
    """The API's reference for people: Swagger UI over the OpenAPI document, from files the
    pinned django-ninja wheel ships (no CDN) and a script of ours (no inline script: the
    site's Content Security Policy allows none)."""
    return render(request, "api/docs.html", {"openapi_url": reverse("api:openapi-json")})
