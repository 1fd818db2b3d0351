"""Which item a feed's entry is (docs/decisions/0011-feed-items.md): within a feed, distinct
GUIDs are distinct items; a GUID is unique only within its feed; across feeds an item is found
by its canonical URL (never by a home page's, nor by a link a feed gives several entries) and by
near-duplicate text."""

from __future__ import annotations

import re
from typing import Any

import pytest

from conftest import shared_data
from masthead.core.tests.webserver import Reply
from masthead.ingest import services
from masthead.ingest.models import Candidate, Feed, FeedEntry, Item
from masthead.ingest.polling import FeedPoller

pytestmark = pytest.mark.django_db

RSS = {"Content-Type": "application/rss+xml; charset=utf-8"}
SHOW_LINKS = 9
EPISODE_LINK = re.compile(rb"<link>http://atp\.fm/episodes/(\d+)</link>")


def podcast() -> bytes:
    """The Accidental Tech Podcast's real feed (100 episodes, each with its GUID), as a
    podcast host serves it when episodes link to the show's pages, not their own: the 100
    episodes share 9 links."""
    data = (shared_data("feeds/netnewswire/Tests/RSParserTests/Resources") / "atp.rss").read_bytes()
    shared = EPISODE_LINK.sub(
        lambda m: b"<link>http://atp.fm/season/%d</link>" % (int(m.group(1)) % SHOW_LINKS), data
    )
    assert len(EPISODE_LINK.findall(data)) == 100 and not EPISODE_LINK.search(shared)
    return shared


def rss(entries: list[str], title: str) -> bytes:
    return (
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>{title}</title>'
        f"<link>https://{title.lower()}.example/</link>{''.join(entries)}</channel></rss>"
    ).encode()


def entry(guid: str, *, link: str = "", title: str = "", text: str = "") -> str:
    parts = f"<guid isPermaLink='false'>{guid}</guid>"
    parts += f"<link>{link}</link>" if link else ""
    parts += f"<title>{title}</title>" if title else ""
    parts += f"<description><![CDATA[{text}]]></description>" if text else ""
    return f"<item>{parts}</item>"


def poll(channel: Any, url: str) -> tuple[Feed, int]:
    feed = services.feed_subscribe(actor=None, channel=channel, url=url)
    return feed, services.feed_poll(Feed.objects.get(pk=feed.pk)).new


def test_a_podcast_whose_episodes_share_links_keeps_every_episode(channel: Any, web: Any) -> None:
    from masthead.channels.tests.factories import ChannelFactory

    url = web.route("/atp.xml", Reply(200, podcast(), RSS))
    feed, new = poll(channel, url)
    assert new == 100
    assert Item.objects.count() == 100 and Candidate.objects.filter(channel=channel).count() == 100
    assert Item.objects.values("url").distinct().count() == SHOW_LINKS
    # A shared link names no one episode, so it identifies none of them.
    assert not Item.objects.filter(url_identifies=True).exists()
    titles = set(Item.objects.values_list("title", flat=True))
    assert "311: Mutually Assured Destruction" in titles and len(titles) == 100
    assert services.feed_poll(Feed.objects.get(pk=feed.pk)).new == 0  # known by their GUIDs
    # Another channel subscribed to the same feed shares its entries: the same 100 items.
    _other, new = poll(ChannelFactory(), url)
    assert new == 100 and Item.objects.count() == 100
    # Another feed linking to one of the show's pages gets an item of its own, not an episode.
    directory = rss([entry("d-1", link="http://atp.fm/season/3", title="Show page")], "Directory")
    _directory, new = poll(channel, web.route("/directory.xml", Reply(200, directory, RSS)))
    assert new == 1 and Item.objects.count() == 101


def test_an_episode_copied_elsewhere_is_found_by_its_text(channel: Any, web: Any) -> None:
    poll(channel, web.route("/atp.xml", Reply(200, podcast(), RSS)))
    episode = Item.objects.get(title="311: Mutually Assured Destruction")
    copy = rss(
        [
            entry(
                "m-1",
                link="https://mirror.example/atp-311",
                title=episode.title,
                text=episode.summary,
            )
        ],
        "Mirror",
    )
    _mirror, new = poll(channel, web.route("/mirror.xml", Reply(200, copy, RSS)))
    assert new == 0 and Item.objects.count() == 100
    assert FeedEntry.objects.get(guid="m-1").item == episode


def test_the_same_guid_in_two_feeds_is_two_items(channel: Any, web: Any) -> None:
    text = "The harbour authority opened the new ferry terminal on Monday, two years late and "
    ledger = rss(
        [
            entry(
                "1",
                link="https://ledger.example/terminal",
                title="Terminal opens",
                text=text + "over budget by a third.",
            )
        ],
        "Ledger",
    )
    notes = rss(
        [
            entry(
                "1",
                text="A note with no title and no link, about something else "
                "entirely: the library will close early on Friday for the staff party.",
            )
        ],
        "Notes",
    )
    poll(channel, web.route("/ledger.xml", Reply(200, ledger, RSS)))
    _notes, new = poll(channel, web.route("/notes.xml", Reply(200, notes, RSS)))
    assert new == 1 and Item.objects.count() == 2
    titled = Item.objects.get(url="https://ledger.example/terminal")
    untitled = Item.objects.exclude(pk=titled.pk).get()
    assert titled.title == "Terminal opens" and "ferry terminal" in titled.summary
    assert untitled.title == "" and "library" in untitled.summary
    assert untitled.url.startswith("urn:masthead:entry:") and not untitled.url_identifies


def test_within_a_feed_distinct_guids_are_distinct_items_whatever_their_text(
    channel: Any, web: Any
) -> None:
    notice = (
        "Service notice: the number nine ferry runs to the winter timetable from today until "
        "the end of March, with the last crossing at ten past eleven every night."
    )
    feed = rss([entry(f"n-{n}", text=notice) for n in range(3)], "Notices")
    _feed, new = poll(channel, web.route("/notices.xml", Reply(200, feed, RSS)))
    assert new == 3 and Item.objects.count() == 3


def test_a_home_page_link_never_merges_feeds(channel: Any, web: Any) -> None:
    first = rss(
        [
            entry("a", link="https://town.example/", title="Council meets"),
            entry("b", link="https://blog.example/?p=12", title="Post twelve"),
        ],
        "First",
    )
    second = rss(
        [
            entry("a", link="https://town.example", title="Market opens"),
            entry("x", link="https://blog.example/?p=12&utm_source=feed", title="Post twelve"),
        ],
        "Second",
    )
    poll(channel, web.route("/first.xml", Reply(200, first, RSS)))
    _second, new = poll(channel, web.route("/second.xml", Reply(200, second, RSS)))
    # The home page is two items; a page of the site, even at /?p=12, is one.
    assert new == 1 and Item.objects.count() == 3
    assert Item.objects.filter(url="https://town.example/", url_identifies=False).count() == 2
    assert Item.objects.get(url="https://blog.example/?p=12").url_identifies


def test_a_submitted_article_and_a_feed_entry_at_its_address_are_one_item(
    channel: Any, web: Any
) -> None:
    submitted, created = services.item_find_or_create(url="https://ledger.example/terminal")
    again, created_again = services.item_find_or_create(url="https://ledger.example/terminal")
    assert created and not created_again and again == submitted
    feed = rss([entry("t", link="https://ledger.example/terminal", title="Terminal")], "Ledger")
    _ledger, new = poll(channel, web.route("/ledger.xml", Reply(200, feed, RSS)))
    assert new == 1 and FeedEntry.objects.get(guid="t").item == submitted
    assert Item.objects.filter(url="https://ledger.example/terminal").count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_channels_polling_one_podcast_at_once_share_its_items(web: Any) -> None:
    """Two workers taking the same entries at once (each feed polled by its own thread, each
    with its own connection): every entry is one item, each channel has a candidate for it."""
    from masthead.channels.tests.factories import ChannelFactory

    url = web.route("/atp.xml", Reply(200, podcast(), RSS))
    channels = [ChannelFactory(), ChannelFactory()]
    for each in channels:
        services.feed_add(actor=None, channel=each, url=url)
    assert FeedPoller(threads=2, name="test").run_round() == 2
    assert set(Feed.objects.values_list("last_error", flat=True)) == {""}
    assert Item.objects.count() == 100 and FeedEntry.objects.count() == 100
    for each in channels:
        assert Candidate.objects.filter(channel=each).count() == 100
