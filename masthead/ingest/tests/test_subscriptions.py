"""Subscriptions and their changes when things happen at once: every service re-reads what it
changes inside its transaction, and nothing is fetched while a transaction is open (on SQLite
that would hold every writer). Feeds as misconfigured servers send them: as
application/octet-stream, or with a stray newline before the XML declaration."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any, TypeVar

import lxml.html
import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from conftest import shared_data
from masthead.core.tests.webserver import Reply, Request
from masthead.ingest import services
from masthead.ingest.models import Candidate, Feed, Item

pytestmark = pytest.mark.django_db

NETNEWSWIRE = "feeds/netnewswire/Tests/RSParserTests/Resources"
RSS = {"Content-Type": "application/rss+xml"}
OCTETS = {"Content-Type": "application/octet-stream"}
T = TypeVar("T")


def real_feed(name: str) -> bytes:
    return (shared_data(NETNEWSWIRE) / name).read_bytes()


def meanwhile(action: Callable[[], T]) -> T:
    """Run ``action`` from the web server's thread, while a fetch waits for its reply: another
    request of the installation, on a database connection of its own."""
    try:
        return action()
    finally:
        connection.close()


def feed_row(feed: Feed) -> tuple[Any, ...]:
    return tuple(Feed.objects.filter(pk=feed.pk).values_list("state", "last_error").get())


# 1. Fetch first, then write


@pytest.mark.django_db(transaction=True)
def test_two_subscriptions_to_one_address_at_once_make_one_feed(channel: Any, web: Any) -> None:
    """The second subscription starts and finishes while the first waits for the feed: the
    first holds no transaction then (on SQLite the second would wait for its write lock past
    the fetch's timeout), and when it stores, it finds the second's feed."""
    body = real_feed("DaringFireball.rss")
    inner: list[int] = []

    def reply(request: Request) -> Reply:
        if not inner:
            inner.append(0)
            inner[0] = meanwhile(
                lambda: services.feed_subscribe(actor=None, channel=channel, url=url).pk
            )
        return Reply(200, body, RSS)

    url = web.route("/feed.xml", reply)
    outer = services.feed_subscribe(actor=None, channel=channel, url=url)
    assert outer.pk == inner[0] and Feed.objects.count() == 1
    assert outer.title == "Daring Fireball"


def test_a_page_announcing_a_feed_already_subscribed_is_not_fetched_twice(
    channel: Any, web: Any
) -> None:
    feed_url = web.route("/feed.xml", Reply(200, real_feed("DaringFireball.rss"), RSS))
    page = b'<html><head><link rel="alternate" type="application/rss+xml" href="/feed.xml">'
    page_url = web.route("/", Reply(200, page, {"Content-Type": "text/html"}))
    first = services.feed_subscribe(actor=None, channel=channel, url=feed_url)
    asked = len(web.requests)
    assert services.feed_subscribe(actor=None, channel=channel, url=page_url) == first
    assert [r.path for r in web.requests[asked:]] == ["/"]


def test_a_page_announcing_another_page_is_refused_with_the_reason(channel: Any, web: Any) -> None:
    page = b'<html><head><link rel="alternate" type="application/rss+xml" href="/">'
    url = web.route("/", Reply(200, page, {"Content-Type": "text/html"}))
    with pytest.raises(ValidationError, match="which is not a feed: an HTML page"):
        services.feed_subscribe(actor=None, channel=channel, url=url)
    assert len(web.requests) == 2 and not Feed.objects.exists()  # followed once, not forever


# 2. Feeds as misconfigured servers send them


def test_a_feed_served_as_octet_stream_is_read_by_its_content(channel: Any, web: Any) -> None:
    url = web.route("/feed", Reply(200, real_feed("DaringFireball.rss"), OCTETS))
    feed = services.feed_subscribe(actor=None, channel=channel, url=url)
    assert feed.title == "Daring Fireball" and feed.last_warning == ""
    assert services.feed_poll(feed).new == 47
    json_url = web.route("/feed.json", Reply(200, real_feed("DaringFireball.json"), OCTETS))
    assert services.feed_subscribe(actor=None, channel=channel, url=json_url).title


def test_a_page_served_as_octet_stream_is_refused_with_the_reason(channel: Any, web: Any) -> None:
    page = (
        b"<!DOCTYPE html><html><head><title>The Ledger</title></head>"
        b"<body><h1>Ferry vote passes</h1><p>The council voted.</p></body></html>"
    )
    url = web.route("/download", Reply(200, page, OCTETS))
    with pytest.raises(ValidationError, match="No feed there: an HTML page, not a feed"):
        services.feed_subscribe(actor=None, channel=channel, url=url)
    pdf = web.route("/feed.pdf", Reply(200, b"%PDF-1.7\n" + bytes(2000), OCTETS))
    with pytest.raises(ValidationError, match="Expected a feed but got PDF document"):
        services.feed_subscribe(actor=None, channel=channel, url=pdf)
    assert not Feed.objects.exists()


def test_a_stray_newline_before_the_xml_declaration_is_a_warning(
    curator_client: Client, channel: Any, web: Any
) -> None:
    """kc0011.rss declares gb2312; read as ill-formed XML, that declaration was ignored and
    every title came out garbled. Read past the newline, it is a feed with a flaw."""
    url = web.route("/kc.rss", Reply(200, b"\n" + real_feed("kc0011.rss"), RSS))
    feeds_page = reverse("ingest:feeds", kwargs={"channel": channel.slug})
    answer = curator_client.post(feeds_page, {"url": url}, follow=True)
    assert "whitespace before the XML declaration, ignored" in answer.content.decode()
    feed = Feed.objects.get(channel=channel)
    assert services.feed_poll(feed).new == 20
    # The first title, read as the gb2312 the declaration says (with fullwidth commas).
    assert Item.objects.filter(title="建国35周年纪念\uff0c华表\uff0c和平鸽").exists()
    feed.refresh_from_db()
    assert feed.state == Feed.State.ACTIVE and feed.last_error == ""
    assert feed.last_status.startswith("200")
    assert feed.last_warning == "whitespace before the XML declaration, ignored"
    row = lxml.html.fromstring(curator_client.get(feeds_page).content).xpath("//tbody/tr")[0]
    state, _polled, status, _items, error, _actions = row.xpath("./td")
    assert "Warning: whitespace before the XML declaration" in status.text_content()
    assert error.text_content().strip() == "" and "active" in state.text_content()


# 3. Lock, then check, then write: two curators (or a curator and a worker) at once


def test_a_feed_one_curator_removed_stays_removed_when_another_pauses_it(
    curator: Any, channel: Any
) -> None:
    feed, _created = services.feed_add(actor=None, channel=channel, url="https://a.example/f")
    first, second = Feed.objects.get(pk=feed.pk), Feed.objects.get(pk=feed.pk)
    assert services.feed_remove(actor=curator, feed=first)
    with pytest.raises(ValidationError, match="no longer subscribed"):
        services.feed_update(actor=curator, feed=second, state=Feed.State.PAUSED)
    assert not services.feed_remove(actor=curator, feed=second)  # removed once
    assert not Feed.objects.exists()


def test_two_curators_changing_one_feed_keep_both_changes_and_the_poll(
    curator: Any, channel: Any, web: Any
) -> None:
    from masthead.ingest.tests.test_polling import ITEMS, rss, serve_feed

    feed = services.feed_subscribe(
        actor=None, channel=channel, url=serve_feed(web, "/feed.xml", rss(ITEMS))
    )
    first, second = Feed.objects.get(pk=feed.pk), Feed.objects.get(pk=feed.pk)
    assert services.feed_poll(Feed.objects.get(pk=feed.pk)).new == 2  # a worker, meanwhile
    services.feed_update(actor=curator, feed=first, state=Feed.State.PAUSED)
    services.feed_update(actor=curator, feed=second, fetch_articles=True)
    feed.refresh_from_db()
    assert feed.state == Feed.State.PAUSED and feed.fetch_articles
    assert (feed.etag, feed.item_count, feed.polls) == ('"v1"', 2, 1)


def test_adding_one_address_twice_makes_one_feed(channel: Any) -> None:
    first, created = services.feed_add(actor=None, channel=channel, url="https://a.example/f")
    again, created_again = services.feed_add(
        actor=None, channel=channel, url="https://A.example/f#top"
    )
    assert created and not created_again and again == first and Feed.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_feed_paused_while_a_failing_poll_waits_stays_paused(
    curator: Any, channel: Any, web: Any
) -> None:
    def reply(request: Request) -> Reply:
        meanwhile(
            lambda: services.feed_update(
                actor=curator, feed=Feed.objects.get(), state=Feed.State.PAUSED
            )
        )
        return Reply(500, b"")

    feed, _created = services.feed_add(actor=None, channel=channel, url=web.route("/f", reply))
    Feed.objects.filter(pk=feed.pk).update(
        failing_since=timezone.now() - dt.timedelta(days=services.DEAD_AFTER_DAYS + 1)
    )
    assert services.feed_poll(Feed.objects.get(pk=feed.pk)).status == "failed"
    feed.refresh_from_db()
    assert (
        feed.state == Feed.State.PAUSED and feed.errors_in_a_row == 1 and "500" in feed.last_error
    )


@pytest.mark.django_db(transaction=True)
def test_a_feed_removed_while_its_poll_waits_brings_nothing(
    curator: Any, channel: Any, web: Any
) -> None:
    from masthead.ingest.tests.test_polling import ITEMS, rss

    def reply(request: Request) -> Reply:
        meanwhile(lambda: services.feed_remove(actor=curator, feed=Feed.objects.get()))
        return Reply(200, rss(ITEMS), RSS)

    feed, _created = services.feed_add(actor=None, channel=channel, url=web.route("/f", reply))
    assert services.feed_poll(feed).status == "removed"
    assert not Feed.objects.exists() and not Candidate.objects.exists()
