"""The three documents: RSS 2.0 and Atom 1.0 as Django's feed generators with what a news
item needs added (several authors, categories with their scheme, the body, the lead image
as Media RSS), and JSON Feed 1.1 as a ``SyndicationFeed`` of our own.

Each item is added with these extra keys (``feeds.syndication``): ``authors`` (names),
``category_links`` (term, label, scheme URL), ``summary`` (plain text), ``content_html``,
``image`` (an ``Image`` or None) and ``external_url`` (a curated story's original). The feed
is made with ``updated`` (its last change), ``next_url`` and ``previous_url``. Dates are aware
and given in each story's own zone.
"""

from __future__ import annotations

import datetime as dt
import html
import json
from dataclasses import dataclass
from typing import Any

from django.utils import feedgenerator
from django.utils.feedgenerator import rfc2822_date
from django.utils.xmlutils import SimplerXMLGenerator

MEDIA_NS = "http://search.yahoo.com/mrss/"
CONTENT_NS = "http://purl.org/rss/1.0/modules/content/"
DC_NS = "http://purl.org/dc/elements/1.1/"
ATOM_NS = "http://www.w3.org/2005/Atom"
JSON_FEED_VERSION = "https://jsonfeed.org/version/1.1"


@dataclass(frozen=True)
class Image:
    """A story's lead image as feeds announce it."""

    url: str
    mime_type: str
    width: int | None
    height: int | None
    size: int | None  # bytes; None when the file cannot be measured (RSS then omits it)
    caption: str
    credit: str
    alt: str


@dataclass(frozen=True)
class Category:
    term: str
    label: str
    scheme: str  # the absolute URL of the page listing the term's stories


def _start(handler: SimplerXMLGenerator, name: str, attributes: dict[str, str]) -> None:
    # Django passes plain dicts as attributes; the stubs ask for SAX's AttributesImpl.
    handler.startElement(name, attributes)  # type: ignore[arg-type]


def rfc3339(moment: dt.datetime) -> str:
    """``2017-07-25T14:01:00-07:00``: whole seconds, the offset of the moment's own zone."""
    return moment.replace(microsecond=0).isoformat()


class _Documents:
    """What the three formats share."""

    feed: dict[str, Any]

    def latest_post_date(self) -> dt.datetime:
        # The feed's last change as the selector found it: an item's own dates miss a story
        # that left the feed (withdrawn), and the time of the render is no change at all.
        updated: dt.datetime = self.feed["updated"]
        return updated


class RssFeed(_Documents, feedgenerator.Rss201rev2Feed):
    """RSS 2.0 (rssboard.org/rss-specification) with content:encoded, dc:creator and Media
    RSS. The guid is the story's urn:uuid, not its URL (a new headline changes the URL), so
    ``isPermaLink="false"``; dates are RFC 822 with the zone's numeric offset."""

    def rss_attributes(self) -> dict[str, str]:
        return {
            **super().rss_attributes(),
            "xmlns:content": CONTENT_NS,
            "xmlns:dc": DC_NS,
            "xmlns:media": MEDIA_NS,
        }

    def add_root_elements(self, handler: SimplerXMLGenerator) -> None:
        super().add_root_elements(handler)
        for rel in ("next", "previous"):
            if self.feed.get(f"{rel}_url"):
                handler.addQuickElement(
                    "atom:link",
                    None,
                    {"rel": rel, "href": self.feed[f"{rel}_url"], "type": self.content_type_only},
                )
        handler.addQuickElement("generator", "Masthead")

    content_type_only = "application/rss+xml"

    def add_item_elements(self, handler: SimplerXMLGenerator, item: dict[str, Any]) -> None:
        # The title is plain text (escaped for XML only: feedparser and most readers read it
        # so); the description is HTML (rssboard.org), so the plain excerpt is escaped for
        # HTML first. A headline with "<" or "&" reads as written in both.
        handler.addQuickElement("title", item["title"])
        handler.addQuickElement("link", item["link"])
        handler.addQuickElement(
            "description", html.escape(item["summary"] or item["title"], quote=False)
        )
        for name in item["authors"]:
            handler.addQuickElement("dc:creator", name)
        handler.addQuickElement("pubDate", rfc2822_date(item["pubdate"]))
        handler.addQuickElement("guid", item["unique_id"], {"isPermaLink": "false"})
        for category in item["category_links"]:
            handler.addQuickElement("category", category.label, {"domain": category.scheme})
        image: Image | None = item["image"]
        if image is not None and image.size is not None:
            handler.addQuickElement(
                "enclosure",
                "",
                {"url": image.url, "length": str(image.size), "type": image.mime_type},
            )
        _start(handler, "content:encoded", {})
        handler.characters(item["content_html"])
        handler.endElement("content:encoded")
        if image is not None:
            _media_content(handler, image)


class AtomFeed(_Documents, feedgenerator.Atom1Feed):
    """Atom 1.0 (RFC 4287): every entry with its id (urn:uuid), updated and published times,
    authors, a plain-text summary and the body as escaped HTML; the feed with its self link,
    an author (the site or the channel: entries without a byline need one) and RFC 5005's
    next and previous pages."""

    content_type_only = "application/atom+xml"

    def root_attributes(self) -> dict[str, str]:
        return {**super().root_attributes(), "xmlns:media": MEDIA_NS}

    def add_root_elements(self, handler: SimplerXMLGenerator) -> None:
        feed = self.feed
        handler.addQuickElement("title", feed["title"], {"type": "text"})
        if feed["subtitle"]:
            handler.addQuickElement("subtitle", feed["subtitle"], {"type": "text"})
        handler.addQuickElement(
            "link", "", {"rel": "alternate", "type": "text/html", "href": feed["link"]}
        )
        handler.addQuickElement(
            "link", "", {"rel": "self", "type": self.content_type_only, "href": feed["feed_url"]}
        )
        for rel in ("next", "previous"):
            if feed.get(f"{rel}_url"):
                handler.addQuickElement(
                    "link",
                    "",
                    {"rel": rel, "type": self.content_type_only, "href": feed[f"{rel}_url"]},
                )
        handler.addQuickElement("id", feed["id"])
        handler.addQuickElement("updated", rfc3339(self.latest_post_date()))
        _start(handler, "author", {})
        handler.addQuickElement("name", feed["author_name"])
        if feed["author_link"]:
            handler.addQuickElement("uri", feed["author_link"])
        handler.endElement("author")
        handler.addQuickElement("generator", "Masthead")

    def add_item_elements(self, handler: SimplerXMLGenerator, item: dict[str, Any]) -> None:
        handler.addQuickElement("title", item["title"], {"type": "text"})
        handler.addQuickElement(
            "link", "", {"rel": "alternate", "type": "text/html", "href": item["link"]}
        )
        if item["external_url"]:
            handler.addQuickElement("link", "", {"rel": "related", "href": item["external_url"]})
        handler.addQuickElement("id", item["unique_id"])
        handler.addQuickElement("published", rfc3339(item["pubdate"]))
        handler.addQuickElement("updated", rfc3339(item["updateddate"]))
        for name in item["authors"]:
            _start(handler, "author", {})
            handler.addQuickElement("name", name)
            handler.endElement("author")
        for category in item["category_links"]:
            handler.addQuickElement(
                "category",
                "",
                {"term": category.term, "scheme": category.scheme, "label": category.label},
            )
        if item["summary"]:
            handler.addQuickElement("summary", item["summary"], {"type": "text"})
        handler.addQuickElement("content", item["content_html"], {"type": "html"})
        image: Image | None = item["image"]
        if image is not None:
            attributes = {"rel": "enclosure", "type": image.mime_type, "href": image.url}
            if image.size is not None:
                attributes["length"] = str(image.size)
            handler.addQuickElement("link", "", attributes)
            _media_content(handler, image)


def _media_content(handler: SimplerXMLGenerator, image: Image) -> None:
    """Media RSS's ``media:content`` (rssboard.org/media-rss): the photo with its caption as
    ``media:description`` and its credit as ``media:credit``."""
    attributes = {"url": image.url, "type": image.mime_type, "medium": "image"}
    if image.size is not None:
        attributes["fileSize"] = str(image.size)
    if image.width and image.height:
        attributes["width"], attributes["height"] = str(image.width), str(image.height)
    _start(handler, "media:content", attributes)
    if image.caption:
        handler.addQuickElement("media:description", image.caption, {"type": "plain"})
    if image.credit:
        handler.addQuickElement("media:credit", image.credit)
    if image.alt:
        handler.addQuickElement("media:text", image.alt, {"type": "plain"})
    handler.endElement("media:content")


class JsonFeed(_Documents, feedgenerator.SyndicationFeed):
    """JSON Feed 1.1 (jsonfeed.org/version/1.1). The lead image is ``image`` and an
    attachment; its caption and credit, which the format has no keys for, are in the item's
    ``_masthead`` extension object."""

    content_type = "application/feed+json"

    def document(self) -> dict[str, Any]:
        feed = self.feed
        document: dict[str, Any] = {
            "version": JSON_FEED_VERSION,
            "title": feed["title"],
            "home_page_url": feed["link"],
            "feed_url": feed["feed_url"],
        }
        if feed["subtitle"]:
            document["description"] = feed["subtitle"]
        if feed.get("next_url"):
            document["next_url"] = feed["next_url"]
        document["authors"] = [{"name": feed["author_name"], "url": feed["author_link"]}]
        if feed["language"]:
            document["language"] = feed["language"]
        document["items"] = [self._item(item) for item in self.items]
        return document

    def _item(self, item: dict[str, Any]) -> dict[str, Any]:
        out: dict[str, Any] = {
            "id": item["unique_id"],
            "url": item["link"],
            "title": item["title"],
            "content_html": item["content_html"],
        }
        if item["external_url"]:
            out["external_url"] = item["external_url"]
        if item["summary"]:
            out["summary"] = item["summary"]
        out["date_published"] = rfc3339(item["pubdate"])
        out["date_modified"] = rfc3339(item["updateddate"])
        if item["authors"]:
            out["authors"] = [{"name": name} for name in item["authors"]]
        out["tags"] = [category.label for category in item["category_links"]]
        image: Image | None = item["image"]
        if image is not None:
            out["image"] = image.url
            attachment: dict[str, Any] = {"url": image.url, "mime_type": image.mime_type}
            if image.caption:
                attachment["title"] = image.caption
            if image.size is not None:
                attachment["size_in_bytes"] = image.size
            out["attachments"] = [attachment]
            out["_masthead"] = {
                "image_caption": image.caption,
                "image_credit": image.credit,
                "image_alt": image.alt,
            }
        return out

    def write(self, outfile: Any, encoding: str) -> None:
        json.dump(self.document(), outfile, ensure_ascii=False, separators=(",", ":"))
