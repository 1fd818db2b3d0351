"""Snippets and highlighting without a database: which words are marked, where the window
falls, and that a story's own markup stays text."""

from __future__ import annotations

import pytest

from masthead.search.snippets import LEAD_CHARS, highlight, snippet


def test_words_are_marked_by_stem_case_and_accents() -> None:
    marked = highlight(
        "President Erdoğan of TÜRKİYE met ÉLAN and Łódź officials over missile emissions",
        ["erdogan", "türkiye", "elan", "lodz", "missiles"],
    )
    assert marked == (
        "President <mark>Erdoğan</mark> of <mark>TÜRKİYE</mark> met <mark>ÉLAN</mark> and "
        "<mark>Łódź</mark> officials over <mark>missile</mark> emissions"
    )


def test_a_word_inside_another_is_not_marked() -> None:
    assert highlight("Emissions and remissions", ["missions"]) == "Emissions and remissions"


def test_markup_in_the_text_stays_text() -> None:
    assert highlight("<mark>Harbour</mark> <script>x</script>", ["harbour"]) == (
        "&lt;mark&gt;<mark>Harbour</mark>&lt;/mark&gt; &lt;script&gt;x&lt;/script&gt;"
    )


@pytest.mark.parametrize("shift", range(-8, 3))
def test_a_word_across_the_lead_is_found_whole(shift: int) -> None:
    """The lead is searched first; a word it cuts in two is found in the rest, whole."""
    before = "calm " * ((LEAD_CHARS + shift) // 5)
    text = before + "Missiles struck the Erdoğan palace"
    shown = snippet(text, ["missile", "erdogan"])
    assert "<mark>Missiles</mark>" in shown and "<mark>Erdoğan</mark>" in shown
    assert "<mark>Missi</mark>" not in shown


def test_no_match_shows_the_start() -> None:
    assert snippet("A quiet day at the quay. " * 20, ["storm"]).startswith("A quiet day")
