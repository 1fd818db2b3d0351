"""SimHash: the same text lightly edited stays within NEAR_BITS, different texts do not; the
bit-sliced counting agrees with counting bit by bit."""

from __future__ import annotations

import random

from masthead.ingest import similarity

TEXT = (
    "The council voted on Tuesday night to extend the ferry service for another eighteen "
    "months, after a debate that ran past midnight and drew a crowd to the harbour hall. "
    "Opponents said the subsidy would crowd out repairs to the northern breakwater, while "
    "supporters pointed to the families who now cross the strait every weekend."
)


def slow_simhash(text: str) -> int | None:
    hashes = similarity.shingle_hashes(text)
    if hashes is None:
        return None
    weights = [0] * 64
    for value in hashes:
        for bit in range(64):
            weights[bit] += 1 if value >> bit & 1 else -1
    unsigned = sum(1 << bit for bit in range(64) if weights[bit] > 0)
    return unsigned - (1 << 64) if unsigned >= 1 << 63 else unsigned


def test_word_order_counts() -> None:
    words = TEXT.split()
    shuffled = " ".join(random.Random(5).sample(words, len(words)))
    a, b = similarity.simhash(TEXT), similarity.simhash(shuffled)
    assert a is not None and b is not None
    assert similarity.distance(a, b) > similarity.NEAR_BITS


def test_bit_sliced_counting_agrees_with_the_plain_count() -> None:
    rnd = random.Random(3)
    words = TEXT.split()
    for _ in range(50):
        text = " ".join(rnd.choice(words) for _ in range(rnd.randint(12, 400)))
        assert similarity.simhash(text) == slow_simhash(text)


def long_text(seed: int) -> str:
    rnd = random.Random(seed)
    words = TEXT.split()
    return " ".join(rnd.choice(words) + str(rnd.randint(0, 50)) for _ in range(600))


def test_a_syndicated_copy_is_near_and_another_story_far() -> None:
    story = long_text(1)
    copy = "Reprinted with permission. " + story.replace(story.split()[300], "changed", 1)
    a, b, c = (similarity.simhash(t) for t in (story, copy, long_text(2)))
    assert a is not None and b is not None and c is not None
    assert similarity.distance(a, b) <= similarity.NEAR_BITS
    assert similarity.distance(a, c) > 20


def test_near_and_far() -> None:
    edited = TEXT.replace("eighteen", "twelve").replace("Tuesday", "Wednesday")
    other = (
        "A new study of alpine glaciers finds the ice retreating faster in the last two "
        "summers than in the decade before, with meltwater lakes forming at the snouts."
    )
    a, b, c = (similarity.simhash(t) for t in (TEXT, edited, other))
    assert a is not None and b is not None and c is not None
    assert similarity.distance(a, b) < similarity.distance(a, c)  # a short text edited twice
    assert similarity.distance(a, c) > 20
    assert similarity.simhash("too short to compare") is None


def test_bands_share_one_when_within_near_bits() -> None:
    a = similarity.simhash(TEXT)
    assert a is not None
    for flips in ([0], [5, 40], [1, 17, 63]):
        b = a
        for bit in flips:
            b ^= 1 << bit
        b = b - (1 << 64) if b >= 1 << 63 else b
        assert any(x == y for x, y in zip(similarity.bands(a), similarity.bands(b), strict=True))
