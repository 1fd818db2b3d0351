"""JSON Feed 1.0 and 1.1."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

from masthead.core.sanitize import clean_story_html

from .common import (
    FeedError,
    FeedItem,
    ParsedFeed,
    _item,
    _names,
    _parse_time,
    _plain_text,
    _string,
    _text_to_html,
    _web_url,
)

JSON_FEED_VERSION = re.compile(r"https?://jsonfeed\.org/version/\d")


def _parse_json_feed(data: bytes, *, url: str) -> ParsedFeed:
    document, problems = _load_json(data)
    if not isinstance(document, dict):
        raise FeedError("JSON, but not a JSON Feed: the document is not an object")
    version = document.get("version")
    if not (isinstance(version, str) and JSON_FEED_VERSION.match(version)):
        if "version" in document or not isinstance(document.get("items"), list):
            raise FeedError("JSON, but not a JSON Feed: no jsonfeed.org version")
        problems.append("no JSON Feed version")
    base = url or _web_url(document.get("feed_url")) or _web_url(document.get("home_page_url"))
    raw_items = document.get("items")
    if not isinstance(raw_items, list):
        problems.append("no items list")
        raw_items = []
    if any(not isinstance(raw, dict) for raw in raw_items):
        problems.append("items that are not objects were skipped")
    feed_author = _json_authors(document)
    return ParsedFeed(
        kind="json",
        title=_plain_text(_string(document.get("title"))),
        link=_web_url(document.get("home_page_url"), base),
        items=[
            _json_item(raw, base=base, feed_author=feed_author)
            for raw in raw_items
            if isinstance(raw, dict)
        ],
        problem="; ".join(problems),
    )


def _load_json(data: bytes) -> tuple[Any, list[str]]:
    problems: list[str] = []
    encoding = json.detect_encoding(data)
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as exc:
        text = data.decode(encoding, "replace")
        problems.append(f"not valid {encoding} at byte {exc.start}")
    try:
        return json.loads(text), problems
    except (ValueError, RecursionError) as exc:
        strict_error = exc
    # Raw control characters inside strings are common and harmless; anything else is fatal.
    try:
        document = json.loads(text, strict=False)
    except json.JSONDecodeError as exc:
        raise FeedError(
            f"not valid JSON at line {exc.lineno} column {exc.colno}: {exc.msg}"
        ) from exc
    except (ValueError, RecursionError) as exc:
        raise FeedError(f"not valid JSON: {exc}") from exc
    if isinstance(strict_error, json.JSONDecodeError):
        position = f" at line {strict_error.lineno} column {strict_error.colno}"
        problems.append(f"not valid JSON{position}: {strict_error.msg}")
    return document, problems


def _json_item(raw: Mapping[str, Any], *, base: str, feed_author: str) -> FeedItem:
    return _item(
        guid=_json_id(raw.get("id")),
        url=_web_url(raw.get("url"), base) or _web_url(raw.get("external_url"), base),
        title=_plain_text(_string(raw.get("title"))),
        summary_html=clean_story_html(_json_item_html(raw)),
        published=_parse_time(raw.get("date_published")) or _parse_time(raw.get("date_modified")),
        # An item without authors has the feed's (JSON Feed 1.1).
        author=_json_authors(raw) or feed_author,
        image_url=_web_url(raw.get("image"), base) or _web_url(raw.get("banner_image"), base),
    )


def _json_id(value: object) -> str:
    # 1.1: an id given as a number must be read as a string.
    if isinstance(value, bool):
        return ""
    if isinstance(value, int | float):
        return str(value)
    return _string(value).strip()


def _json_item_html(raw: Mapping[str, Any]) -> str:
    if (content := _string(raw.get("content_html"))).strip():
        return content
    # content_text and summary are plain text.
    for key in ("content_text", "summary"):
        if (text := _string(raw.get(key))).strip():
            return _text_to_html(text)
    return ""


def _json_authors(document: Mapping[str, Any]) -> str:
    authors = document.get("authors")
    if not isinstance(authors, list) or not authors:
        authors = [document.get("author")]  # 1.0 had one author
    return _names(_string(a.get("name")) for a in authors if isinstance(a, dict))
