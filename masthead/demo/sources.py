"""Made-up publishers for the demo, served on 127.0.0.1: article pages with the metadata a news
page carries (Open Graph and article tags with the time's offset, a meta description, a photo
with its caption and credit), the photos themselves, RSS and Atom feeds, and robots.txt.

`masthead demo` serves them on a port of their own (``SourcesServer``), so that curating from
the web can be tried without the internet. The server and worker it starts may fetch from that
one address and port (settings/local.py, ``MASTHEAD_FETCH_ALLOW_ENDPOINTS``) and from no other
address of the machine; production settings know nothing of it. Every word is written for the
project (content/sources.json); every photo is painted (images.py).
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import threading
from dataclasses import dataclass
from email.utils import format_datetime
from functools import cache
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone

from .clock import moment_of
from .images import paint

CONTENT = Path(__file__).with_name("content") / "sources.json"
HOST = "127.0.0.1"
DEFAULT_PORT = 8642  # beside the site's 8000; `masthead demo --sources-port` changes it
ENDPOINT_VARIABLE = "MASTHEAD_DEMO_SOURCES"  # "127.0.0.1:8642", for the processes it starts
FEED_TYPES = {"rss": "application/rss+xml", "atom": "application/atom+xml"}

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Publisher:
    slug: str
    name: str
    tagline: str
    feed: str  # "rss" or "atom"
    sections: list[dict[str, str]]
    channel: str  # the demo channel subscribed to its feed
    fetch_articles: bool
    also_carries: list[str]  # other publishers' articles its feed carries (wire copy)

    @property
    def path(self) -> str:
        return f"/{self.slug}/"

    @property
    def feed_path(self) -> str:
        return f"/{self.slug}/{self.feed}.xml"

    @property
    def feed_type(self) -> str:
        return FEED_TYPES[self.feed]


@dataclass(frozen=True)
class Article:
    key: str
    publisher: str
    section: str
    slug: str
    in_feed: bool
    headline: str
    byline: str
    days_ago: int
    time: str
    time_zone: str
    description: str
    body: str
    image: dict[str, Any]

    @property
    def path(self) -> str:
        return f"/{self.publisher}/{self.section}/{self.slug}/"

    @property
    def image_path(self) -> str:
        return f"/images/{self.key}.jpg"

    def published(self, now: dt.datetime) -> dt.datetime:
        return moment_of(
            {"days_ago": self.days_ago, "time": self.time, "time_zone": self.time_zone}, now
        )

    @property
    def blocks(self) -> list[tuple[str, str]]:
        """The body as ("h2", text) and ("p", text) blocks, for the template to mark up."""
        return [
            ("h2", block[3:]) if block.startswith("## ") else ("p", block)
            for block in self.body.split("\n\n")
        ]


@dataclass(frozen=True)
class Catalogue:
    publishers: dict[str, Publisher]
    articles: dict[str, Article]
    waiting: list[dict[str, str]]  # candidates seeded in review queues
    try_it: dict[str, str]  # the article `masthead demo` suggests pasting

    def of(self, publisher: Publisher) -> list[Article]:
        return [a for a in self.articles.values() if a.publisher == publisher.slug]

    def in_feed(self, publisher: Publisher) -> list[Article]:
        own = [a for a in self.of(publisher) if a.in_feed]
        return own + [self.articles[key] for key in publisher.also_carries]


@cache
def catalogue() -> Catalogue:
    data = json.loads(CONTENT.read_text(encoding="utf-8"))
    return Catalogue(
        publishers={p["slug"]: Publisher(**{"also_carries": [], **p}) for p in data["publishers"]},
        articles={a["key"]: Article(**a) for a in data["articles"]},
        waiting=data["waiting"],
        try_it=data["try"],
    )


def base_url(port: int) -> str:
    return f"http://{HOST}:{port}"


def endpoint(port: int) -> str:
    """What the demo's settings allow the fetcher to reach: this address and port alone."""
    return f"{HOST}:{port}"


# --- pages ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Reply:
    status: int
    content_type: str
    body: bytes


@cache
def _photo(key: str) -> bytes:
    article = catalogue().articles[key]
    return paint(key, article.image["motif"], article.image["palette"])


def _entry(article: Article, base: str, now: dt.datetime) -> dict[str, Any]:
    published = article.published(now)
    return {
        "article": article,
        "publisher": catalogue().publishers[article.publisher],
        "url": base + article.path,
        "image_url": base + article.image_path,
        "published": published,
        "published_rfc822": format_datetime(published),
    }


def _page(template: str, content_type: str, context: dict[str, Any]) -> Reply:
    return Reply(200, content_type, render_to_string(template, context).encode("utf-8"))


def respond(path: str, base: str) -> Reply:
    """The answer to a GET of ``path`` on the sources served at ``base``."""
    path = path.split("?", 1)[0].split("#", 1)[0]
    found = catalogue()
    now = timezone.now()
    if path == "/robots.txt":
        return Reply(200, "text/plain; charset=utf-8", b"User-agent: *\nAllow: /\n")
    if path == "/":
        publishers = [
            {
                "publisher": p,
                "url": base + p.path,
                "feed_url": base + p.feed_path,
                "entries": [_entry(a, base, now) for a in found.of(p)],
            }
            for p in found.publishers.values()
        ]
        return _page(
            "demo/sources/index.html", "text/html; charset=utf-8", {"publishers": publishers}
        )
    if path.startswith("/images/") and path.endswith(".jpg"):
        key = path.removeprefix("/images/").removesuffix(".jpg")
        if key in found.articles:
            return Reply(200, "image/jpeg", _photo(key))
    for publisher in found.publishers.values():
        context = {"publisher": publisher, "base": base, "feed_url": base + publisher.feed_path}
        if path == publisher.path:
            entries = [_entry(a, base, now) for a in found.of(publisher)]
            return _page(
                "demo/sources/publisher.html",
                "text/html; charset=utf-8",
                {**context, "entries": entries},
            )
        if path == publisher.feed_path:
            entries = sorted(
                (_entry(a, base, now) for a in found.in_feed(publisher)),
                key=lambda entry: entry["published"],
                reverse=True,
            )
            return _page(
                f"demo/sources/{publisher.feed}.xml",
                f"{publisher.feed_type}; charset=utf-8",
                {**context, "entries": entries, "updated": entries[0]["published"]},
            )
    for article in found.articles.values():
        if path == article.path:
            publisher = found.publishers[article.publisher]
            return _page(
                "demo/sources/article.html",
                "text/html; charset=utf-8",
                {
                    **_entry(article, base, now),
                    "feed_url": base + publisher.feed_path,
                    "base": base,
                },
            )
    return Reply(404, "text/plain; charset=utf-8", b"Not found\n")


# --- the server ------------------------------------------------------------------------------


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def do_GET(self) -> None:
        try:
            reply = respond(self.path, self.server.base)
        except Exception:
            logger.exception("the demo's sources failed on %s", self.path)
            reply = Reply(500, "text/plain; charset=utf-8", b"Server error\n")
        self.send_response(reply.status)
        self.send_header("Content-Type", reply.content_type)
        self.send_header("Content-Length", str(len(reply.body)))
        self.end_headers()
        self.wfile.write(reply.body)

    def log_message(self, format: str, *args: Any) -> None:
        pass  # the demo's terminal is for its e-mails, not for a line per fetch


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    base = ""

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # a fetch that stopped reading (a size cap, a deadline) is not our failure


class SourcesServer:
    """The made-up publishers on ``HOST``:``port`` (0: any free port), in a thread."""

    def __init__(self, port: int = DEFAULT_PORT) -> None:
        self._server = _Server((HOST, port), _Handler)  # OSError when the port is taken
        self.port = int(self._server.server_address[1])
        self._server.base = self.base_url
        self._thread = threading.Thread(
            target=self._server.serve_forever, name="demo-sources", daemon=True
        )

    @property
    def base_url(self) -> str:
        return base_url(self.port)

    @property
    def endpoint(self) -> str:
        return endpoint(self.port)

    def start(self) -> SourcesServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)
