"""Every naughty string as a query and as each filter: an answer, never an exception, and
nothing executable in what comes back."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from conftest import shared_data
from masthead.search.index import index_pending
from masthead.search.selectors import search
from masthead.stories.services import story_create, story_publish

pytestmark = pytest.mark.django_db

_MARK = re.compile(r"</?mark>")


def naughty() -> list[str]:
    return json.loads(shared_data("xss/blns/blns.json").read_text(encoding="utf-8"))


def assert_inert(results: Any) -> None:
    for hit in results.hits:
        html = _MARK.sub("", str(hit.snippet))
        assert "<" not in html and ">" not in html, html  # every bracket escaped
        assert str(hit.snippet).count("<mark>") == str(hit.snippet).count("</mark>")


@pytest.fixture
def naughty_stories(channel: Any, section: Any) -> None:
    """Stories whose text is the naughty strings themselves, through the sanitizer."""
    strings = naughty()
    for start in range(0, len(strings), 100):
        chunk = strings[start : start + 100]
        story = story_create(
            actor=None,
            channel=channel,
            section=section,
            headline=f"Naughty strings {start}",
            excerpt=" ".join(chunk[:5]),
            body="\n\n".join(chunk),
        )
        story_publish(actor=None, story=story)
    index_pending()


def test_every_naughty_string_as_a_query_answers_and_renders_inert(
    naughty_stories: None,
) -> None:
    answered = 0
    for q in naughty():
        results = search(q=q)
        assert results.error is None or isinstance(results.error, str)
        assert_inert(results)
        answered += bool(results.hits)
    assert answered > 100  # the strings are in the stories: many are found


@pytest.mark.parametrize("name", ["channel", "section", "source", "kind", "sort"])
def test_every_naughty_string_as_a_filter_answers(naughty_stories: None, name: str) -> None:
    for value in naughty():
        results = search(q="naughty strings", **{name: value})
        assert results.error is None or results.hits == []
        assert_inert(results)


ODD = [
    "\x00",
    "ferry\x00bus",
    "x" * 10_000,
    "ferry " * 3000,
    '"',
    '"""',
    "*",
    "NEAR(",
    "NEAR(a b, 2)",
    "title:",
    "headline:ferry",
    "\u202eferry\u202c",
    "\u200f\u200e",
    "-",
    "--",
    "OR",
    "AND NOT OR",
    "'; DROP TABLE stories_story; --",
    "a & b | !c <-> d:*",  # tsquery syntax
    "^ ~ $ ( ) { } [ ]",
    "\ud800",  # a lone surrogate
    "🚢 ferry",
    "שלום ferry",
    "ﷺ",
]


def test_odd_input_answers(naughty_stories: None) -> None:
    for q in ODD:
        results = search(q=q, page=10**9, per_page=10**9)
        assert results.error is None or isinstance(results.error, str), q
        assert_inert(results)
