"""What the feed readers share: the data they return, FeedError, and the cleaning of every
text, HTML and URL field a publisher sends."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from html import escape, unescape
from urllib.parse import urljoin, urlsplit

import nh3

from masthead.core.sanitize import DROP_WITH_CONTENT

WEB_SCHEMES = {"http", "https"}
# How far into a document its kind (JSON, XML, HTML, binary) shows; enough for BOMs, an XML
# declaration, a doctype and the first elements.
SNIFF_BYTES = 1024
_CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


@dataclass(frozen=True)
class FeedItem:
    guid: str
    url: str
    title: str
    summary_html: str
    published: datetime | None
    author: str
    image_url: str


@dataclass(frozen=True)
class ParsedFeed:
    kind: str
    title: str
    link: str
    items: list[FeedItem]
    problem: str


@dataclass(frozen=True)
class DiscoveredFeed:
    url: str
    type: str
    title: str


@dataclass(frozen=True)
class OpmlOutline:
    xml_url: str
    title: str
    html_url: str


class FeedError(Exception):
    """The bytes are not a feed (or not OPML) at all; the message says why, for a curator."""


def _parse_time(value: object) -> datetime | None:
    text = _string(value).strip()
    if not text:
        return None
    try:
        # RFC 3339 allows a lowercase t and z; fromisoformat does not.
        parsed = datetime.fromisoformat(text.upper())
    except ValueError:
        try:
            parsed = parsedate_to_datetime(text)  # RFC 822, which JSON Feeds use too, wrongly
        except (TypeError, ValueError, IndexError):
            return None
    try:
        return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)
    except (OverflowError, ValueError):
        return None


def _item(
    *,
    guid: str,
    url: str,
    title: str,
    summary_html: str,
    published: datetime | None,
    author: str,
    image_url: str,
) -> FeedItem:
    if not guid.strip():
        # Without an id or a link, the text is all that tells items apart on the next fetch.
        guid = url or "sha256:" + hashlib.sha256(f"{title}\n{summary_html}".encode()).hexdigest()
    return FeedItem(
        guid=guid.strip(),
        url=url,
        title=title,
        summary_html=summary_html,
        published=published,
        author=author,
        image_url=image_url,
    )


def _string(value: object) -> str:
    return value if isinstance(value, str) else ""


def _names(names: Iterable[str]) -> str:
    # dict: each name once, in order; feeds often give the same person as author and creator
    return ", ".join(dict.fromkeys(text for name in names if (text := _plain_text(name))))


def _plain_text(value: str, *, markup: bool = True) -> str:
    """Text for a title or a name: tags gone (with the content of scripts and styles),
    entities decoded, whitespace collapsed."""
    if markup and ("<" in value or "&" in value):
        value = unescape(nh3.clean(value, tags=set(), clean_content_tags=DROP_WITH_CONTENT))
    return " ".join(_CONTROL_CHARACTERS.sub("", value).split())


def _text_to_html(text: str) -> str:
    paragraphs = (p.strip() for p in re.split(r"\n\s*\n", text))
    return "".join(f"<p>{escape(p)}</p>" for p in paragraphs if p)


def _web_url(value: object, base: str = "") -> str:
    """`value` resolved against `base`, if that makes an http(s) URL; else ""."""
    url = _string(value).strip()
    if not url or _CONTROL_CHARACTERS.search(url):
        return ""
    try:
        url = urljoin(base, url)
        parts = urlsplit(url)
    except ValueError:  # e.g. a malformed IPv6 host
        return ""
    return url if parts.scheme in WEB_SCHEMES and parts.hostname else ""


def _head(data: bytes) -> str:
    """The start of a document as text, for sniffing: UTF-8, -16 or -32, BOM removed."""
    start = data[:SNIFF_BYTES]
    return start.decode(json.detect_encoding(start), "ignore").removeprefix("\ufeff")
