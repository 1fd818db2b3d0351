"""Feeds as Masthead reads them: RSS, RDF, Atom and JSON Feed bytes in, plain data out.

Pure parsing: the bytes were fetched by masthead.core.http, nothing is fetched or stored here.
Everything a publisher sends is hostile until cleaned, so text fields come out as plain text,
HTML only through clean_story_html, and URLs only absolute and http(s). Nothing here raises on
bad input except FeedError, whose message a curator can read.
"""

from __future__ import annotations

from .common import DiscoveredFeed, FeedError, FeedItem, OpmlOutline, ParsedFeed, _head
from .discovery import discover_feeds
from .jsonfeed import _parse_json_feed
from .opml import export_opml, parse_opml
from .xmlfeeds import _parse_xml_feed

__all__ = [
    "DiscoveredFeed",
    "FeedError",
    "FeedItem",
    "OpmlOutline",
    "ParsedFeed",
    "discover_feeds",
    "export_opml",
    "parse_feed",
    "parse_opml",
]


def parse_feed(data: bytes, *, url: str = "", content_type: str = "") -> ParsedFeed:
    """The feed in `data`, fetched from `url` (the base for relative links) and served as
    `content_type`. A feed that is ill-formed but readable comes back with `problem` set."""
    if not data.strip():
        raise FeedError("the document is empty")
    head = _head(data).lstrip()
    if head.startswith(("{", "[")) or (not head.startswith("<") and "json" in content_type.lower()):
        return _parse_json_feed(data, url=url)
    return _parse_xml_feed(data, url=url, content_type=content_type)
