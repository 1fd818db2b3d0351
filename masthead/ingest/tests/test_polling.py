"""Feed subscriptions: discovery, polling with validators, deduplication across feeds and
channels, Retry-After, backoff, dead feeds, claims; the review queue and the feeds page."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from masthead.core.tests.webserver import Reply, Request
from masthead.ingest import services
from masthead.ingest.models import Candidate, Feed, Item

pytestmark = pytest.mark.django_db

RSS = {"Content-Type": "application/rss+xml; charset=utf-8"}
WIRE = (
    "The council voted on Tuesday night to extend the ferry service for another eighteen "
    "months, after a debate that ran past midnight and drew a crowd to the harbour hall."
)


def rss(items: list[tuple[str, str, str]], title: str = "The Ledger") -> bytes:
    entries = "".join(
        f"<item><title>{headline}</title><link>{link}</link><guid>{guid}</guid>"
        f"<description>{WIRE} {headline}</description>"
        f"<pubDate>Tue, 25 Jul 2017 14:01:00 -0700</pubDate></item>"
        for headline, link, guid in items
    )
    return (
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>{title}</title>'
        f"<link>https://ledger.example/</link>{entries}</channel></rss>"
    ).encode()


def serve_feed(web: Any, path: str, body: bytes, etag: str = '"v1"') -> str:
    def reply(request: Request) -> Reply:
        if request.headers.get("if-none-match") == etag:
            return Reply(304, b"")
        return Reply(200, body, {**RSS, "ETag": etag})

    return web.route(path, reply)


ITEMS = [
    ("Ferry Vote Passes", "https://ledger.example/a", "ledger-a"),
    ("Harbour Hall Packed", "https://ledger.example/b", "ledger-b"),
]


def subscribe(channel: Any, url: str) -> Feed:
    return services.feed_subscribe(actor=None, channel=channel, url=url)


def test_subscribe_through_a_page_that_announces_its_feed(channel: Any, web: Any) -> None:
    feed_url = serve_feed(web, "/feed.xml", rss(ITEMS))
    page = (
        b'<html><head><link rel="alternate" type="application/rss+xml" title="Ledger"'
        b' href="/feed.xml"></head><body>Home</body></html>'
    )
    page_url = web.route("/", Reply(200, page, {"Content-Type": "text/html"}))
    feed = subscribe(channel, page_url)
    assert feed.url == feed_url and feed.title in {"Ledger", "The Ledger"}
    assert subscribe(channel, feed_url).pk == feed.pk  # once per channel


def test_poll_then_304(channel: Any, web: Any) -> None:
    feed = subscribe(channel, serve_feed(web, "/feed.xml", rss(ITEMS)))
    result = services.feed_poll(feed)
    assert (result.status, result.new) == ("ok", 2)
    feed.refresh_from_db()
    assert feed.etag == '"v1"' and feed.item_count == 2 and feed.last_status.startswith("200")
    interval = feed.interval
    assert services.feed_poll(feed).status == "not_modified"
    assert web.requests[-1].headers["if-none-match"] == '"v1"'
    feed.refresh_from_db()
    assert feed.interval > interval and feed.last_status == "304 not modified"
    assert Candidate.objects.count() == 2
    candidate = Candidate.objects.get(item__url="https://ledger.example/a")
    assert candidate.item.title == "Ferry Vote Passes" and candidate.feed == feed
    assert candidate.item.published_at == dt.datetime(2017, 7, 25, 21, 1, tzinfo=dt.UTC)


def test_the_same_item_from_other_feeds_and_channels(channel: Any, web: Any) -> None:
    from masthead.channels.tests.factories import ChannelFactory

    first = subscribe(channel, serve_feed(web, "/one.xml", rss(ITEMS)))
    services.feed_poll(first)
    # Another feed of the channel: the same article at the same address (tracking aside), and
    # one of them again, as text, at another address.
    copies = [
        ("Ferry Vote Passes", "https://ledger.example/a?utm_source=rss", "other-guid"),
        ("Harbour Hall Packed", "https://mirror.example/b", "mirror-b"),
    ]
    second = subscribe(channel, serve_feed(web, "/two.xml", rss(copies, title="Mirror")))
    assert services.feed_poll(second).new == 0
    # A third: a syndicated copy at a third address, found by its text.
    wire = [("Ferry Vote Passes", "https://wire.example/ferry-vote", "wire-1")]
    third = subscribe(channel, serve_feed(web, "/three.xml", rss(wire, title="Wire")))
    assert services.feed_poll(third).new == 0
    assert Item.objects.count() == 2 and Candidate.objects.count() == 2
    other = ChannelFactory()
    elsewhere = subscribe(other, web.url("/one.xml"))
    assert services.feed_poll(elsewhere).new == 2  # another channel gets its own candidates
    assert Item.objects.count() == 2 and Candidate.objects.filter(channel=other).count() == 2


def test_retry_after_backoff_and_death(channel: Any, web: Any, settings: Any) -> None:
    feed = subscribe(channel, serve_feed(web, "/feed.xml", rss(ITEMS)))
    web.route("/feed.xml", Reply(429, b"", {"Retry-After": "3600"}))
    before = timezone.now()
    assert services.feed_poll(feed).status == "failed"
    feed.refresh_from_db()
    assert abs((feed.next_poll_at - before).total_seconds() - 3600) < 60
    assert "429" in feed.last_error and feed.errors_in_a_row == 1
    web.route("/feed.xml", Reply(500, b""))
    services.feed_poll(feed)
    feed.refresh_from_db()
    first_wait = (feed.next_poll_at - timezone.now()).total_seconds()
    services.feed_poll(feed)
    feed.refresh_from_db()
    assert (feed.next_poll_at - timezone.now()).total_seconds() > first_wait * 1.5  # doubling
    Feed.objects.filter(pk=feed.pk).update(
        failing_since=timezone.now() - dt.timedelta(days=services.DEAD_AFTER_DAYS + 1)
    )
    feed.refresh_from_db()
    assert services.feed_poll(feed).status == "dead"
    feed.refresh_from_db()
    assert feed.state == Feed.State.DEAD
    assert (
        services.feeds_claim(worker="w", limit=10, now=timezone.now() + dt.timedelta(days=30)) == []
    )


def test_claims_never_hand_one_feed_to_two_workers(channel: Any, web: Any) -> None:
    for n in range(6):
        services.feed_add(actor=None, channel=channel, url=web.url(f"/f{n}.xml"))
    first = services.feeds_claim(worker="one", limit=4)
    second = services.feeds_claim(worker="two", limit=4)
    assert len(first) == 4 and len(second) == 2
    assert not {f.pk for f in first} & {f.pk for f in second}
    assert services.feeds_claim(worker="three", limit=4) == []
    later = timezone.now() + dt.timedelta(seconds=services.CLAIM_SECONDS + 1)
    assert len(services.feeds_claim(worker="three", limit=10, now=later)) == 6  # claims run out


def test_a_feed_that_asks_for_articles_fetches_them(
    channel: Any, web: Any, django_capture_on_commit_callbacks: Any
) -> None:
    page = (
        "<html><head><title>Ferry Vote Passes</title></head><body><article>"
        + "".join(f"<p>{WIRE} Paragraph {n}.</p>" for n in range(4))
        + "</article></body></html>"
    ).encode()
    web.route("/a", Reply(200, page, {"Content-Type": "text/html"}))
    feed = subscribe(
        channel, serve_feed(web, "/feed.xml", rss([("Ferry Vote Passes", web.url("/a"), "a")]))
    )
    services.feed_update(actor=_staff(), feed=feed, fetch_articles=True)
    with django_capture_on_commit_callbacks(execute=True):
        services.feed_poll(Feed.objects.get(pk=feed.pk))
    item = Item.objects.get()
    assert item.fetch_state == Item.Fetch.DONE and "Paragraph 3" in item.extracted["body_text"]


def _staff() -> Any:
    from masthead.accounts.tests.factories import MemberFactory

    user = MemberFactory()
    user.is_staff = True
    return user


def test_an_illformed_feed_is_recorded_with_its_reason(channel: Any, web: Any) -> None:
    url = web.route(
        "/bad.xml",
        Reply(200, b"<html><body>Not a feed</body></html>", {"Content-Type": "text/html"}),
    )
    feed = services.feed_add(actor=None, channel=channel, url=url)[0]
    assert services.feed_poll(feed).status == "failed"
    feed.refresh_from_db()
    assert feed.last_error and feed.errors_in_a_row == 1


def test_the_review_queue(curator_client: Client, channel: Any, web: Any) -> None:
    feed = subscribe(channel, serve_feed(web, "/feed.xml", rss(ITEMS)))
    services.feed_poll(feed)
    queue = reverse("ingest:queue", kwargs={"channel": channel.slug})
    page = curator_client.get(queue).content.decode()
    assert page.index("Harbour Hall Packed") < page.index("Ferry Vote Passes") or page.index(
        "Ferry Vote Passes"
    ) < page.index("Harbour Hall Packed")
    assert "The Ledger" in page and "The council voted on Tuesday night" in page
    first, second = Candidate.objects.order_by("pk")
    dismiss = reverse("ingest:dismiss", kwargs={"channel": channel.slug})
    response = curator_client.post(dismiss, {"candidate": first.pk}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and response.content == b""
    curator_client.post(dismiss, {"candidate": [second.pk]})
    assert set(Candidate.objects.values_list("status", flat=True)) == {"dismissed"}
    desk = curator_client.get(reverse("stories:desk", kwargs={"channel": channel.slug}))
    assert "Review queue (0)" in desk.content.decode()


def test_feeds_page_opml_round_trip_and_health(
    curator_client: Client, channel: Any, web: Any
) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from masthead.ingest.feeds import OpmlOutline, export_opml, parse_opml

    opml = export_opml(
        [
            OpmlOutline(
                xml_url=web.url("/feed.xml"), title="Ledger", html_url="https://ledger.example/"
            ),
            OpmlOutline(xml_url="https://other.example/rss", title="Other", html_url=""),
        ],
        title="Mine",
    )
    url = reverse("ingest:opml_import", kwargs={"channel": channel.slug})
    curator_client.post(url, {"opml": SimpleUploadedFile("subs.opml", opml)})
    assert Feed.objects.filter(channel=channel).count() == 2
    exported = curator_client.get(reverse("ingest:opml_export", kwargs={"channel": channel.slug}))
    assert {o.xml_url for o in parse_opml(exported.content)} == {
        web.url("/feed.xml"),
        "https://other.example/rss",
    }
    bad = curator_client.post(url, {"opml": SimpleUploadedFile("x.opml", b"<html>no</html>")})
    assert bad.status_code == 422
    serve_feed(web, "/feed.xml", rss(ITEMS))
    services.feed_poll(Feed.objects.get(url=web.url("/feed.xml")))
    page = curator_client.get(reverse("ingest:feeds", kwargs={"channel": channel.slug}))
    text = page.content.decode()
    assert "200, 2 new" in text and "Ledger" in text
