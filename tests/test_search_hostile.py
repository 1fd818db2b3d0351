"""Hostile searches: every string of the Big List of Naughty Strings as the words and as each
filter of the search page, and the odd queries a search box meets (NUL, 10,000 characters,
right-to-left marks, a lone quote, ``*``, ``NEAR(``, ``title:``).

Each answers 200 or 400 (400 with a message the reader can see; the empty string redirects to
the search without it), never a server error, and no answer carries anything a browser would
run; the words come back in the header's field exactly as typed (less control characters).
Pages are read by the two parsers of test_hostile_input. One test per parameter loops over all
the strings; problems are collected, not raised at the first, so a failing run lists every
offending string.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

import lxml.html
import pytest
from django.db import transaction
from django.test import Client

from masthead.search.filters import FILTERS, QUERY_MAX_CHARS, clean
from masthead.search.index import index_pending
from masthead.stories.models import Story
from masthead.stories.services import story_create, story_publish
from tests.test_hostile_input import (
    SITE_SCRIPTS,
    hostile_strings,
    page_findings,
    policy_problem,
    visible_errors,
)

pytestmark = pytest.mark.django_db

PROBLEMS_SHOWN = 40
# A story whose own text looks like markup: its snippet must show it as text.
BAIT_BODY = (
    "<p>Harbour notes: &lt;script&gt;alert(1)&lt;/script&gt; and "
    "&lt;img src=x onerror=alert(1)&gt; were typed by a reader; the harbour is calm.</p>"
)
ODD_QUERIES = {
    "NUL": "harbour\x00 notes",
    "NUL alone": "\x00",
    "10,000 characters": "harbour " * 1250,
    "right-to-left marks": "\u202eharbour\u202c \u200fnotes\u200f",
    "Arabic with a mark": "\u200f\u0645\u064a\u0646\u0627\u0621 harbour",
    "lone quote": '"',
    "open phrase": '"harbour notes',
    "star": "*",
    "star suffix": "harb*",
    "NEAR(": "NEAR(harbour notes",
    "NEAR( closed": "NEAR(harbour notes, 5)",
    "title:": "title:harbour",
    "column filter": "headline:harbour body:notes",
    "operators alone": "OR AND NOT -",
    "minus alone": "-",
    "minus everything": "-harbour",
    "carets and braces": "^harbour {notes} [x] (y",
    "SQL": "harbour'); DROP TABLE stories_story;--",
    "tsquery syntax": "harbour & !notes | calm:*",
    "backslashes": "\\\\harbour\\",
    "emoji": "🚢 harbour",
}


@pytest.fixture
def bait(section: Any) -> Story:
    story = story_create(
        actor=None,
        channel=section.channel,
        section=section,
        headline="Harbour notes <b>bold</b> & \"quoted\" 'single'",
        body=BAIT_BODY,
    )
    story = story_publish(actor=None, story=story)
    index_pending()  # what the services' after-commit step does; this test never commits
    return story


def fetch(client: Client, params: dict[str, str]) -> Any:
    """The response, or the exception a server error raised (the savepoint keeps one crash
    from aborting PostgreSQL's transaction for every string after it)."""
    try:
        with transaction.atomic():
            return client.get("/search", params)
    except Exception as error:  # a crash is a finding, reported with the rest
        return error


def problems_of(text: str, response: Any, *, q: str | None) -> list[str]:
    shown = repr(text[:80])
    nul = "\x00" in text
    if isinstance(response, Exception):
        return [f"{shown}: server error {type(response).__name__}: {str(response)[:200]}"]
    found = []
    if response.status_code == 302:
        # An empty parameter is redirected to the search without it (search/views.py).
        location = response.get("Location", "")
        if text or location != "/search" + (f"?{urlencode({'q': q})}" if q else ""):
            found.append(f"{shown}: redirected to {location[:80]!r}")
        return found
    if response.status_code not in (200, 400):
        found.append(f"{shown}: status {response.status_code}")
    html = response.content.decode()
    found += [f"{shown}: {finding}" for finding in page_findings(html, allowed_scripts=2)]
    if problem := policy_problem(response):
        found.append(f"{shown}: {problem}")
    if nul:
        # The site refuses a NUL anywhere in a request before any view reads it
        # (core/middleware.py), with its own 400 page.
        message = lxml.html.document_fromstring(html).xpath('//div[@class="notice-page"]/p')
        if response.status_code != 400 or not message or not message[0].text_content():
            found.append(f"{shown}: a NUL is not refused with the site's 400 page")
        return found
    if response.status_code == 400 and not visible_errors(html):
        found.append(f"{shown}: 400 without a visible message")
    if response.get("X-Robots-Tag") != "noindex":
        found.append(f"{shown}: no X-Robots-Tag")
    if q is not None:
        fields = lxml.html.document_fromstring(html).xpath(
            '//header//form[@role="search"]//input[@name="q"]'
        )
        if len(fields) != 1 or fields[0].get("value", "") != clean(q):
            found.append(f"{shown}: the header's field does not hold the words as typed")
    return found


def fail_if_any(problems: list[str], checked: int) -> None:
    if problems:
        pytest.fail(
            f"{len(problems)} problems in {checked} searches:\n"
            + "\n".join(problems[:PROBLEMS_SHOWN]),
            pytrace=False,
        )


def test_every_naughty_string_as_the_words(client: Client, bait: Story) -> None:
    strings = hostile_strings("blns")
    problems: list[str] = []
    answered = {200: 0, 400: 0}
    for text in strings:
        response = fetch(client, {"q": text})
        problems += problems_of(text, response, q=text)
        if not isinstance(response, Exception) and response.status_code in answered:
            answered[response.status_code] += 1
    fail_if_any(problems, len(strings))
    assert answered[200] > len(strings) / 2, answered  # most are words like any others


@pytest.mark.parametrize("name", [*FILTERS, "sort", "page"])
def test_every_naughty_string_as_each_filter(client: Client, bait: Story, name: str) -> None:
    strings = hostile_strings("blns")
    problems: list[str] = []
    for text in strings:
        response = fetch(client, {"q": "harbour", name: text})
        problems += problems_of(text, response, q="harbour")
        if isinstance(response, Exception) or response.status_code != 400:
            continue
        # A refused filter is shown as a chip that removes it (sort and page have none).
        chips = lxml.html.document_fromstring(response.content).xpath(
            f'//ul[@class="search-chips"]//a[@data-filter="{name}"]'
        )
        if name in FILTERS and len(chips) != 1:
            problems.append(f"{text[:80]!r}: refused without a chip to remove it")
    fail_if_any(problems, len(strings))


@pytest.mark.parametrize("name", list(ODD_QUERIES))
def test_odd_queries_answer_200_or_a_clear_400(client: Client, bait: Story, name: str) -> None:
    text = ODD_QUERIES[name]
    response = fetch(client, {"q": text})
    fail_if_any(problems_of(text, response, q=text), 1)
    if len(clean(text)) > QUERY_MAX_CHARS:
        assert response.status_code == 400


def test_a_storys_own_markup_is_shown_as_text_in_its_result(client: Client, bait: Story) -> None:
    response = client.get("/search", {"q": "harbour notes"})
    assert response.status_code == 200
    assert not page_findings(response.content.decode(), allowed_scripts=SITE_SCRIPTS)
    root = lxml.html.document_fromstring(response.content)
    (result,) = root.xpath('//li[@class="search-result"]')
    headline = result.xpath('.//h2[@class="search-result__headline"]/a')[0]
    assert headline.text_content() == bait.headline
    assert not headline.xpath(".//b")
    snippet = result.xpath('.//p[@class="search-result__snippet"]')
    assert snippet, "no snippet"
    assert [child.tag for child in snippet[0].iterdescendants()] == ["mark"] * len(
        snippet[0].xpath(".//mark")
    ), "the snippet holds elements other than <mark>"
    assert {mark.text_content().lower() for mark in snippet[0].xpath(".//mark")} <= {
        "harbour",
        "notes",
    }
