"""OPML subscription lists, read and written."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from lxml import etree

from masthead.core.xmltext import xml_text

from .common import FeedError, OpmlOutline, _plain_text

_LXML_POSITION = re.compile(r",? line \d+, column \d+$")
# XML 1.0 cannot carry these at all, not even escaped; lxml refuses to write them.


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
    etree.SubElement(head, "title").text = xml_text(title)
    body = etree.SubElement(root, "body")
    for outline in outlines:
        attributes = {"type": "rss", "text": xml_text(outline.title)}
        if outline.title:
            attributes["title"] = xml_text(outline.title)
        attributes["xmlUrl"] = xml_text(outline.xml_url)
        if outline.html_url:
            attributes["htmlUrl"] = xml_text(outline.html_url)
        etree.SubElement(body, "outline", attributes)
    result: bytes = etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
    return result
