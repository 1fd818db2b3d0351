"""Word lists matched the way people dodge them.

Text and listed phrases go through the same normalisation: Unicode NFKC (full-width and
styled letters become plain), case folded, accents dropped, invisible characters (zero-width
spaces and joiners, soft hyphens, bidi marks) removed, look-alike digits and signs read as
letters (0→o, 1→i, 3→e, 4→a, 5→s, 7→t, @→a, $→s), and runs of a repeated letter squeezed to
one ("fuuuun" → "fun"; a listed "coffee" is squeezed the same way, so it still matches). A
phrase matches whole words, so listing "ass" does not catch "class". Letters spelled apart
("s p a m", "s.p.a.m") are joined before matching.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

INVISIBLE = dict.fromkeys(
    map(
        ord,
        "\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180e\u200b\u200c\u200d\u200e\u200f"
        "\u202a\u202b\u202c\u202d\u202e\u2060\u2061\u2062\u2063\u2064\u2066\u2067\u2068\u2069"
        "\ufeff",
    ),
    None,
)
LOOK_ALIKES = str.maketrans(
    {
        "0": "o",
        "1": "i",
        "3": "e",
        "4": "a",
        "5": "s",
        "7": "t",
        "@": "a",
        "$": "s",
        "!": "i",
        "|": "i",
    }
)
_REPEATS = re.compile(r"(.)\1+")
_WORD = re.compile(r"[^\W_]+")
_SPACED_LETTERS = re.compile(r"\b(?:[^\W\d_][\s.\-_*]){2,}[^\W\d_]\b")


def _letters(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).translate(INVISIBLE).casefold()
    text = "".join(
        ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch)
    )
    return _SPACED_LETTERS.sub(lambda m: re.sub(r"[\s.\-_*]", "", m.group()), text)


def words(text: str) -> list[str]:
    """The normalised words of ``text``."""
    text = _letters(text)
    # Look-alikes count as letters only inside or against words: "7 days" stays a number.
    tokens = re.findall(r"[^\s]+", text)
    found: list[str] = []
    for token in tokens:
        if re.search(r"[^\W\d_]", token):
            token = token.translate(LOOK_ALIKES)
        found.extend(_REPEATS.sub(r"\1", word) for word in _WORD.findall(token))
    return found


def normal(phrase: str) -> str:
    """A listed phrase as it is stored and compared: its normalised words, space-separated."""
    return " ".join(words(phrase))


def find(text: str, phrases: Iterable[str]) -> str | None:
    """The first of ``phrases`` (normalised, see ``normal``) that occurs in ``text``."""
    padded = f" {' '.join(words(text))} "
    for phrase in phrases:
        if phrase and f" {phrase} " in padded:
            return phrase
    return None
