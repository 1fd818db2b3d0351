"""Whole numbers from the outside: query strings, form fields, headers.

``str.isdigit`` says yes to "²" and "٣", which ``int()`` refuses or reads as another number:
every number a request brings is read here, in ASCII digits only, and bounded.
"""

from __future__ import annotations

from typing import overload

BIGGEST = 2**63 - 1  # the largest value of a 64-bit integer column (ids, counts)
PAGE_MAX = 10_000  # no list has more pages (``?page=``); a bigger number is none


@overload
def whole_number(text: str | None, default: int, *, maximum: int = BIGGEST) -> int: ...
@overload
def whole_number(
    text: str | None, default: None = None, *, maximum: int = BIGGEST
) -> int | None: ...
def whole_number(
    text: str | None, default: int | None = None, *, maximum: int = BIGGEST
) -> int | None:
    """``text`` as a number from 0 to ``maximum`` written in ASCII digits, else ``default``."""
    if not text or not text.isascii() or not text.isdigit() or len(text) > len(str(maximum)):
        return default
    value = int(text)
    return value if value <= maximum else default
