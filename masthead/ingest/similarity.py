"""Near-duplicate text: the same wire story at two addresses is one item.

SimHash over word 3-grams gives each text 64 bits; texts differing in a few words differ in a
few bits. Items are stored with the four 16-bit bands of their hash: two hashes within
NEAR_BITS of each other share at least one band exactly (pigeonhole), so the database finds
candidates with four indexed equalities and Python checks the distance.
"""

from __future__ import annotations

import hashlib
import re

NEAR_BITS = 3  # at most this many differing bits of 64: the same text, lightly edited
SHINGLE = 3
MIN_WORDS = 12  # shorter texts (a headline) are too few to compare safely
WORD = re.compile(r"\w+", re.UNICODE)


def simhash(text: str) -> int | None:
    """The 64-bit SimHash of ``text`` as a signed integer (for a database column), or None if
    the text is too short to say anything."""
    words = WORD.findall(text.lower())
    if len(words) < MIN_WORDS:
        return None
    weights = [0] * 64
    for index in range(len(words) - SHINGLE + 1):
        shingle = " ".join(words[index : index + SHINGLE]).encode()
        value = int.from_bytes(hashlib.blake2b(shingle, digest_size=8).digest(), "big")
        for bit in range(64):
            weights[bit] += 1 if value >> bit & 1 else -1
    unsigned = sum(1 << bit for bit in range(64) if weights[bit] > 0)
    return unsigned - (1 << 64) if unsigned >= 1 << 63 else unsigned


def bands(value: int) -> tuple[int, int, int, int]:
    unsigned = value & ((1 << 64) - 1)
    return tuple((unsigned >> shift) & 0xFFFF for shift in (0, 16, 32, 48))  # type: ignore[return-value]


def distance(a: int, b: int) -> int:
    return ((a ^ b) & ((1 << 64) - 1)).bit_count()
