"""The feed reader on feedparser's and NetNewsWire's test corpora, and on feeds written here."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import lxml.html
import pytest
from lxml import etree

from conftest import shared_data
from masthead.ingest.feeds import (
    DiscoveredFeed,
    FeedError,
    OpmlOutline,
    ParsedFeed,
    discover_feeds,
    export_opml,
    parse_feed,
    parse_opml,
)

FEEDPARSER_TESTS = "feeds/feedparser/tests"
NETNEWSWIRE = "feeds/netnewswire/Tests/RSParserTests/Resources"
FEED_SUFFIXES = {".xml", ".rss", ".atom", ".rdf", ".json"}
# feedparser's test files say which HTTP headers they were served with, in their first comment.
HEADER = re.compile(rb"^Header:\s*([\w-]+):\s*(.*?)\s*$", re.MULTILINE)


def feedparser_case(path: Path) -> ParsedFeed | FeedError:
    """A file of feedparser's corpus parsed as if served with the headers it declares."""
    data = path.read_bytes()
    headers = {
        name.decode().lower(): value.decode("latin-1") for name, value in HEADER.findall(data)
    }
    try:
        return parse_feed(
            data,
            url=headers.get("content-location", ""),
            content_type=headers.get("content-type", ""),
        )
    except FeedError as exc:
        return exc


@pytest.fixture(scope="module")
def feedparser_corpus() -> dict[str, ParsedFeed | FeedError]:
    """Every file of feedparser's corpus, by path, parsed once for the tests below. Anything
    other than FeedError escapes and fails them all, which is the point."""
    root = shared_data(FEEDPARSER_TESTS)
    paths = sorted(p for p in root.rglob("*") if p.is_file() and p.suffix in FEED_SUFFIXES)
    return {path.relative_to(root).as_posix(): feedparser_case(path) for path in paths}


# 1. Nothing in feedparser's corpus crashes the reader

# Files under illformed/ that are well-formed XML: feedparser files them there for what it
# checks about them, not for their XML.
WELL_FORMED_IN_ILLFORMED = {
    "illformed/always_strip_doctype.xml": "a stray XHTML doctype; feedparser expects not bozo",
    "illformed/http_high_bit_date.xml": "only its date is unreadable; feedparser expects no crash",
    "illformed/geo/georss_point_no_coords.xml": "only its GeoRSS point is empty",
    "illformed/geo/georss_polygon_insufficient_coords.xml": "only its GeoRSS polygon is short",
    "illformed/geo/gml_point.xml": "only its GML point is odd",
}


def test_every_feedparser_case_parses_or_is_refused(
    feedparser_corpus: dict[str, ParsedFeed | FeedError],
) -> None:
    counts: Counter[tuple[str, str]] = Counter()
    failures = []
    for name, result in feedparser_corpus.items():
        folder = name.split("/")[0]
        outcome = (
            "FeedError" if isinstance(result, FeedError) else "problem" if result.problem else "ok"
        )
        counts[folder, outcome] += 1
        if folder == "illformed" and outcome == "ok" and name not in WELL_FORMED_IN_ILLFORMED:
            failures.append(f"{name}: ill-formed, yet no problem reported")
        if name in WELL_FORMED_IN_ILLFORMED and outcome != "ok":
            failures.append(f"{name}: well-formed XML, yet {result}")
        if (
            isinstance(result, FeedError)
            and folder != "illformed"
            and "<CHANNEL>" not in str(result)
        ):
            # Only Microsoft's Channel Definition Format, which Masthead does not read, is refused.
            failures.append(f"{name}: refused: {result}")
    print("feedparser corpus:", dict(sorted(counts.items())))
    assert len(feedparser_corpus) >= 2100, "the corpus should hold 2,107 files"
    assert not failures, "\n".join(failures)


# 2. Nothing that executes comes out, whatever goes in

FORBIDDEN_ELEMENTS = {
    "script",
    "iframe",
    "frame",
    "frameset",
    "object",
    "embed",
    "applet",
    "style",
    "link",
    "form",
    "meta",
    "base",
    "svg",
    "math",
}
EXECUTABLE_URL = re.compile(r"^(javascript|vbscript|data):", re.IGNORECASE)


def executable_parts(fragment: str) -> list[str]:
    """What in this HTML (or text, read as HTML) could run or load something."""
    found = ["<script"] if "<script" in fragment.lower() else []
    if not fragment.strip():
        return found
    try:
        root = lxml.html.fragment_fromstring(fragment, create_parent="div")
    except etree.ParserError:  # nothing but a stray declaration, as in "<!DOCTYPE ~"
        return found
    for element in root.iter(etree.Element):
        if str(element.tag).lower() in FORBIDDEN_ELEMENTS:
            found.append(f"<{element.tag}>")
        for name, value in element.attrib.items():
            if name.lower().startswith("on") or name.lower() == "style":
                found.append(f"{name}=")
            # Browsers skip whitespace and control characters inside a scheme.
            if EXECUTABLE_URL.match(re.sub(r"[\x00-\x20]", "", value)):
                found.append(f"{name}={value}")
    return found


def is_sanitize_case(name: str, path: Path) -> bool:
    return "sanitize" in name or "sanitiz" in path.read_text("latin-1")[:1000].lower()


def test_sanitize_cases_leave_nothing_executable(
    feedparser_corpus: dict[str, ParsedFeed | FeedError],
) -> None:
    root = shared_data(FEEDPARSER_TESTS)
    sanitize_cases = [name for name in feedparser_corpus if is_sanitize_case(name, root / name)]
    failures = []
    checked = 0
    # Every file is checked; the sanitize cases are the ones written to attack.
    for name, result in feedparser_corpus.items():
        if isinstance(result, FeedError):
            continue
        fields = [("feed title", result.title)]
        for item in result.items:
            fields += [("summary", item.summary_html), ("title", item.title)]
            fields += [("author", item.author)]
        for field, value in fields:
            checked += 1
            if found := executable_parts(value):
                failures.append(f"{name} {field}: {found} in {value[:200]!r}")
    assert len(sanitize_cases) >= 740
    assert checked > 4000
    assert not failures, "\n".join(failures)


def test_json_feed_case_loses_its_script(
    feedparser_corpus: dict[str, ParsedFeed | FeedError],
) -> None:
    feed = feedparser_corpus["json/example.json"]
    assert isinstance(feed, ParsedFeed)
    assert feed.kind == "json" and feed.title == "My Example Feed" and len(feed.items) == 2
    assert feed.items[1].summary_html == "<p>Hello, world!</p>"


# 3. Real feeds, as NetNewsWire collected them

NOT_FEEDS = {
    # Dave Winer's RSS-in-JSON: an "rss" object, not a JSON Feed.
    "ScriptingNews.json": "not a JSON Feed",
    # allthis.json cut off in the middle of a string: not a complete document.
    "allthis-partial.json": "not valid JSON at line 1 column 10308: Unterminated string",
}
# Feeds that genuinely have no home page link: russcox.atom has only rel="self"; the other two
# are JSON Feed test fixtures without home_page_url.
NO_HOME_LINK = {"russcox.atom", "authors.json", "jsonfeed-extension.json"}
# JSON Feed fixtures whose items carry only an id and content (allowed by the spec).
UNTITLED_ITEMS = {"authors.json", "jsonfeed-extension.json"}


def netnewswire_feeds() -> Iterator[Path]:
    for path in sorted(shared_data(NETNEWSWIRE).iterdir()):
        if path.suffix in FEED_SUFFIXES:
            yield path


def test_real_feeds_have_a_title_a_link_and_items() -> None:
    failures = []
    names = []
    for path in netnewswire_feeds():
        names.append(path.name)
        try:
            feed = parse_feed(path.read_bytes(), url=f"https://feeds.example/{path.name}")
        except FeedError as exc:
            if path.name not in NOT_FEEDS or NOT_FEEDS[path.name] not in str(exc):
                failures.append(f"{path.name}: refused: {exc}")
            continue
        failures += [f"{path.name}: {failure}" for failure in real_feed_failures(path.name, feed)]
    assert len(names) == 37 and set(NOT_FEEDS) <= set(names)
    assert not failures, "\n".join(failures)


def real_feed_failures(name: str, feed: ParsedFeed) -> list[str]:
    failures = []
    if name in NOT_FEEDS:
        failures.append("read as a feed")
    if not feed.title or feed.problem:
        failures.append(f"title {feed.title!r}, problem {feed.problem!r}")
    if (feed.link == "") != (name in NO_HOME_LINK) or (feed.link and "://" not in feed.link):
        failures.append(f"home link {feed.link!r}")
    if name in UNTITLED_ITEMS:
        if not feed.items or not all(item.guid for item in feed.items):
            failures.append("items without ids")
    elif not any(item.title or item.url for item in feed.items):
        failures.append("no item with a title or a URL")
    if any(item.published and item.published.utcoffset() is None for item in feed.items):
        failures.append("a naive time")
    return failures


def test_real_feeds_read_correctly() -> None:
    root = shared_data(NETNEWSWIRE)
    fireball = parse_feed((root / "DaringFireball.json").read_bytes())
    assert (fireball.kind, fireball.title, fireball.link) == (
        "json",
        "Daring Fireball",
        "https://daringfireball.net/",
    )
    first = fireball.items[0]
    assert first.title == "The Talk Show: \u2018I Do Like Throwing a Baby\u2019"
    assert first.published == datetime(2017, 6, 27, 0, 54, 17, tzinfo=UTC)
    assert first.author == "John Gruber"

    bio = parse_feed((root / "bio.rdf").read_bytes())
    assert (bio.kind, bio.link, len(bio.items)) == ("rdf", "http://biorxiv.org", 30)

    macworld = parse_feed((root / "macworld.rss").read_bytes())
    assert macworld.items[0].image_url.startswith("https://images.idgesg.net/images/article/")
    assert macworld.items[0].author == "Christopher Null"  # given twice, kept once

    authors = parse_feed((root / "authors.json").read_bytes())
    assert [item.author for item in authors.items] == [
        "Root Author 1, Root Author 2",  # an item without authors has the feed's
        "Legacy Item Author",
        "Item Author 1, Item Author 2",
        "Item Author 1, Item Author 2",
    ]


# 4. OPML


@pytest.mark.parametrize("name", ["Subs.opml", "SubsNoTitleAttributes.opml"])
def test_opml_imports_every_subscription_and_round_trips(name: str) -> None:
    data = (shared_data(NETNEWSWIRE) / name).read_bytes()
    # Attributes, not text: SubsNoTitleAttributes.opml also says "xmlUrl" inside a comment.
    xml_urls = etree.fromstring(data).xpath("//@xmlUrl")
    outlines = parse_opml(data)
    assert len(outlines) == len(xml_urls) == 207
    assert [o.xml_url for o in outlines] == xml_urls  # folders flattened, in file order
    assert outlines[0] == OpmlOutline(
        xml_url="http://daringfireball.net/feeds/main",
        title="Daring Fireball",
        html_url="http://daringfireball.net/",
    )
    assert outlines[4].title == "chat & code"
    assert parse_opml(export_opml(outlines, title="Subs")) == outlines


def test_export_opml_escapes_and_declares_utf8() -> None:
    outlines = [
        OpmlOutline(
            xml_url="https://example.com/feed?a=1&b=2",
            title='Ham & "Eggs" <daily>\x01',
            html_url="https://example.com/",
        ),
        OpmlOutline(xml_url="https://example.org/rss", title="", html_url=""),
        OpmlOutline(xml_url="https://example.net/atom", title="Café ☕", html_url=""),
    ]
    data = export_opml(outlines, title="A & B")
    assert data.startswith(b"<?xml version='1.0' encoding='UTF-8'?>")
    root = etree.fromstring(data)
    assert root.get("version") == "2.0" and root.findtext("head/title") == "A & B"
    assert b'xmlUrl="https://example.com/feed?a=1&amp;b=2"' in data
    assert "Café ☕".encode() in data
    assert parse_opml(data) == [
        OpmlOutline(outlines[0].xml_url, 'Ham & "Eggs" <daily>', outlines[0].html_url),
        outlines[1],
        outlines[2],
    ]


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "empty"),
        (b"<html><body><p>hello</body>", "not well-formed XML at line 1"),
        (b"<rss version='2.0'><channel/></rss>", "root element is <rss>"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "not well-formed XML"),
    ],
)
def test_parse_opml_refuses_what_is_not_opml(data: bytes, reason: str) -> None:
    with pytest.raises(FeedError, match=re.escape(reason)):
        parse_opml(data)


def test_parse_opml_expands_no_entities() -> None:
    laughs = "".join(f'<!ENTITY lol{n} "{f"&lol{n - 1};" * 10}">' for n in range(1, 10)).replace(
        "&lol0;" * 10, "lol"
    )
    bomb = f'<?xml version="1.0"?><!DOCTYPE opml [{laughs}]>'
    bomb += '<opml><body><outline text="&lol9;" xmlUrl="https://x.example/"/></body></opml>'
    with pytest.raises(FeedError):
        parse_opml(bomb.encode())
    external = (
        b'<?xml version="1.0"?><!DOCTYPE opml [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        b'<opml><body><outline text="a" xmlUrl="https://x.example/"/>&x;</body></opml>'
    )
    assert parse_opml(external) == [OpmlOutline("https://x.example/", "a", "")]


# 5. Discovery


@pytest.mark.parametrize(
    ("page", "base_url", "expected"),
    [
        (
            "DaringFireball.html",
            "https://daringfireball.net/",
            [DiscoveredFeed("https://daringfireball.net/feeds/main", "application/atom+xml", "")],
        ),
        (
            "coco.html",
            "https://www.theatlantic.com/entertainment/archive/2017/11/coco/546695/",
            [
                DiscoveredFeed(
                    "https://www.theatlantic.com/feed/all/", "application/rss+xml", "The Atlantic"
                ),
                DiscoveredFeed(
                    "https://www.theatlantic.com/feed/best-of/",
                    "application/rss+xml",
                    "Best of The Atlantic",
                ),
            ],
        ),
        (
            "furbo.html",
            "http://furbo.org/",
            [
                DiscoveredFeed(
                    "http://furbo.org/feed/", "application/rss+xml", "Iconfactory News Feed"
                )
            ],
        ),
        (
            "inessential.html",
            "http://inessential.com/",
            [DiscoveredFeed("http://inessential.com/xml/rss.xml", "application/rss+xml", "RSS")],
        ),
        (
            "sixcolors.html",
            "https://sixcolors.com/",
            [DiscoveredFeed("http://feedpress.me/sixcolors", "application/rss+xml", "RSS")],
        ),
        (
            # The page's other alternates are mobile pages and app links, without a feed type.
            "YouTubeTheVolvoRocks.html",
            "https://www.youtube.com/user/TheVolvorocks",
            [
                DiscoveredFeed(
                    "https://www.youtube.com/feeds/videos.xml?channel_id=UCct7QF2jcWRY6dhXWMSq9LQ",
                    "application/rss+xml",
                    "RSS",
                )
            ],
        ),
    ],
)
def test_discovery_finds_the_feeds_a_page_links(
    page: str, base_url: str, expected: list[DiscoveredFeed]
) -> None:
    data = (shared_data(NETNEWSWIRE) / page).read_bytes()
    assert discover_feeds(data, base_url=base_url) == expected


def test_discovery_rules() -> None:
    page = """<!doctype html><html><head>
        <link rel="stylesheet alternate" type="application/rss+xml" href="/not-a-feed">
        <link rel="Alternate" type="Application/RSS+XML; charset=utf-8" href="rss.xml"
              title="A &amp; B">
        <link rel="alternate" type="application/feed+json" href="/feed.json">
        <link rel="alternate" type="application/atom+xml" href="javascript:alert(1)">
        <link rel="alternate" type="text/html" href="/fr/">
        <link rel="alternate" type="application/rss+xml" href="https://cdn.example/base/rss.xml">
        <link rel="alternate" type="application/rdf+xml" href="">
        <link rel="alternate" type="application/json" href="/wp-json/wp/v2/posts/7">
        <base href="https://cdn.example/base/">
        </head><body><link rel="alternate" type="application/atom+xml" href="/atom"></body>"""
    assert discover_feeds(page, base_url="https://example.com/post/") == [
        DiscoveredFeed("https://cdn.example/base/rss.xml", "application/rss+xml", "A & B"),
        DiscoveredFeed("https://cdn.example/feed.json", "application/feed+json", ""),
        DiscoveredFeed("https://cdn.example/atom", "application/atom+xml", ""),
    ]
    assert discover_feeds(b"", base_url="https://example.com/") == []
    assert discover_feeds(b"\x89PNG\r\n\x1a\n\x00<![if", base_url="https://example.com/") == []


def test_discovery_reads_the_page_charset() -> None:
    page = '<meta charset="iso-8859-1"><link rel=alternate type=application/rss+xml title="Café" '
    found = discover_feeds(page.encode("latin-1") + b"href=/f>", base_url="https://a.example/")
    assert found == [DiscoveredFeed("https://a.example/f", "application/rss+xml", "Café")]


# 6. The reader's rules, on feeds written here


def json_feed(version: str = "1.1", **fields: object) -> bytes:
    import json

    return json.dumps({"version": f"https://jsonfeed.org/version/{version}", **fields}).encode()


def test_json_feed_1_1() -> None:
    data = json_feed(
        title="Harbour &amp; Ferry",
        home_page_url="/",
        authors=[{"name": "Desk"}],
        items=[
            {
                "id": 42,
                "url": "posts/1",
                "title": "<b>Ferry</b> resumes",
                "content_text": "Winter <service>\n\nstarts & ends",
                "summary": "not used: content comes first",
                "date_published": "2024-01-10T09:15:00+01:00",
                "authors": [{"name": "Ana Souza"}, {"name": "Li Wei"}, {"url": "no name"}],
                "image": "/img/ferry.jpg",
            },
            {"id": "2", "summary": "Only a <summary>", "date_modified": "2024-01-11T08:00:00z"},
            "not an object",
        ],
    )
    feed = parse_feed(data, url="https://news.example/feeds/main.json")
    assert (feed.kind, feed.title, feed.link) == (
        "json",
        "Harbour & Ferry",
        "https://news.example/",
    )
    assert feed.problem == "items that are not objects were skipped"
    first, second = feed.items
    assert first.guid == "42"
    assert first.url == "https://news.example/feeds/posts/1"
    assert first.title == "Ferry resumes"
    assert first.summary_html == "<p>Winter &lt;service&gt;</p><p>starts &amp; ends</p>"
    assert first.published == datetime(2024, 1, 10, 8, 15, tzinfo=UTC)
    assert first.author == "Ana Souza, Li Wei"
    assert first.image_url == "https://news.example/img/ferry.jpg"
    assert second.summary_html == "<p>Only a &lt;summary&gt;</p>"
    assert second.published == datetime(2024, 1, 11, 8, 0, tzinfo=UTC)
    assert second.author == "Desk"


def test_json_feed_1_0() -> None:
    data = json_feed(
        version="1",
        title="Old",
        home_page_url="https://old.example/",
        author={"name": "Feed Author"},
        items=[
            {
                "id": "a",
                "url": "https://old.example/a",
                "content_html": '<p onclick="x()">Hi<script>alert(1)</script></p><iframe></iframe>',
                "author": {"name": "Item Author"},
                "banner_image": "https://old.example/banner.png",
                "date_published": "2017-05-17T08:02:12-07:00",
            },
            {"url": "https://old.example/b", "content_html": "<p>B</p>", "date_published": "x"},
        ],
    )
    feed = parse_feed(data, content_type="application/json")
    first, second = feed.items
    assert first.summary_html == "<p>Hi</p>"
    assert first.author == "Item Author"
    assert first.image_url == "https://old.example/banner.png"
    assert first.published == datetime(2017, 5, 17, 15, 2, 12, tzinfo=UTC)
    assert (second.guid, second.author, second.published) == (
        "https://old.example/b",
        "Feed Author",
        None,
    )


def test_json_feed_with_raw_control_characters_is_read_with_a_problem() -> None:
    data = json_feed(title="T", items=[{"id": "1", "title": "Tab\there"}]).replace(b"\\t", b"\t")
    feed = parse_feed(data)
    assert feed.items[0].title == "Tab here"
    assert feed.problem.startswith("not valid JSON at line 1 column")


def test_relative_links_resolve_against_the_feed_url() -> None:
    rss = b"""<?xml version="1.0"?>
    <rss version="2.0" xmlns:media="http://search.yahoo.com/mrss/"><channel>
      <title>Relative</title><link>/</link>
      <item><title>One</title><link>/2024/one</link><guid isPermaLink="false">one</guid>
        <description>&lt;a href="../two"&gt;two&lt;/a&gt; &lt;img src="x.png"&gt;</description>
        <media:thumbnail url="thumbs/one.jpg"/></item>
      <item><title>Two</title><enclosure url="/img/two.png" type="image/png" length="1"/></item>
    </channel></rss>"""
    feed = parse_feed(rss, url="https://news.example/feeds/rss.xml", content_type="text/xml")
    assert (feed.kind, feed.link, feed.problem) == ("rss", "https://news.example/", "")
    one, two = feed.items
    assert (one.guid, one.url) == ("one", "https://news.example/2024/one")
    assert 'href="https://news.example/two"' in one.summary_html and "<img" not in one.summary_html
    assert one.image_url == "https://news.example/feeds/thumbs/one.jpg"
    assert two.image_url == "https://news.example/img/two.png"
    assert two.url == "" and two.guid.startswith("sha256:")


def test_atom_xml_base_and_plain_text_titles() -> None:
    atom = b"""<feed xmlns="http://www.w3.org/2005/Atom" xml:base="https://blog.example/en/">
      <title type="text">1 &lt; 2 &amp; 3</title>
      <link rel="self" href="feed.atom"/><link href="./"/>
      <author><name>Feed Author</name></author>
      <entry><id>urn:uuid:1</id><title type="html">&lt;em&gt;Big&lt;/em&gt; &amp;amp; bold</title>
        <link rel="alternate" href="posts/1"/><updated>2024-03-01T12:00:00Z</updated>
        <summary>short</summary><content type="html">&lt;p&gt;full&lt;/p&gt;</content></entry>
    </feed>"""
    feed = parse_feed(atom)
    assert (feed.kind, feed.title, feed.link) == ("atom", "1 < 2 & 3", "https://blog.example/en/")
    (entry,) = feed.items
    assert (entry.guid, entry.title, entry.url) == (
        "urn:uuid:1",
        "Big & bold",
        "https://blog.example/en/posts/1",
    )
    assert entry.summary_html == "<p>full</p>"  # full content over the summary
    assert entry.author == "Feed Author"  # Atom: an entry inherits the feed's author
    assert entry.published == datetime(2024, 3, 1, 12, tzinfo=UTC)


def test_times_are_aware() -> None:
    rss = b"""<rss version="2.0"><channel><title>T</title>
      <item><title>zoned</title><pubDate>Wed, 10 Jan 2024 09:15:00 +0200</pubDate></item>
      <item><title>zoneless</title><pubDate>Wed, 10 Jan 2024 09:15:00</pubDate></item>
      <item><title>W3C</title><dc:date xmlns:dc="http://purl.org/dc/elements/1.1/"
        >2024-01-10T09:15:00-05:00</dc:date></item>
      <item><title>nonsense</title><pubDate>soon</pubDate></item>
    </channel></rss>"""
    published = [item.published for item in parse_feed(rss).items]
    assert published == [
        datetime(2024, 1, 10, 7, 15, tzinfo=UTC),
        datetime(2024, 1, 10, 9, 15, tzinfo=UTC),
        datetime(2024, 1, 10, 14, 15, tzinfo=UTC),
        None,
    ]


def test_rss_titles_and_authors_are_plain_text() -> None:
    rss = b"""<rss version="2.0"><channel><title>AT&amp;amp;T &lt;b&gt;News&lt;/b&gt;</title>
      <item><title>Hello<![CDATA[ <script>alert(1)</script><i onclick="x">world</i> ]]></title>
        <author>ana@example.com (Ana &lt;b&gt;Souza&lt;/b&gt;)</author></item>
      <item><title>  two\n\t lines </title><author>ana@example.com</author></item>
    </channel></rss>"""
    feed = parse_feed(rss)
    assert feed.title == "AT&T News"
    assert [(i.title, i.author) for i in feed.items] == [
        ("Hello world", "Ana Souza"),
        ("two lines", ""),  # a bare e-mail address is not a byline
    ]


BROKEN_HEAD = """<rss version="2.0"><channel><title>Broken</title>
  <item><title>Kept</title><link>https://a.example/1</link></item>
"""


@pytest.mark.parametrize(
    ("rss", "title", "problem"),
    [
        (
            BROKEN_HEAD + "<item><title>Also &nbsp; kept</title></item></channel></rss>",
            "Also kept",
            "not well-formed XML at line 3: undefined entity",
        ),
        (
            BROKEN_HEAD + "<item><title>A & B</title></item></channel></rss>",
            "A & B",
            "not well-formed XML at line 3: not well-formed (invalid token)",
        ),
        (
            BROKEN_HEAD + "<item><title>Cut off</title></item>\n</channel>",
            "Cut off",
            "not well-formed XML at line 4: no element found",
        ),
    ],
)
def test_ill_formed_feed_still_yields_items_with_a_problem(
    rss: str, title: str, problem: str
) -> None:
    feed = parse_feed(rss.encode())
    assert feed.problem == problem
    assert [item.title for item in feed.items] == ["Kept", title]


def test_whitespace_before_the_xml_declaration_is_skipped_with_a_warning() -> None:
    declared = '<?xml version="1.0" encoding="iso-8859-1"?>\n'
    rss = declared + '<rss version="2.0"><channel><title>Café</title></channel></rss>'
    feed = parse_feed(b"\r\n \n" + rss.encode("latin-1"))
    # Read as ill-formed XML, the declared encoding would be ignored: "CafÃ©" or worse.
    assert (feed.title, feed.problem) == ("Café", "whitespace before the XML declaration, ignored")
    broken = "\n\n" + declared + BROKEN_HEAD + "<item><title>A & B</title></item></channel></rss>"
    assert parse_feed(broken.encode()).problem == (
        "whitespace before the XML declaration, ignored; "
        "not well-formed XML at line 6: not well-formed (invalid token)"  # the file's own line
    )


def test_guid_falls_back_to_the_link_then_a_stable_hash() -> None:
    rss = b"""<rss version="2.0"><channel><title>T</title>
      <item><title>linked</title><link>https://a.example/1</link></item>
      <item><title>bare</title><description>one</description></item>
      <item><title>bare</title><description>two</description></item>
    </channel></rss>"""
    linked, one, two = parse_feed(rss).items
    assert linked.guid == "https://a.example/1"
    assert one.guid != two.guid
    assert [i.guid for i in parse_feed(rss).items] == [linked.guid, one.guid, two.guid]


def test_charset_from_the_content_type() -> None:
    rss = '<rss version="2.0"><channel><title>Café</title></channel></rss>'
    latin = parse_feed(rss.encode("latin-1"), content_type="text/xml; charset=ISO-8859-1")
    assert (latin.title, latin.problem) == ("Café", "")
    # RFC 7303: text/xml without a charset is UTF-8 too, not RFC 3023's us-ascii.
    utf8 = parse_feed(rss.encode(), content_type="text/xml")
    assert (utf8.title, utf8.problem) == ("Café", "")


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"<!DOCTYPE html><html><head><title>Home</title></head><body>hi</body></html>", "HTML"),
        (b"<html>\n<body><p>not closed", "HTML"),
        (b"", "empty"),
        (b" \r\n\t", "empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4, "binary"),
        (b'{"not": "a feed"}', "not a JSON Feed"),
        (b"[1, 2, 3]", "not a JSON Feed"),
        (b'{"version": "https://jsonfeed.org/version/1.1", "items": [', "not valid JSON"),
        (b"[" * 100_000, "not valid JSON"),
        (b'<?xml version="1.0"?><opml version="2.0"><body/></opml>', "root element is <opml>"),
    ],
)
def test_what_is_not_a_feed_is_refused_with_a_reason(data: bytes, reason: str) -> None:
    with pytest.raises(FeedError, match=reason):
        parse_feed(data)


def test_bytes_naming_a_local_file_are_not_opened(tmp_path: Path) -> None:
    secret = tmp_path / "secret.xml"
    secret.write_text('<rss version="2.0"><channel><title>secret</title></channel></rss>')
    with pytest.raises(FeedError):
        parse_feed(str(secret).encode())


def test_external_entities_are_not_loaded(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("secret")
    rss = (
        f'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY x SYSTEM "file://{secret}">]>'
        '<rss version="2.0"><channel><title>a&x;</title><item><title>b&x;</title></item>'
        "</channel></rss>"
    )
    feed = parse_feed(rss.encode())
    assert "secret" not in feed.title + feed.items[0].title
