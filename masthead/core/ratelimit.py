"""Fixed-window rate limits on writes, counted in the cache shared by all processes.

A rate is written ``N/S``: N attempts per S seconds. Each write names its scope (``comment``)
and is counted per member and per client address; the first limit exceeded wins.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any, TypeVar

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import render
from django.utils.translation import gettext as _

from .views import error_page

View = TypeVar("View", bound=Callable[..., HttpResponseBase])


@dataclass(frozen=True)
class Rate:
    limit: int
    period: int

    @classmethod
    def parse(cls, text: str) -> Rate:
        count, _sep, seconds = text.partition("/")
        return cls(limit=int(count), period=int(seconds))


class RateLimited(Exception):
    def __init__(self, retry_after: int) -> None:
        self.retry_after = max(1, retry_after)
        super().__init__(
            _("You are doing that too often. Try again in %(seconds)s seconds.")
            % {"seconds": self.retry_after}
        )


def client_ip(request: HttpRequest) -> str:
    """The client's address; behind N trusted proxies, the Nth address from the right."""
    proxies = settings.MASTHEAD_TRUSTED_PROXY_COUNT
    if proxies:
        forwarded = [a.strip() for a in request.headers.get("X-Forwarded-For", "").split(",")]
        forwarded = [a for a in forwarded if a]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR", "")


def _rate(name: str) -> Rate | None:
    text = settings.MASTHEAD_RATE_LIMITS.get(name)
    return Rate.parse(text) if text else None


def _count_hits(windows: list[tuple[str, int]]) -> list[int]:
    count_hits = getattr(cache, "count_hits", None)
    if count_hits is not None:  # the Redis backend: one round trip
        return list(count_hits(windows))
    counts = []
    for key, seconds in windows:
        if cache.add(key, 1, timeout=seconds):
            counts.append(1)
            continue
        try:
            counts.append(cache.incr(key))
        except ValueError:  # expired between add and incr: the first hit of a new window
            cache.set(key, 1, timeout=seconds)
            counts.append(1)
    return counts


def check(scope: str, *, request: HttpRequest, user_id: int | None = None) -> None:
    """Count one attempt at ``scope``; raise RateLimited when a limit is exceeded."""
    if not settings.MASTHEAD_RATE_LIMITS_ENABLED:
        return
    now = time.time()
    scopes = [(f"{scope}:ip:{client_ip(request)}", _rate(f"{scope}:ip"))]
    if user_id is not None:
        scopes.append((f"{scope}:member:{user_id}", _rate(f"{scope}:member")))
    limits = [(key, rate) for key, rate in scopes if rate is not None]
    if not limits:
        return
    windows = [
        (f"ratelimit:{key}:{math.floor(now / rate.period)}", rate.period + 1)
        for key, rate in limits
    ]
    for count, (_key, rate) in zip(_count_hits(windows), limits, strict=True):
        if count > rate.limit:
            window_end = (math.floor(now / rate.period) + 1) * rate.period
            raise RateLimited(math.ceil(window_end - now))


def too_often(request: HttpRequest, error: RateLimited) -> HttpResponse:
    """429 with Retry-After and the message, as a fragment for htmx or in a page."""
    headers = {"Retry-After": str(error.retry_after)}
    if request.headers.get("HX-Request"):
        response = render(
            request,
            "core/notice.html",
            {"message": str(error), "role": "alert"},
            status=429,
        )
        for name, value in headers.items():
            response[name] = value
        return response
    response = error_page(request, "core/too_often.html", {"message": str(error)}, status=429)
    response["Retry-After"] = headers["Retry-After"]
    return response


def limited(scope: str) -> Callable[[View], View]:
    """Count every POST to the view under ``scope``; past the limit, answer 429 with
    Retry-After and the message, as a fragment for htmx or in a page."""

    def decorate(view: View) -> View:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            if request.method == "POST":
                user = getattr(request, "user", None)
                try:
                    check(scope, request=request, user_id=user.pk if user else None)
                except RateLimited as error:
                    return too_often(request, error)
            return view(request, *args, **kwargs)

        return wrapped  # type: ignore[return-value]

    return decorate
