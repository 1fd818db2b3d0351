"""RSS, RDF and Atom, read by feedparser; what it cannot read is explained (an HTML page, a
binary file, broken XML)."""

from __future__ import annotations

import calendar
import codecs
import io
import re
import time
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Any
from xml.sax import SAXParseException

import feedparser

from masthead.core.sanitize import clean_story_html

from .common import (
    FeedError,
    FeedItem,
    ParsedFeed,
    _head,
    _item,
    _names,
    _parse_time,
    _plain_text,
    _string,
    _text_to_html,
    _web_url,
)

_BINARY = re.compile(r"[\x00-\x08\x0e-\x1a\x1c-\x1f]")
_HTML_START = re.compile(r"<(!doctype\s+html|html[\s>]|head[\s>]|body[\s>])", re.IGNORECASE)
_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
_ROOT_ELEMENT = re.compile(r"<([A-Za-z_][\w:.-]{0,100})")
# Whitespace before the XML declaration (a stray newline from a site's template or plugin):
# an XML parser then reads the document as ill-formed and ignores the declared encoding.
_BEFORE_DECLARATION = re.compile(rb"\A(\xef\xbb\xbf)?([ \t\r\n]+)(?=<\?xml[ \t\r\n])")
STRAY_WHITESPACE = "whitespace before the XML declaration, ignored"


def _parse_xml_feed(data: bytes, *, url: str, content_type: str) -> ParsedFeed:
    warnings = []
    skipped_lines = 0
    if stray := _BEFORE_DECLARATION.match(data):
        skipped_lines = stray.group(2).count(b"\n")
        data = (stray.group(1) or b"") + data[stray.end() :]
        warnings.append(STRAY_WHITESPACE)
    # A file-like object, never bytes or str: feedparser opens a str that looks like a URL,
    # and open()s bytes that name a local file, before it reads anything as a feed.
    try:
        result = feedparser.parse(
            io.BytesIO(data),
            response_headers=_response_headers(url, content_type),
            resolve_relative_uris=True,
            sanitize_html=True,
        )
    except Exception as exc:
        # feedparser catches its parsers' errors; one it lets through is a bug of its own that
        # hostile bytes found, and still means these bytes are not a feed we can read.
        raise FeedError(f"the feed could not be read: {exc}") from exc
    if problem := _problem(result, data, skipped_lines=skipped_lines):
        warnings.append(problem)
    problem = "; ".join(warnings)
    kind = _kind(result.get("version") or "")
    if kind is None:
        raise FeedError(_not_a_feed_reason(data, problem))
    feed = result.get("feed") or {}
    return ParsedFeed(
        kind=kind,
        title=_detail_text(feed.get("title_detail"), kind=kind),
        link=_home_link(feed.get("links") or [], base=url),
        items=[_entry_item(entry, kind=kind, base=url, feed=feed) for entry in result["entries"]],
        problem=problem,
    )


def _response_headers(url: str, content_type: str) -> dict[str, str]:
    # feedparser still applies RFC 3023: text/xml without a charset is us-ascii, and headers
    # without a content type mean iso-8859-1. RFC 7303 replaced that (charset, else BOM, else
    # the XML declaration, else UTF-8), which is what application/xml gets.
    charset = _charset(content_type)
    headers = {"content-type": "application/xml" + (f"; charset={charset}" if charset else "")}
    if url:
        headers["content-location"] = url
    return headers


def _charset(content_type: str) -> str:
    for parameter in content_type.split(";")[1:]:
        name, _, value = parameter.partition("=")
        if name.strip().lower() == "charset":
            value = value.strip().strip("\"'")
            try:
                return codecs.lookup(value).name
            except LookupError:
                return ""
    return ""


def _kind(version: str) -> str | None:
    if version in ("rss090", "rss10"):
        return "rdf"
    if version.startswith("rss"):
        return "rss"
    if version.startswith("atom"):
        return "atom"
    return None


def _problem(result: Mapping[str, Any], data: bytes, *, skipped_lines: int = 0) -> str:
    if not result.get("bozo"):
        return ""
    exc = result.get("bozo_exception")
    if isinstance(exc, SAXParseException):
        # feedparser puts an XML declaration line in front of a document that has none.
        line = (exc.getLineNumber() or 1) - (0 if _head(data).startswith("<?xml") else 1)
        line = max(line, 1) + skipped_lines  # as the publisher's file counts its lines
        return f"not well-formed XML at line {line}: {exc.getMessage()}"
    if isinstance(exc, feedparser.CharacterEncodingOverride | feedparser.CharacterEncodingUnknown):
        return f"character encoding: {exc}"
    return str(exc) or type(exc).__name__


def _not_a_feed_reason(data: bytes, problem: str) -> str:
    start = _head(data)
    if _BINARY.search(start):
        return "binary data, not a feed"
    if _HTML_START.search(start):
        return "an HTML page, not a feed"
    if root := _ROOT_ELEMENT.search(_COMMENT.sub("", start)):
        reason = f"the root element is <{root.group(1)}>, not an RSS, RDF or Atom one"
    else:
        reason = "no RSS, RDF or Atom root element"
    return f"{reason} ({problem})" if problem else reason


def _home_link(links: Iterable[Mapping[str, Any]], *, base: str) -> str:
    # Only <link> elements: feedparser also copies an Atom feed's <id> into `link`, and an id
    # (often tag:..., or the feed's own URL) is not the site's home page.
    for link in links:
        if link.get("rel", "alternate") == "alternate" and (
            url := _web_url(link.get("href"), base)
        ):
            return url
    return ""


def _entry_item(
    entry: dict[str, Any], *, kind: str, base: str, feed: Mapping[str, Any]
) -> FeedItem:
    author = _author(entry)
    if not author and kind == "atom":
        author = _author(feed)  # an Atom entry without an author inherits the feed's
    return _item(
        guid=_string(entry.get("id")),
        url=_entry_url(entry, base=base),
        title=_detail_text(entry.get("title_detail"), kind=kind),
        summary_html=_entry_html(entry),
        published=_entry_time(entry),
        author=author,
        image_url=_entry_image(entry, base=base),
    )


def _entry_url(entry: Mapping[str, Any], *, base: str) -> str:
    for link in entry.get("links") or []:
        if link.get("rel", "alternate") == "alternate" and (
            url := _web_url(link.get("href"), base)
        ):
            return url
    # An RSS guid that is a permalink, or an Atom id, when the entry has no link element.
    return _web_url(entry.get("link"), base)


def _entry_html(entry: Mapping[str, Any]) -> str:
    contents = [c for c in entry.get("content") or [] if _string(c.get("value")).strip()]
    marked_up = [c for c in contents if c.get("type") in ("text/html", "application/xhtml+xml")]
    summary = entry.get("summary_detail")
    for detail in (*marked_up, *contents, summary):
        if detail and _string(detail.get("value")).strip():
            value = _string(detail.get("value"))
            if detail.get("type") == "text/plain":
                value = _text_to_html(value)
            return clean_story_html(value)
    return ""


def _detail_text(detail: Mapping[str, Any] | None, *, kind: str) -> str:
    if not detail:
        return ""
    value = _string(detail.get("value"))
    # Only Atom can say a title is plain text (type="text"); feedparser marks RSS titles
    # text/plain too when it guesses they are not HTML, yet they often carry entities and tags.
    if kind == "atom" and detail.get("type") == "text/plain":
        return _plain_text(value, markup=False)
    return _plain_text(value)


def _author(entry: Mapping[str, Any]) -> str:
    names = [_string(a.get("name")) for a in entry.get("authors") or [] if a.get("name")]
    if not names:
        detail = entry.get("author_detail") or {}
        name = _string(entry.get("author"))
        # A bare e-mail address is not a byline.
        names = [name] if name and name != detail.get("email") else []
    return _names(names)


def _entry_image(entry: Mapping[str, Any], *, base: str) -> str:
    candidates = [e.get("href") for e in entry.get("enclosures") or [] if _is_image(e)]
    candidates += [m.get("url") for m in entry.get("media_content") or [] if _is_image(m)]
    candidates += [m.get("url") for m in entry.get("media_thumbnail") or []]
    return next((url for c in candidates if (url := _web_url(c, base))), "")


def _is_image(media: Mapping[str, Any]) -> bool:
    return media.get("medium") == "image" or _string(media.get("type")).startswith("image/")


def _entry_time(entry: dict[str, Any]) -> datetime | None:
    for key in ("published", "updated"):
        # dict.get: feedparser's get() answers a missing `updated` with `published`, and warns.
        # Its own parser gives up on some dates (RFC 822 without a zone) that _parse_time reads.
        if parsed := _utc(dict.get(entry, f"{key}_parsed")) or _parse_time(dict.get(entry, key)):
            return parsed
    return None


def _utc(value: time.struct_time | None) -> datetime | None:
    # feedparser gives times as UTC struct_time, a zoneless time read as UTC.
    if not value:
        return None
    try:
        return datetime.fromtimestamp(calendar.timegm(value), tz=UTC)
    except (OverflowError, OSError, TypeError, ValueError):
        return None
