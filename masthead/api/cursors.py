"""Opaque cursors for keyset pages: the sort key of a page's last item, in base64url JSON.

A client passes back what ``next`` gave it; it never builds one. Keyset paging costs the same
on every page and does not skip or repeat an item when a newer one arrives meanwhile.
"""

from __future__ import annotations

import base64
import binascii
import json
from typing import Any

from django.utils.translation import gettext as _

from .problems import Problem

CURSOR_MAX_LENGTH = 200  # a cursor we made is far shorter


def encode(*values: Any) -> str:
    text = json.dumps(list(values), separators=(",", ":"))
    return base64.urlsafe_b64encode(text.encode()).rstrip(b"=").decode("ascii")


def decode(cursor: str, *, types: tuple[type, ...]) -> list[Any]:
    """The values ``encode`` was given; a 400 problem naming ``cursor`` for anything else."""
    refused = Problem(
        400,
        _("The cursor is not one this API gave out: follow the `next` link as it is."),
        errors=[{"field": "cursor", "message": _("Not a cursor.")}],
    )
    if len(cursor) > CURSOR_MAX_LENGTH or not cursor.isascii():
        raise refused
    try:
        values = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (binascii.Error, ValueError, UnicodeDecodeError):
        raise refused from None
    if (
        not isinstance(values, list)
        or len(values) != len(types)
        or not all(
            isinstance(v, t) and not (t is int and isinstance(v, bool))
            for v, t in zip(values, types, strict=True)
        )
    ):
        raise refused
    return values
