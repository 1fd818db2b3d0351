"""A small in-process cache for values that cannot go stale under their key.

Some values are keyed by a version the page has just read from the database (a story's comment
section under the story's revision): once built they never change, so every process may keep
them in memory and skip the shared cache. Values without such a key pass a short ``seconds``.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from typing import Any

_every: list[LocalCache] = []


def clear_all() -> None:
    """Forget everything this process keeps (tests)."""
    for local in _every:
        local.clear()


class LocalCache:
    def __init__(self, max_entries: int) -> None:
        _every.append(self)
        self.max_entries = max_entries
        self._entries: OrderedDict[str, tuple[float, Any]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: str, default: Any = None) -> Any:
        entry: tuple[float, Any] | None = self._entries.get(key)
        if entry is None:
            return default
        expires, value = entry
        if expires and expires < time.monotonic():
            with self._lock:
                self._entries.pop(key, None)
            return default
        return value

    def set(self, key: str, value: Any, seconds: float = 0) -> None:
        expires = time.monotonic() + seconds if seconds else 0.0
        with self._lock:
            self._entries[key] = (expires, value)
            self._entries.move_to_end(key)
            while len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)

    def delete(self, key: str) -> None:
        with self._lock:
            self._entries.pop(key, None)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
