"""Fixed-window rate limits on writes, counted in the cache shared by all processes.

A rate is written ``N/S``: N attempts per S seconds. Each write names its scope (``comment``)
and is counted per member and per client address; the first limit exceeded wins.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from django.utils.translation import gettext as _


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


def _count(key: str, rate: Rate, now: float) -> int | None:
    window = math.floor(now / rate.period)
    cache_key = f"ratelimit:{key}:{window}"
    if cache.add(cache_key, 1, timeout=rate.period + 1):
        count = 1
    else:
        try:
            count = cache.incr(cache_key)
        except ValueError:  # expired between add and incr: this is the first hit of a window
            cache.set(cache_key, 1, timeout=rate.period + 1)
            count = 1
    if count > rate.limit:
        return math.ceil((window + 1) * rate.period - now)
    return None


def check(scope: str, *, request: HttpRequest, user_id: int | None = None) -> None:
    """Count one attempt at ``scope``; raise RateLimited when a limit is exceeded."""
    if not settings.MASTHEAD_RATE_LIMITS_ENABLED:
        return
    now = time.time()
    keys: list[tuple[str, Rate | None]] = [
        (f"{scope}:ip:{client_ip(request)}", _rate(f"{scope}:ip"))
    ]
    if user_id is not None:
        keys.append((f"{scope}:member:{user_id}", _rate(f"{scope}:member")))
    for key, rate in keys:
        if rate is None:
            continue
        retry_after = _count(key, rate, now)
        if retry_after is not None:
            raise RateLimited(retry_after)
