"""Version numbers in the shared cache, for keys that must change when data changes.

A cached value filed under a version read *before* the data was read can never be served
after the version is bumped, even if the value was written after the bump: a reader racing
a write files its stale value where no later reader looks. Deleting keys instead leaves
exactly that race open.
"""

from __future__ import annotations

import contextlib
import time

from django.core.cache import cache

PREFIX = "version:v1:"


def current(*names: str) -> str:
    """The versions of ``names``, joined. A missing one (new, or evicted) starts from the clock,
    so values filed under any earlier version never come back."""
    keys = [PREFIX + name for name in names]
    found = cache.get_many(keys)
    for key in keys:
        if key not in found:
            cache.add(key, time.time_ns(), timeout=None)
            found[key] = cache.get(key)
    return ".".join(str(found[key]) for key in keys)


def bump(*names: str) -> None:
    for name in names:
        # No version yet means nothing was filed under one.
        with contextlib.suppress(ValueError):
            cache.incr(PREFIX + name)
