"""A read's strong ETag: the hash of its bytes (api.py, representations.py)."""

from __future__ import annotations

import hashlib


def etag_of(content: bytes) -> str:
    return '"' + hashlib.sha256(content).hexdigest()[:32] + '"'
