"""Feeds written by others, through the whole pipeline: served from 127.0.0.1, polled by the
worker's code, stored, and shown in the review queue. The sanitize cases leave nothing
executable in what is stored or rendered; real feeds yield items; a worker killed in the
middle of a polling round loses and duplicates nothing."""

from __future__ import annotations

import datetime as dt
import os
import time
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from conftest import database_url, kill_midway, shared_data
from masthead.core.tests.webserver import Reply
from masthead.ingest import services
from masthead.ingest.models import Candidate, Feed, Item
from masthead.ingest.polling import FeedPoller
from tests.test_hostile_input import page_findings

FEED_TYPES = {
    ".xml": "application/xml",
    ".rss": "application/rss+xml",
    ".atom": "application/atom+xml",
    ".rdf": "application/rdf+xml",
    ".json": "application/feed+json",
}


def serve_folder(web: Any, folder: Path, suffixes: tuple[str, ...]) -> dict[str, Path]:
    served = {}
    for path in sorted(folder.rglob("*")):
        if path.suffix in suffixes and path.is_file():
            url = web.route(
                "/" + str(path.relative_to(folder)),
                Reply(
                    200,
                    path.read_bytes(),
                    {"Content-Type": FEED_TYPES.get(path.suffix, "text/xml")},
                ),
            )
            served[url] = path
    return served


def subscribe_all(channel: Any, urls: list[str]) -> None:
    for url in urls:
        services.feed_add(actor=None, channel=channel, url=url)


# The poller works in threads, each with its own database connection: these tests commit.
@pytest.mark.django_db(transaction=True)
def test_sanitize_cases_leave_nothing_executable_stored_or_rendered(
    channel: Any, curator_client: Client, web: Any
) -> None:
    folder = shared_data("feeds/feedparser/tests/wellformed/sanitize")
    served = serve_folder(web, folder, (".xml",))
    assert len(served) >= 700
    subscribe_all(channel, list(served))
    polled = FeedPoller(threads=4, name="test").run_round()
    assert polled == len(served)
    assert not Feed.objects.filter(last_polled_at__isnull=True).exists()
    # Many cases clean down to the same (often empty) text: one item each, deduplicated.
    stored = list(Item.objects.values_list("title", "summary", "author"))
    assert len(stored) > 40
    problems = []
    for title, summary, author in stored:
        html = f"<html><body><h1>{title}</h1><div>{summary}</div><p>{author}</p></body></html>"
        problems += page_findings(html, allowed_scripts=0)
    assert not problems, problems[:20]
    queue = reverse("ingest:queue", kwargs={"channel": channel.slug})
    page = curator_client.get(queue).content.decode()
    assert not page_findings(page, allowed_scripts=2)
    for candidate in Candidate.objects.all()[:40]:
        detail = curator_client.get(
            reverse("ingest:candidate", kwargs={"channel": channel.slug, "pk": candidate.pk})
        )
        assert not page_findings(detail.content.decode(), allowed_scripts=2)


@pytest.mark.django_db(transaction=True)
def test_illformed_feeds_are_recorded_with_a_reason(channel: Any, web: Any) -> None:
    served = serve_folder(web, shared_data("feeds/feedparser/tests/illformed"), (".xml",))
    subscribe_all(channel, list(served))
    FeedPoller(threads=4, name="test").run_round()
    feeds = list(Feed.objects.filter(channel=channel))
    assert len(feeds) == len(served)
    for feed in feeds:
        assert feed.last_polled_at is not None
        assert feed.last_error or feed.last_status.startswith("200"), (feed.url, feed.last_status)
    # Read loosely, with a warning the feeds page shows; or refused, with the reason.
    assert sum(1 for feed in feeds if feed.last_warning and not feed.last_error) >= 10
    assert any(feed.last_error for feed in feeds)


@pytest.mark.django_db(transaction=True)
def test_real_feeds_yield_items(channel: Any, web: Any) -> None:
    folder = shared_data("feeds/netnewswire/Tests/RSParserTests/Resources")
    served = serve_folder(web, folder, (".rss", ".atom", ".xml", ".rdf", ".json"))
    subscribe_all(channel, list(served))
    FeedPoller(threads=4, name="test").run_round()
    working = Feed.objects.filter(channel=channel, last_error="")
    assert working.count() >= len(served) - 3  # two JSON files that are not JSON Feeds
    for feed in working:
        assert feed.title, feed.url
        assert (
            feed.item_count > 0
            or Candidate.objects.filter(feed=feed).exists()
            or Item.objects.filter(candidates__channel=channel).exists()
        ), feed.url


@pytest.mark.django_db
def test_discovery_on_real_pages(channel: Any, web: Any) -> None:
    folder = shared_data("feeds/netnewswire/Tests/RSParserTests/Resources")
    feed = folder / "DaringFireball.rss"
    web.route("/feeds/main", Reply(200, feed.read_bytes(), {"Content-Type": "application/rss+xml"}))
    page = (
        (folder / "DaringFireball.html")
        .read_bytes()
        .replace(b"https://daringfireball.net/feeds/main", web.url("/feeds/main").encode())
    )
    url = web.route("/", Reply(200, page, {"Content-Type": "text/html"}))
    subscribed = services.feed_subscribe(actor=None, channel=channel, url=url)
    assert subscribed.url == web.url("/feeds/main") and "Daring Fireball" in subscribed.title


@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_in_a_polling_round_loses_and_duplicates_nothing(
    channel: Any, web: Any
) -> None:
    slow = 0.15
    feeds = 60
    for n in range(feeds):
        body = (
            f'<?xml version="1.0"?><rss version="2.0"><channel><title>F{n}</title>'
            f"<link>https://f{n}.example/</link><item><title>Item {n}</title>"
            f"<link>https://f{n}.example/item</link><guid>f{n}-item</guid></item>"
            f"</channel></rss>"
        ).encode()

        def reply(request: Any, body: bytes = body) -> Reply:
            time.sleep(slow)
            return Reply(200, body, {"Content-Type": "application/rss+xml"})

        services.feed_add(actor=None, channel=channel, url=web.route(f"/f{n}.xml", reply))
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "MASTHEAD_FEED_THREADS": "2",
        "DJANGO_SETTINGS_MODULE": "masthead.settings.test",
    }
    kill_midway(
        ["worker", "--batch"],
        env,
        lambda: Candidate.objects.count() >= 6,
        frozen_table=Candidate._meta.db_table,
    )
    taken = Candidate.objects.count()
    assert 6 <= taken < feeds
    stranded = Feed.objects.filter(claimed_until__isnull=False).count()
    assert stranded > 0  # claims the dead worker held
    # Once its claims run out, another worker polls what is left; nothing is taken twice.
    Feed.objects.update(claimed_until=timezone.now() - dt.timedelta(seconds=1))
    FeedPoller(threads=4, name="second").run_round()
    assert Candidate.objects.count() == feeds
    assert Candidate.objects.values("item").distinct().count() == feeds
    assert not Feed.objects.filter(last_polled_at__isnull=True).exists()
