"""``reverse()`` once per URL name and set of arguments, then filled in.

A list of stories links each story, its section and its channel: three ``reverse()`` calls a
story, sixty on a page of twenty, which cost about as much as rendering the rest of the page.
The path of a named URL depends only on its pattern and the script prefix, so it is reversed
once with placeholder values and kept as a template; later calls quote the values and put
them in. Precondition: the values already match the pattern's groups (slugs and public ids
read from validated fields); ``reverse()`` checks that, this does not. A pattern the
placeholders do not fit (a group that refuses digits) falls back to ``reverse()``.
"""

from __future__ import annotations

from functools import cache
from typing import Any
from urllib.parse import quote

from django.urls import NoReverseMatch, get_script_prefix, reverse

_SAFE = "!$&'()*+,;=/~:@"  # what reverse() leaves unquoted (RFC 3986 sub-delims and more)
FIXED_LENGTH = 22  # public ids (core/public_id.py): the one fixed-length group the site has


def _placeholders(names: tuple[str, ...]) -> list[dict[str, str]]:
    """Values to reverse with: digits, which slug, number and id patterns accept; distinct,
    and none holds another. Then the same padded to FIXED_LENGTH, for fixed-length groups."""
    plain = {name: f"7919{index}19{index}19" for index, name in enumerate(names)}
    return [plain, {name: value.ljust(FIXED_LENGTH, "7") for name, value in plain.items()}]


@cache
def _template(name: str, names: tuple[str, ...], script_prefix: str) -> list[Any] | None:
    """The path as literal pieces and argument names, in order; None if it cannot be made."""
    for placeholders in _placeholders(names):
        try:
            path = reverse(name, kwargs=placeholders)
        except NoReverseMatch:
            continue
        pieces: list[Any] = []
        rest = path
        while rest:
            found = [
                (rest.find(value), key) for key, value in placeholders.items() if value in rest
            ]
            if not found:
                pieces.append(rest)
                break
            at, key = min(found)
            pieces.append(rest[:at])
            pieces.append((key,))
            rest = rest[at + len(placeholders[key]) :]
        if sum(isinstance(piece, tuple) for piece in pieces) == len(names):
            return pieces
    return None


def url_fill(name: str, **kwargs: str) -> str:
    """``reverse(name, kwargs=kwargs)`` for values that match the pattern, at the cost of a
    join."""
    pieces = _template(name, tuple(sorted(kwargs)), get_script_prefix())
    if pieces is None:
        return reverse(name, kwargs=kwargs)
    return "".join(
        quote(str(kwargs[piece[0]]), safe=_SAFE) if isinstance(piece, tuple) else piece
        for piece in pieces
    )
