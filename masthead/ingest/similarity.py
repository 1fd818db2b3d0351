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
MAX_WORDS = 500  # the opening of a text says which story it is; the rest is not read
WORD = re.compile(r"\w+", re.UNICODE)
MASK = (1 << 64) - 1


def simhash(text: str) -> int | None:
    """The 64-bit SimHash of ``text`` as a signed integer (for a database column), or None if
    the text is too short to say anything."""
    hashes = shingle_hashes(text)
    if hashes is None:
        return None
    # A bit of the SimHash is set where more than half the shingles' hashes have it set. The
    # per-bit counts are kept bit-sliced: planes[k] holds bit k of all 64 counters, so adding
    # a hash is a carry ripple of a few integer operations, not a loop over 64 bits.
    planes: list[int] = []
    for carry in hashes:
        level = 0
        while carry:
            if level == len(planes):
                planes.append(0)
            planes[level], carry = planes[level] ^ carry, planes[level] & carry
            level += 1
    unsigned = 0
    for bit in range(64):
        count = sum(((plane >> bit) & 1) << level for level, plane in enumerate(planes))
        if count * 2 > len(hashes):
            unsigned |= 1 << bit
    return unsigned - (1 << 64) if unsigned >= 1 << 63 else unsigned


def shingle_hashes(text: str) -> list[int] | None:
    """A 64-bit hash of each run of SHINGLE words of the text's opening. Each distinct word is
    hashed once; a shingle's hash combines its words' hashes rotated by their place in it."""
    words = WORD.findall(text.lower())[:MAX_WORDS]
    if len(words) < MIN_WORDS:
        return None
    known: dict[str, int] = {}
    hashed = []
    for word in words:
        value = known.get(word)
        if value is None:
            value = known[word] = int.from_bytes(
                hashlib.blake2b(word.encode(), digest_size=8).digest(), "big"
            )
        hashed.append(value)
    return [_combine(hashed[index : index + SHINGLE]) for index in range(len(hashed) - SHINGLE + 1)]


def _combine(values: list[int]) -> int:
    combined = 0
    for place, value in enumerate(values):
        shift = place * 21  # 64 / SHINGLE, so each place's word lands on different bits
        combined ^= ((value << shift) | (value >> (64 - shift))) & MASK if shift else value
    return combined


def bands(value: int) -> tuple[int, int, int, int]:
    unsigned = value & MASK
    return tuple((unsigned >> shift) & 0xFFFF for shift in (0, 16, 32, 48))  # type: ignore[return-value]


def distance(a: int, b: int) -> int:
    return ((a ^ b) & MASK).bit_count()
