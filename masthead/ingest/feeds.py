"""Feeds as Masthead reads them: RSS, RDF, Atom and JSON Feed bytes in, plain data out.

Pure parsing: the bytes were fetched by masthead.core.http, nothing is fetched or stored here.
Everything a publisher sends is hostile until cleaned, so text fields come out as plain text,
HTML only through clean_story_html, and URLs only absolute and http(s). Nothing here raises on
bad input except FeedError, whose message a curator can read.
"""

from __future__ import annotations

import calendar
import codecs
import contextlib
import hashlib
import io
import json
import re
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from html import escape, unescape
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urljoin, urlsplit
from xml.sax import SAXParseException

import feedparser
import nh3
from lxml import etree

from masthead.core.sanitize import DROP_WITH_CONTENT, clean_story_html

WEB_SCHEMES = {"http", "https"}
FEED_LINK_TYPES = {
    "application/rss+xml",
    "application/atom+xml",
    "application/feed+json",
    "application/json",
    "application/rdf+xml",
}
JSON_FEED_VERSION = re.compile(r"https?://jsonfeed\.org/version/\d")
# How far into a document its kind (JSON, XML, HTML, binary) shows; enough for BOMs, an XML
# declaration, a doctype and the first elements.
SNIFF_BYTES = 1024

_CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# XML 1.0 cannot carry these at all, not even escaped; lxml refuses to write them.
_NOT_XML_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_BINARY = re.compile(r"[\x00-\x08\x0e-\x1a\x1c-\x1f]")
_HTML_START = re.compile(r"<(!doctype\s+html|html[\s>]|head[\s>]|body[\s>])", re.IGNORECASE)
_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
_ROOT_ELEMENT = re.compile(r"<([A-Za-z_][\w:.-]{0,100})")
_LXML_POSITION = re.compile(r",? line \d+, column \d+$")
_META_CHARSET = re.compile(rb"""<meta[^>]{0,200}?charset\s*=\s*["']?([\w.:-]+)""", re.IGNORECASE)


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


# Feeds


def parse_feed(data: bytes, *, url: str = "", content_type: str = "") -> ParsedFeed:
    """The feed in `data`, fetched from `url` (the base for relative links) and served as
    `content_type`. A feed that is ill-formed but readable comes back with `problem` set."""
    if not data.strip():
        raise FeedError("the document is empty")
    head = _head(data).lstrip()
    if head.startswith(("{", "[")) or (not head.startswith("<") and "json" in content_type.lower()):
        return _parse_json_feed(data, url=url)
    return _parse_xml_feed(data, url=url, content_type=content_type)


def _parse_xml_feed(data: bytes, *, url: str, content_type: str) -> ParsedFeed:
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
    problem = _problem(result, data)
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


def _problem(result: Mapping[str, Any], data: bytes) -> str:
    if not result.get("bozo"):
        return ""
    exc = result.get("bozo_exception")
    if isinstance(exc, SAXParseException):
        # feedparser puts an XML declaration line in front of a document that has none.
        line = (exc.getLineNumber() or 1) - (0 if _head(data).startswith("<?xml") else 1)
        return f"not well-formed XML at line {max(line, 1)}: {exc.getMessage()}"
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


# JSON Feed (https://www.jsonfeed.org/version/1.1/, and 1.0)


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


# Shared by both readers


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


# Discovery


def discover_feeds(html: bytes | str, *, base_url: str) -> list[DiscoveredFeed]:
    """The feeds a page links to with <link rel="alternate">, in page order, each URL once."""
    collector = _LinkCollector()
    try:
        collector.feed(html if isinstance(html, str) else _decode_html(html))
        collector.close()
    except (AssertionError, ValueError):
        pass  # html.parser gives up on some broken markup; keep the links read before it
    # A <base href> anywhere in the page sets the base of every link in it.
    base = urljoin(base_url, collector.base_href) if collector.base_href else base_url
    found: dict[str, DiscoveredFeed] = {}
    for attributes in collector.links:
        rel = attributes.get("rel", "").lower().split()
        mime = attributes.get("type", "").split(";")[0].strip().lower()
        if "alternate" not in rel or "stylesheet" in rel or mime not in FEED_LINK_TYPES:
            continue
        url = _web_url(attributes.get("href"), base)
        if url and url not in found and not (mime == "application/json" and _wordpress_api(url)):
            title = _plain_text(attributes.get("title", ""), markup=False)
            found[url] = DiscoveredFeed(url=url, type=mime, title=title)
    return list(found.values())


def _wordpress_api(url: str) -> bool:
    # WordPress links every page to its REST API record as an application/json alternate.
    parts = urlsplit(url)
    return "/wp-json/" in parts.path or "rest_route=" in parts.query


class _LinkCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.base_href = ""
        self.links: list[dict[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes: dict[str, str] = {}
        for name, value in attrs:
            attributes.setdefault(name, value or "")  # HTML: the first of repeated attributes
        if tag == "link":
            self.links.append(attributes)
        elif tag == "base" and not self.base_href:
            self.base_href = attributes.get("href", "").strip()


def _decode_html(data: bytes) -> str:
    for bom, encoding in (
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if data.startswith(bom):
            return data.decode(encoding, "replace")
    encoding = "utf-8"
    if match := _META_CHARSET.search(data[: SNIFF_BYTES * 4]):
        with contextlib.suppress(LookupError, UnicodeDecodeError):
            encoding = codecs.lookup(match.group(1).decode("ascii")).name
    # HTML: a page that says it is UTF-16 without a BOM is read as UTF-8.
    if encoding.startswith(("utf-16", "utf-32")):
        encoding = "utf-8"
    return data.decode(encoding, "replace")


# OPML


def parse_opml(data: bytes) -> list[OpmlOutline]:
    """The subscriptions in an OPML file, folders flattened, in file order. Outlines without
    an xmlUrl (folders, notes) are skipped. URLs come as written: the fetcher decides which
    it will fetch, and the importer can tell the curator about the others."""
    outlines = []
    for element in _opml_root(data).iter("{*}outline"):
        attributes = {str(name).lower(): value.strip() for name, value in element.items()}
        xml_url = attributes.get("xmlurl", "")
        if not xml_url:
            continue
        title = attributes.get("title") or attributes.get("text") or ""
        outlines.append(
            OpmlOutline(
                xml_url=xml_url,
                title=_plain_text(title, markup=False),
                html_url=attributes.get("htmlurl", ""),
            )
        )
    return outlines


def _opml_root(data: bytes) -> Any:
    if not data.strip():
        raise FeedError("the document is empty")
    # No entity expansion (billion laughs), no DTD, nothing fetched.
    parser = etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )
    try:
        root = etree.fromstring(data, parser=parser)
    except etree.XMLSyntaxError as exc:
        message = _LXML_POSITION.sub("", exc.msg)
        raise FeedError(f"not OPML: not well-formed XML at line {exc.lineno}: {message}") from exc
    except ValueError as exc:
        raise FeedError(f"not OPML: {exc}") from exc
    name = etree.QName(root).localname
    if name.lower() != "opml":
        raise FeedError(f"not OPML: the root element is <{name}>")
    return root


def export_opml(outlines: Iterable[OpmlOutline], *, title: str) -> bytes:
    """OPML 2.0 listing `outlines`, which parse_opml reads back as they were."""
    root = etree.Element("opml", version="2.0")
    head = etree.SubElement(root, "head")
    etree.SubElement(head, "title").text = _xml_text(title)
    body = etree.SubElement(root, "body")
    for outline in outlines:
        attributes = {"type": "rss", "text": _xml_text(outline.title)}
        if outline.title:
            attributes["title"] = _xml_text(outline.title)
        attributes["xmlUrl"] = _xml_text(outline.xml_url)
        if outline.html_url:
            attributes["htmlUrl"] = _xml_text(outline.html_url)
        etree.SubElement(body, "outline", attributes)
    result: bytes = etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
    return result


def _xml_text(value: str) -> str:
    return _NOT_XML_CHARACTERS.sub("", value)
