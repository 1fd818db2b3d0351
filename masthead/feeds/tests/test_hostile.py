"""Hostile headlines, bylines, excerpts and captions (the Big List of Naughty Strings) in
every format: each page of each feed stays valid, every string comes back as the text it
was, and nothing in an item's HTML can run."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import lxml.html
import pytest
from django.test import Client
from django.utils import timezone

from conftest import shared_data
from masthead.feeds.selectors import FEED_ITEMS
from masthead.feeds.syndication import headline_text
from masthead.stories.models import HEADLINE_MAX_LENGTH
from masthead.stories.tests.factories import StoryFactory

from .validators import check_atom, check_feedparser, check_json_feed, check_rss

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"


def _as_parsed(text: str) -> str:
    """What an XML parser gives back for ``text``: XML 1.0 normalizes line ends (2.11)."""
    return headline_text(text).replace("\r\n", "\n").replace("\r", "\n")


@pytest.fixture
def hostile(section: Any) -> list[str]:
    strings: list[str] = json.loads(shared_data("xss/blns/blns.json").read_text(encoding="utf-8"))
    start = timezone.now() - dt.timedelta(days=30)
    kept = []
    for number, text in enumerate(strings):
        headline = text[:HEADLINE_MAX_LENGTH].strip()
        if not headline:
            continue
        StoryFactory(
            section=section,
            headline=headline,
            slug=f"hostile-{number}",
            byline=text[:200],
            excerpt=text,
            image_caption=text[:500],
            published_at=start + dt.timedelta(minutes=number),
        )
        kept.append(headline)
    return kept[::-1]  # newest first


def _runnable(html: str) -> list[str]:
    if not html.strip():
        return []
    found = []
    for element in lxml.html.fragment_fromstring(html, create_parent="div").iter():
        if not isinstance(element.tag, str):
            continue
        if element.tag in {"script", "iframe", "object", "embed", "style", "svg", "math"}:
            found.append(element.tag)
        for name, value in element.attrib.items():
            if name.lower().startswith("on") or "javascript:" in value.lower().replace(" ", ""):
                found.append(f"{element.tag}@{name}")
    return found


def test_hostile_strings_stay_text_in_every_format(client: Client, hostile: list[str]) -> None:
    pages = -(-len(hostile) // FEED_ITEMS)
    for name in ("rss.xml", "atom.xml", "feed.json"):
        titles: list[str] = []
        for number in range(1, pages + 1):
            path = f"/globallead/{name}" + (f"?page={number}" if number > 1 else "")
            response = client.get(path)
            assert response.status_code == 200, path
            self_url = "http://testserver" + path
            body = response.content
            if name == "feed.json":
                document = check_json_feed(body, self_url=self_url)
                items = document["items"]
                titles += [item["title"] for item in items]
                contents = [item["content_html"] for item in items]
            else:
                check_feedparser(body, response["Content-Type"])
                if name == "rss.xml":
                    root = check_rss(body, self_url=self_url)
                    titles += [item.findtext("title") for item in root.iter("item")]
                    contents = [
                        item.findtext("{http://purl.org/rss/1.0/modules/content/}encoded")
                        for item in root.iter("item")
                    ]
                else:
                    root = check_atom(body, self_url=self_url)
                    entries = root.findall(f"{ATOM}entry")
                    titles += [entry.findtext(f"{ATOM}title") for entry in entries]
                    contents = [entry.findtext(f"{ATOM}content") for entry in entries]
            for content in contents:
                assert not _runnable(content or ""), (name, content)
        expected = [_as_parsed(t) if name != "feed.json" else headline_text(t) for t in hostile]
        assert titles == expected, name
