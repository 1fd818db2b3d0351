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
    }
)
_REPEATS = re.compile(r"(.)\1+")
_WORD = re.compile(r"[^\W_]+")
MAX_SPACED_RUN = 40  # letters spelled apart, looked at in one run


def _letters(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).translate(INVISIBLE).casefold()
    return "".join(
        ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch)
    )


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


def find(text: str, phrases: Iterable[str], *, found: list[str] | None = None) -> str | None:
    """The first of ``phrases`` (normalised, see ``normal``) that occurs in ``text``;
    ``found`` is ``words(text)`` when the caller has it already."""
    phrases = [phrase for phrase in phrases if phrase]
    if not phrases:
        return None
    found = words(text) if found is None else found
    padded = f" {' '.join(found)} "
    spelled = _spelled_apart(found)
    for phrase in phrases:
        if f" {phrase} " in padded or phrase in spelled:
            return phrase
    return None


def _spelled_apart(found: list[str]) -> set[str]:
    """Words spelled one letter at a time ("s c a m", "s.c.a.m"): every stretch of two or
    more letters of each run of one-letter words, so "a s c a m" still yields "scam"."""
    stretches: set[str] = set()
    run: list[str] = []
    for word in [*found, ""]:
        if len(word) == 1 and not word.isdigit():
            run.append(word)
            continue
        letters = run[-MAX_SPACED_RUN:]
        for start in range(len(letters)):
            for end in range(start + 2, len(letters) + 1):
                stretches.add(_REPEATS.sub(r"\1", "".join(letters[start:end])))
        run = []
    return stretches
