"""What a curator needs from an article page: headline, byline, time, publisher, language,
canonical URL, lead image with caption and credit, an excerpt, and the text.

The page is parsed once. Its metadata is read from that tree: Open Graph and article meta
tags, then a JSON-LD NewsArticle (or Article), which wins field by field where it is present;
trafilatura's author reading; htmldate when nothing gave a date. trafilatura then takes the
same tree for the text. Times keep the zone the page gives; a page that gives a date without
a time yields midnight UTC on that date and ``published_has_time`` False.
"""

from __future__ import annotations

import datetime as dt
import gzip
import json
import re
from dataclasses import asdict, dataclass
from typing import Any
from urllib.parse import urljoin, urlsplit

import trafilatura
from htmldate import find_date
from lxml import etree
from trafilatura.metadata import examine_meta, extract_meta_json
from trafilatura.utils import load_html

SHORT_BODY_CHARS = 300  # a body this short from the fast pass is read again, thoroughly
EXCERPT_PARAGRAPHS = 2
EXCERPT_MAX_CHARS = 480  # about two sentences of news prose
ARTICLE_TYPES = {
    "NewsArticle",
    "Article",
    "ReportageNewsArticle",
    "AnalysisNewsArticle",
    "OpinionNewsArticle",
    "BlogPosting",
    "LiveBlogPosting",
    "Report",
    "BackgroundNewsArticle",
    "ReviewNewsArticle",
    "ScholarlyArticle",
}
TIME_META = (
    "article:published_time",
    "og:published_time",
    "datePublished",
    "pubdate",
    "publishdate",
    "date",
    "dc.date",
    "dc.date.issued",
    "dcterms.created",
    "sailthru.date",
    "parsely-pub-date",
)
CREDIT_CLASSES = re.compile(r"credit|copyright|photographer|byline|source", re.IGNORECASE)
# A credit written at the end of a caption's own text: "... at dawn. Photographer: Jo Park",
# "... (Photo: Jo Park/Agency)", "... | Credit: Agency".
CREDIT_IN_CAPTION = re.compile(
    r"(?:(?<=[.!?])\s+|\s*[(|\u2014]\s*|\s+-\s+)"  # after a sentence, or ( | — -
    r"(?P<credit>\b(?:Photo(?:graph)?(?:er)?|Image|Credit|Picture)s?(?:\s+by)?\s*:\s*"
    r"[^()|]{2,120}?)\s*\)?\s*$",
    re.IGNORECASE,
)


@dataclass
class Extracted:
    headline: str = ""
    byline: str = ""
    published: dt.datetime | None = None
    published_has_time: bool = False
    publisher: str = ""
    language: str = ""
    canonical_url: str = ""
    image: str = ""
    image_caption: str = ""
    image_credit: str = ""
    excerpt: str = ""
    body_text: str = ""

    def as_json(self) -> dict[str, Any]:
        """The fields `masthead extract --json` prints. A page that gives only a date gives
        "2017-07-25", not a made-up midnight."""
        data = asdict(self)
        data.pop("published_has_time")
        if self.published is None:
            data["published"] = None
        elif self.published_has_time:
            data["published"] = self.published.isoformat()
        else:
            data["published"] = self.published.date().isoformat()
        return data


def read_html(data: bytes) -> bytes:
    """A page as stored: gzip-compressed files are opened."""
    return gzip.decompress(data) if data[:2] == b"\x1f\x8b" else data


def extract(html: bytes | str, *, url: str = "") -> Extracted:
    """The fields of an article page. The page is parsed once: its metadata is read first,
    then trafilatura takes the same tree for the text (it reshapes the tree as it goes)."""
    found = Extracted()
    tree = _parse(html)
    if tree is None:
        return found
    _from_meta(found, tree, url)
    meta_byline, found.byline = found.byline, ""
    for article in _json_ld_articles(tree):
        _from_json_ld(found, article, url)
        break
    if not found.byline:  # JSON-LD wins; otherwise trafilatura's reading, then the meta tags
        found.byline = _trafilatura_author(tree) or meta_byline
    if found.image and not found.image_caption:
        found.image_caption, credit = _figure_caption(tree, found.image, url)
        found.image_credit = found.image_credit or credit
    if found.published is None:
        found.published = _date_from_page(tree, url)
    found.headline = _clean_headline(found.headline, found.publisher, url, tree)
    found.body_text = _body(tree)
    if len(found.body_text) < SHORT_BODY_CHARS:
        # The fast pass skips trafilatura's fallback extractors. On the labelled pages it
        # loses recall mostly where it finds little (recall 0.922 alone, 0.925 with these
        # re-read, 0.938 reading every page thoroughly, at 40% more time per page).
        found.body_text = _body(_parse(html), fast=False) or found.body_text
    found.excerpt = excerpt_of(found.body_text, headline=found.headline)
    found.canonical_url = found.canonical_url or url
    return found


def _body(tree: Any, *, fast: bool = True) -> str:
    document = trafilatura.bare_extraction(
        tree, with_metadata=False, include_comments=False, include_tables=False, fast=fast
    )
    return (getattr(document, "text", None) or "").strip()  # None when nothing was found


def excerpt_of(text: str, *, headline: str = "") -> str:
    """The first paragraphs of the text, cut at a sentence end near EXCERPT_MAX_CHARS. The
    headline, which the text often starts with, is not a paragraph of it."""
    own = _key(headline) if headline else None
    paragraphs = [p.strip() for p in text.split("\n") if len(p.strip()) > 40 and _key(p) != own]
    excerpt = " ".join(paragraphs[:EXCERPT_PARAGRAPHS])
    if len(excerpt) <= EXCERPT_MAX_CHARS:
        return excerpt
    cut = excerpt[:EXCERPT_MAX_CHARS]
    end = max(cut.rfind(". "), cut.rfind("? "), cut.rfind("! "))
    return cut[: end + 1] if end > EXCERPT_MAX_CHARS // 3 else cut.rsplit(" ", 1)[0] + "…"


# --- sources ------------------------------------------------------------------------------


def _parse(html: bytes | str) -> Any:
    # trafilatura's own loader (encoding detection, comments and processing instructions
    # dropped): the tree is handed to trafilatura afterwards and must be what it expects.
    try:
        return load_html(html)
    except (etree.ParserError, ValueError):
        return None


def _text(value: Any) -> str:
    return " ".join(str(value).split()) if value else ""


AUTHOR_META = (
    "author",
    "article:author",
    "byl",
    "parsely-author",
    "sailthru.author",
    "dc.creator",
    "dcterms.creator",
)
AUTHOR_ELEMENTS = (
    '//*[@itemprop="author"]',
    '//a[@rel="author"]',
    '//*[contains(concat(" ", normalize-space(@class), " "), " byline ")]',
    '//*[contains(concat(" ", normalize-space(@class), " "), " author ")]',
    '//*[contains(@class, "author-name") or contains(@class, "byline__")]',
)
MAX_BYLINE_CHARS = 120  # longer "bylines" are paragraphs that happen to carry the class


def _author_from_elements(tree: Any) -> str:
    for query in AUTHOR_ELEMENTS:
        for element in tree.xpath(query)[:3]:
            name = element.get("content") or _text(element.text_content())
            if 2 <= len(name) <= MAX_BYLINE_CHARS and "http" not in name and "@" not in name:
                return _byline(name)
    return ""


def _trafilatura_author(tree: Any) -> str:
    """trafilatura's reading of the author: its meta tags, its JSON-LD, then its byline search
    in the markup (with its rule that a one-word meta author is a user name, not a byline)."""
    try:
        metadata = extract_meta_json(tree, examine_meta(tree))
    except Exception:  # trafilatura's JSON-LD reader breaks on odd JSON
        metadata = examine_meta(tree)
    author = metadata.author if metadata.author and " " in metadata.author else None
    return _byline(author) if author else _author_from_elements(tree)


def _date_from_page(tree: Any, url: str) -> dt.datetime | None:
    """A date found by htmldate in the page's markup, when no metadata gave one. Its extensive
    search (dates in free text, through dateparser) would find 4 points more of the labelled
    dates at 4 ms a page, which the pipeline's speed goal cannot afford."""
    day = find_date(
        tree, url=url or None, extensive_search=False, original_date=True, outputformat="%Y-%m-%d"
    )
    return _parse_time(day) if day else None


def _byline(value: Any) -> str:
    if isinstance(value, list):
        value = "; ".join(str(name) for name in value)
    names = [_text(name) for name in re.split(r";|\|", str(value or "")) if _text(name)]
    text = ", ".join(dict.fromkeys(names))
    return re.sub(r"^(by|von|par|por)\s+", "", text, flags=re.IGNORECASE)


def _meta(tree: Any) -> dict[str, str]:
    found: dict[str, str] = {}
    for element in tree.iter("meta"):
        key = element.get("property") or element.get("name") or element.get("itemprop") or ""
        value = element.get("content")
        if key and value and key.lower() not in found:
            found[key.lower()] = value.strip()
    return found


def _from_meta(found: Extracted, tree: Any, url: str) -> None:
    meta = _meta(tree)
    title = tree.find(".//title")
    found.headline = (
        _text(meta.get("og:title"))
        or _text(meta.get("twitter:title"))
        or (_text(title.text_content()) if title is not None else "")
    )
    found.byline = next(
        (_byline(meta[key]) for key in AUTHOR_META if meta.get(key) and "http" not in meta[key]),
        "",
    )
    found.publisher = _text(meta.get("og:site_name") or meta.get("application-name"))
    image = meta.get("og:image") or meta.get("og:image:url") or meta.get("twitter:image")
    if image:
        found.image = urljoin(url, image)
    for key in TIME_META:
        moment = _parse_time(meta.get(key.lower(), ""))
        if moment is not None and _has_time(meta[key.lower()]):
            found.published, found.published_has_time = moment, True
            break
    if not found.published_has_time:
        for element in tree.iter("time"):
            value = element.get("datetime", "")
            moment = _parse_time(value)
            if moment is not None and _has_time(value):
                found.published, found.published_has_time = moment, True
                break
    lang = tree.get("lang") or meta.get("og:locale", "").replace("_", "-")
    found.language = found.language or lang.split("-")[0].lower()
    for link in tree.iter("link"):
        if "canonical" in (link.get("rel") or "").lower().split() and link.get("href"):
            found.canonical_url = urljoin(url, link.get("href"))
            break


def _json_ld_articles(tree: Any) -> list[dict[str, Any]]:
    """NewsArticle objects first, then other articles, from every JSON-LD block."""
    articles: list[dict[str, Any]] = []
    for script in tree.iter("script"):
        if (script.get("type") or "").lower() != "application/ld+json" or not script.text:
            continue
        try:
            data = json.loads(script.text)
        except ValueError:
            continue
        articles.extend(_walk(data))
    articles.sort(key=lambda article: "NewsArticle" not in _types(article))
    return articles


def _types(item: dict[str, Any]) -> set[str]:
    value = item.get("@type", [])
    return set(value) if isinstance(value, list) else {str(value)}


def _walk(data: Any) -> list[dict[str, Any]]:
    if isinstance(data, list):
        return [found for item in data for found in _walk(item)]
    if not isinstance(data, dict):
        return []
    found = [data] if _types(data) & ARTICLE_TYPES else []
    return found + _walk(data.get("@graph", []))


def _name(value: Any) -> str:
    if isinstance(value, list):
        return ", ".join(dict.fromkeys(filter(None, (_name(item) for item in value))))
    if isinstance(value, dict):
        return _name(value.get("name"))
    return _text(value)


def _from_json_ld(found: Extracted, article: dict[str, Any], url: str) -> None:
    found.headline = _text(article.get("headline")) or found.headline
    found.byline = _byline(_name(article.get("author"))) or found.byline
    found.publisher = _name(article.get("publisher")) or found.publisher
    found.language = _text(article.get("inLanguage")).split("-")[0].lower() or found.language
    moment = _parse_time(_text(article.get("datePublished")))
    if moment is not None:
        found.published, found.published_has_time = moment, _has_time(article["datePublished"])
    page = article.get("mainEntityOfPage")
    page_url = page.get("@id") if isinstance(page, dict) else page
    if isinstance(article.get("url"), str) or isinstance(page_url, str):
        found.canonical_url = urljoin(url, article.get("url") or page_url)
    image = article.get("image")
    if isinstance(image, list):
        image = image[0] if image else None
    if isinstance(image, dict):
        found.image = (
            urljoin(url, _text(image.get("url") or image.get("contentUrl"))) or found.image
        )
        found.image_caption = _text(image.get("caption")) or found.image_caption
        found.image_credit = (
            _text(
                image.get("creditText")
                or _name(image.get("author"))
                or _name(image.get("copyrightHolder"))
            )
            or found.image_credit
        )
    elif isinstance(image, str) and image:
        found.image = urljoin(url, image)


def _figure_caption(tree: Any, image_url: str, url: str) -> tuple[str, str]:
    """Caption and credit of the figure that shows the lead image (or of the first figure)."""
    figures = list(tree.iter("figure"))
    name = image_url.rsplit("/", 1)[-1].split("?")[0]
    chosen = next(
        (
            figure
            for figure in figures
            if any(
                name and name in (img.get("src") or img.get("data-src") or "")
                for img in figure.iter("img")
            )
        ),
        figures[0] if figures else None,
    )
    if chosen is None:
        return "", ""
    caption_element = next(chosen.iter("figcaption"), None)
    if caption_element is None:
        return "", ""
    credit = ""
    for element in caption_element.iter():
        if CREDIT_CLASSES.search(element.get("class") or "") and element is not caption_element:
            credit = _text(element.text_content())
            element.drop_tree()
            break
    caption = _text(caption_element.text_content())
    written = None if credit else CREDIT_IN_CAPTION.search(caption)
    if written and written.start() > 0:  # a caption that is only "Photo: ..." stays one
        credit = written["credit"].strip()
        caption = caption[: written.start()].rstrip(" (|-\u2014")
    return caption, credit


MIN_HEADLINE_CHARS = 8  # shorter than this, a cut title is a fragment, not a headline
SEPARATORS = re.compile(
    r"\s+[|\u2013\u2014:\u00b7\u00bb-]\s+|\s*::\s*"
)  # bar, en and em dash, colon, middle dot, guillemet, hyphen


def _clean_headline(title: str, publisher: str, url: str, tree: Any) -> str:
    """The headline without the site's name that page titles carry ("Story | Site")."""
    if not title:
        return title
    key = _key(title)
    for h1 in tree.iter("h1"):
        heading = _text(h1.text_content())
        if heading and len(heading) >= 12 and _key(heading) != key and _key(heading) in key:
            return heading  # the page's own heading, inside the longer <title>
    parts = SEPARATORS.split(title)
    if len(parts) < 2:
        return title
    site = {_key(publisher), _key(urlsplit(url).hostname or "").removeprefix("www")}
    for candidate, rest in ((parts[0], parts[1:]), (parts[-1], parts[:-1])):
        if len(_key(candidate)) >= MIN_HEADLINE_CHARS and any(
            _key(piece) in site or _names_site(piece, site) for piece in rest
        ):
            return candidate.strip()
    return title


def _key(text: str) -> str:
    return re.sub(r"[\W_]+", "", text.lower())


def _names_site(piece: str, site: set[str]) -> bool:
    key = _key(piece)
    return bool(key) and any(key and (key in name or name in key) for name in site if name)


# --- times ---------------------------------------------------------------------------------


def _has_time(value: str) -> bool:
    return bool(re.search(r"\d{1,2}:\d{2}", value or ""))


def _parse_time(value: str) -> dt.datetime | None:
    """An ISO 8601 date or time as an aware datetime; UTC when no zone is given."""
    value = (value or "").strip()
    if not value:
        return None
    candidate = value.replace("Z", "+00:00").replace(" ", "T", 1)
    candidate = re.sub(r"([+-]\d{2})(\d{2})$", r"\1:\2", candidate)
    for text in (candidate, candidate[:10]):
        try:
            moment = dt.datetime.fromisoformat(text)
        except ValueError:
            continue
        return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)
    return None
