"""Finding a site's feeds from one of its pages: the feed links it declares."""

from __future__ import annotations

import codecs
import contextlib
import re
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

from .common import SNIFF_BYTES, DiscoveredFeed, _plain_text, _web_url

FEED_LINK_TYPES = {
    "application/rss+xml",
    "application/atom+xml",
    "application/feed+json",
    "application/json",
    "application/rdf+xml",
}
_META_CHARSET = re.compile(rb"""<meta[^>]{0,200}?charset\s*=\s*["']?([\w.:-]+)""", re.IGNORECASE)


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
