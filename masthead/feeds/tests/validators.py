"""The strictest checks of the three formats the tests can run here, each raising
AssertionError with what is wrong:

- every format: feedparser (the library Masthead's own ingest reads feeds with) without bozo;
- Atom: RELAX NG of RFC 4287 (atom.rnc, converted by rnc2rng, validated by libxml2 through
  lxml), then the rules of the RFC's prose the grammar cannot say;
- RSS 2.0: the specification's required elements and their forms (rssboard.org), RFC 822
  dates, atom:link rel="self", guid isPermaLink, enclosure attributes;
- JSON Feed 1.1: a JSON Schema of the version (jsonfeed-1.1.schema.json) with formats
  checked (URIs by rfc3987, date-times by rfc3339-validator), then its prose rules.
"""

from __future__ import annotations

import email.utils
import json
import re
from functools import cache
from pathlib import Path
from typing import Any

import feedparser
import jsonschema
import rfc3987
from lxml import etree
from rfc3339_validator import validate_rfc3339
from rnc2rng import parser as rnc_parser
from rnc2rng import serializer as rnc_serializer

HERE = Path(__file__).parent
ATOM = "{http://www.w3.org/2005/Atom}"
XML_NS = "{http://www.w3.org/XML/1998/namespace}"
MEDIA = "{http://search.yahoo.com/mrss/}"
# RFC 822 section 5 (with RFC 1123's four-digit years), as RSS 2.0 asks: "Sat, 07 Sep 2002
# 00:00:01 GMT"; a numeric zone or a named one.
RFC822 = re.compile(
    r"^(?:(Mon|Tue|Wed|Thu|Fri|Sat|Sun), )?\d{1,2} "
    r"(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} "
    r"\d{2}:\d{2}(:\d{2})? (UT|GMT|EST|EDT|CST|CDT|MST|MDT|PST|PDT|[A-IK-Z]|[+\-]\d{4})$"
)
# The elements RSS 2.0 defines; anything else in no namespace is not RSS.
RSS_CHANNEL = {
    "title", "link", "description", "language", "copyright", "managingEditor", "webMaster",
    "pubDate", "lastBuildDate", "category", "generator", "docs", "cloud", "ttl", "image",
    "rating", "textInput", "skipHours", "skipDays", "item",
}  # fmt: skip
RSS_ITEM = {
    "title", "link", "description", "author", "category", "comments", "enclosure", "guid",
    "pubDate", "source",
}  # fmt: skip
ONCE_IN_CHANNEL = RSS_CHANNEL - {"category", "item"}
ONCE_IN_ITEM = RSS_ITEM - {"category"}


def _absolute_iri(value: str, what: str) -> None:
    assert value and rfc3987.match(value, rule="absolute_IRI"), f"{what} {value!r}: no IRI"


def _uri(value: str, what: str) -> None:
    assert value and rfc3987.match(value, rule="URI"), f"{what} {value!r} is no URI"


def check_feedparser(body: bytes, content_type: str) -> Any:
    parsed = feedparser.parse(body, response_headers={"content-type": content_type})
    assert not parsed.bozo, f"feedparser: {parsed.get('bozo_exception')!r}"
    return parsed


@cache
def _atom_schema() -> etree.RelaxNG:
    rng = rnc_serializer.XMLSerializer().toxml(rnc_parser.parse((HERE / "atom.rnc").read_text()))
    # rnc2rng declares the empty namespace's prefix, which XML 1.0 forbids (it uses ns="").
    rng = rng.replace(' xmlns:local=""', "")
    return etree.RelaxNG(etree.fromstring(rng.encode()))


def check_atom(body: bytes, *, self_url: str) -> etree._Element:
    root = etree.fromstring(body)
    schema = _atom_schema()
    assert schema.validate(root), f"RFC 4287 grammar: {schema.error_log}"
    assert root.tag == f"{ATOM}feed"
    entries = root.findall(f"{ATOM}entry")
    # 4.1.1: an author, unless every entry has one.
    assert root.find(f"{ATOM}author") is not None or all(
        entry.find(f"{ATOM}author") is not None for entry in entries
    ), "atom:feed without atom:author, and an entry without one"
    # 4.1.1: a rel="self" link, and it is where the feed was read.
    selves = [link for link in root.findall(f"{ATOM}link") if link.get("rel") == "self"]
    assert len(selves) == 1 and selves[0].get("href") == self_url, "rel=self"
    for element in [root, *entries]:
        _atom_element_rules(element)
    for entry in entries:
        links = entry.findall(f"{ATOM}link")
        # 4.1.2: content or an alternate link.
        assert entry.find(f"{ATOM}content") is not None or any(
            link.get("rel", "alternate") == "alternate" for link in links
        )
        # 4.1.3.3: text content in an html type holds no elements (it is escaped markup).
        content = entry.find(f"{ATOM}content")
        if content is not None and content.get("type") == "html":
            assert len(content) == 0
    ids = [entry.findtext(f"{ATOM}id") for entry in entries]
    assert len(ids) == len(set(ids)), "two entries with one atom:id"
    return root


def _atom_element_rules(element: etree._Element) -> None:
    identifier = element.findtext(f"{ATOM}id") or ""
    _absolute_iri(identifier, "atom:id")  # 4.2.6
    for name in ("updated", "published"):  # 3.3
        for date in element.findall(f"{ATOM}{name}"):
            assert validate_rfc3339(date.text or ""), f"atom:{name} {date.text!r}"
    alternates: set[tuple[str, str]] = set()
    for link in element.findall(f"{ATOM}link"):
        _absolute_iri(link.get("href", ""), "atom:link href")
        if link.get("rel", "alternate") == "alternate":  # 4.1.1, 4.1.2: one per type and lang
            key = (link.get("type", ""), link.get("hreflang", ""))
            assert key not in alternates, "two alternate links of one type and language"
            alternates.add(key)
    for category in element.findall(f"{ATOM}category"):
        if category.get("scheme"):
            _absolute_iri(category.get("scheme", ""), "atom:category scheme")
    for person in element.findall(f"{ATOM}author"):
        assert (person.findtext(f"{ATOM}name") or "").strip(), "atom:author without a name"
        if person.find(f"{ATOM}uri") is not None:
            _absolute_iri(person.findtext(f"{ATOM}uri") or "", "atom:uri")
    for media in element.iter(f"{MEDIA}content"):
        _absolute_iri(media.get("url", ""), "media:content url")


def check_rss(body: bytes, *, self_url: str) -> etree._Element:
    root = etree.fromstring(body)
    assert root.tag == "rss" and root.get("version") == "2.0"
    channels = root.findall("channel")
    assert len(channels) == 1
    channel = channels[0]
    _rss_children(channel, RSS_CHANNEL, ONCE_IN_CHANNEL, "channel")
    for name in ("title", "link", "description"):
        assert (channel.findtext(name) or "").strip(), f"channel without {name}"
    _uri(channel.findtext("link") or "", "channel link")
    selves = [link for link in channel.findall(f"{ATOM}link") if link.get("rel") == "self"]
    assert len(selves) == 1 and selves[0].get("href") == self_url, "atom:link rel=self"
    assert selves[0].get("type") in {None, "application/rss+xml"}
    for name in ("pubDate", "lastBuildDate"):
        if channel.find(name) is not None:
            _rfc822(channel.findtext(name) or "")
    guids = []
    for item in channel.findall("item"):
        _rss_children(item, RSS_ITEM, ONCE_IN_ITEM, "item")
        assert (item.findtext("title") or item.findtext("description") or "").strip(), (
            "an item needs a title or a description"
        )
        if item.find("link") is not None:
            _uri(item.findtext("link") or "", "item link")
        if item.find("pubDate") is not None:
            _rfc822(item.findtext("pubDate") or "")
        guid = item.find("guid")
        if guid is not None:
            permalink = guid.get("isPermaLink", "true")
            assert permalink in {"true", "false"}
            if permalink == "true":
                _uri(guid.text or "", "a permalink guid")
            guids.append(guid.text)
        enclosure = item.find("enclosure")
        if enclosure is not None:
            _uri(enclosure.get("url", ""), "enclosure url")
            assert (enclosure.get("length") or "").isdigit(), "enclosure length"
            assert re.fullmatch(r"[^/\s]+/[^/\s]+", enclosure.get("type") or ""), "enclosure type"
        for category in item.findall("category"):
            assert (category.text or "").strip(), "an empty category"
    assert len(guids) == len(set(guids)), "two items with one guid"
    return root


def _rss_children(element: etree._Element, allowed: set[str], once: set[str], what: str) -> None:
    names = [child.tag for child in element if isinstance(child.tag, str)]
    unknown = {name for name in names if not name.startswith("{") and name not in allowed}
    assert not unknown, f"{what} has elements RSS 2.0 does not define: {unknown}"
    repeated = {name for name in once if names.count(name) > 1}
    assert not repeated, f"{what} repeats {repeated}"


def _rfc822(value: str) -> None:
    assert RFC822.match(value), f"{value!r} is not an RFC 822 date"
    assert email.utils.parsedate_to_datetime(value).tzinfo is not None


@cache
def _json_feed_validator() -> jsonschema.Draft202012Validator:
    schema = json.loads((HERE / "jsonfeed-1.1.schema.json").read_text())
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(
        schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )


def check_json_feed(body: bytes, *, self_url: str) -> dict[str, Any]:
    document = json.loads(body.decode("utf-8"))
    errors = sorted(_json_feed_validator().iter_errors(document), key=str)
    assert not errors, "JSON Feed 1.1: " + "; ".join(
        f"{list(error.absolute_path)}: {error.message}" for error in errors
    )
    # The format checker must know URIs and date-times, or "format" checks nothing.
    checker = jsonschema.Draft202012Validator.FORMAT_CHECKER
    assert {"uri", "date-time"} <= set(checker.checkers), "install rfc3987 and rfc3339-validator"
    assert document.get("feed_url") == self_url
    if "next_url" in document:
        assert document["next_url"] != document["feed_url"], "next_url is feed_url"
    ids = [item["id"] for item in document["items"]]
    assert len(ids) == len(set(ids)), "two items with one id"
    return document
