"""Public ids: a UUID written as 22 characters of base64url without padding.

They are what URLs carry (``.../putin-puts-...-aIXD1zdl0ES8RBwLJUfqcQ/``); the slug before
them is decoration. Only the canonical spelling of a UUID is accepted: base64 can spell the
last 4 bits of a 128-bit value in several ways, and a second spelling would be a second URL.
"""

from __future__ import annotations

import base64
import binascii
import re
import uuid

PUBLIC_ID_LENGTH = 22
PUBLIC_ID_RE = re.compile(r"^[A-Za-z0-9_-]{22}$")
PUBLIC_ID_PATTERN = r"[A-Za-z0-9_-]{22}"  # for URL patterns


def encode(value: uuid.UUID) -> str:
    return base64.urlsafe_b64encode(value.bytes).rstrip(b"=").decode("ascii")


def decode(text: str) -> uuid.UUID | None:
    """The UUID a public id stands for, or None if ``text`` is not a canonical public id."""
    if not PUBLIC_ID_RE.match(text):
        return None
    try:
        value = uuid.UUID(bytes=base64.urlsafe_b64decode(text + "=="))
    except (binascii.Error, ValueError):
        return None
    if encode(value) != text:
        return None
    return value


def new() -> uuid.UUID:
    return uuid.uuid4()
