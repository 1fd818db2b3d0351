"""The parts that talk to the cache, on Redis as production runs them: rate-limit counters
in one round trip, and page-cache versions."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import RequestFactory

from masthead.core import ratelimit, versions


def test_rate_limit_counts_on_redis(redis_cache: Any, settings: Any) -> None:
    settings.MASTHEAD_RATE_LIMITS = {"comment:member": "3/60", "comment:ip": "5/60"}
    request = RequestFactory().post("/", REMOTE_ADDR="192.0.2.7")
    for _ in range(3):
        ratelimit.check("comment", request=request, user_id=11)
    with pytest.raises(ratelimit.RateLimited) as limited:
        ratelimit.check("comment", request=request, user_id=11)
    assert 0 < limited.value.retry_after <= 60
    ratelimit.check("comment", request=request, user_id=12)  # another member, same address
    with pytest.raises(ratelimit.RateLimited):
        ratelimit.check("comment", request=request, user_id=13)  # the address is spent now
    counters = list(redis_cache._cache.get_client().keys("*ratelimit*"))
    assert counters and all(redis_cache._cache.get_client().ttl(key) > 0 for key in counters)


def test_versions_on_redis(redis_cache: Any) -> None:
    first = versions.current("page:a", "page:b")
    assert versions.current("page:a", "page:b") == first
    versions.bump("page:b")
    second = versions.current("page:a", "page:b")
    assert second != first and second.split(".")[0] == first.split(".")[0]
    versions.bump("never-read")  # bumping what nobody filed under is harmless
