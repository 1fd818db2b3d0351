"""Word lists catch the usual dodges and leave innocent words alone."""

from __future__ import annotations

import pytest

from masthead.moderation import words


@pytest.mark.parametrize(
    "text",
    [
        "total scam",
        "Total SCAM!",
        "s c a m",
        "s.c.a.m artists",
        "sc\u200bam",  # zero-width space
        "sc\u00adam",  # soft hyphen
        "scaaaaam",
        "5c4m",
        "\uff53\uff43\uff41\uff4d",  # full-width
        "scám",
    ],
)
def test_obfuscations_are_caught(text: str) -> None:
    assert words.find(text, [words.normal("scam")]) == "scam"


@pytest.mark.parametrize("text", ["scampi for dinner", "a scandal", "7 days", "escam"])
def test_whole_words_only(text: str) -> None:
    assert words.find(text, [words.normal("scam")]) is None


def test_phrases_and_repeated_letters_in_the_list() -> None:
    listed = words.normal("Cheap   Coffee")
    assert listed == "cheap cofe"
    assert words.find("Try our CHEAP coffeeee now", [listed]) == listed
    assert words.find("cheap tea, coffee", [listed]) is None


def test_numbers_stay_numbers_beside_words() -> None:
    assert words.words("Meet at 7 on day 3") == ["met", "at", "7", "on", "day", "3"]
