"""robots.txt and the sitemaps: every document valid (tests/sitemap.xsd), listing exactly
the public URLs with the time each last changed, split at the protocol's limits, the news
sitemap inside its 48 hours (a fixed clock), hostile headlines kept as text."""

from __future__ import annotations

import datetime as dt
import json
import urllib.robotparser
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.utils import timezone
from lxml import etree

from conftest import shared_data
from masthead.core.xmltext import xml_text
from masthead.discovery import selectors
from masthead.stories.models import HEADLINE_MAX_LENGTH, Story
from masthead.stories.services import story_unpublish, story_update, story_withdraw
from masthead.stories.tests.factories import StoryFactory

pytestmark = pytest.mark.django_db

BASE = "http://testserver"
SM = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
NEWS = "{http://www.google.com/schemas/sitemap-news/0.9}"
SCHEMA = etree.XMLSchema(etree.parse(str(Path(__file__).with_name("sitemap.xsd"))))


def _document(client: Client, path: str) -> Any:
    response = client.get(path)
    assert response.status_code == 200, path
    assert response["Content-Type"] == "application/xml; charset=utf-8"
    root = etree.fromstring(response.content)
    SCHEMA.assertValid(root)
    return root


def _locs(root: Any, element: str = "url") -> list[str]:
    return [node.findtext(f"{SM}loc") for node in root.iter(f"{SM}{element}")]


def _lastmods(root: Any) -> dict[str, dt.datetime]:
    return {
        node.findtext(f"{SM}loc"): dt.datetime.fromisoformat(node.findtext(f"{SM}lastmod"))
        for node in root.iter(f"{SM}url")
    }


def _story_url(story: Story) -> str:
    return BASE + story.get_absolute_url()


def test_robots_txt_names_the_sitemap_and_keeps_crawlers_out_of_member_pages(
    client: Client,
) -> None:
    response = client.get("/robots.txt")
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    robots = urllib.robotparser.RobotFileParser()
    robots.parse(response.content.decode().splitlines())
    assert robots.site_maps() == [BASE + "/sitemap.xml"]
    assert robots.can_fetch("*", BASE + "/globallead/politics/a-story-AAAA/")
    assert robots.can_fetch("*", BASE + "/globallead/sitemap.xml")
    for private in ("/accounts/feeds/", "/admin/", "/comments/1/edit", "/feeds/abc/rss.xml"):
        assert not robots.can_fetch("*", BASE + private), private


def _newest_change(stories: dict[str, Story], channel: str) -> dt.datetime:
    """What a channel's listing's lastmod must be: the newest change of its stories that are
    or were listed (not the draft, nor the story scheduled for tomorrow)."""
    were_listed = [
        story
        for name in ("original", "curated", "withdrawn", "elsewhere")
        if (story := Story.objects.get(pk=stories[name].pk)).channel.slug == channel
    ]
    newest = max(selectors.changed(story.updated_at, story.published_at) for story in were_listed)
    return newest.replace(microsecond=0)


def test_the_index_names_each_channels_sitemap_the_sites_and_the_news(
    client: Client, stories: dict[str, Story]
) -> None:
    index = _document(client, "/sitemap.xml")
    other = stories["elsewhere"].channel
    assert _locs(index, "sitemap") == [
        BASE + "/sitemap-site.xml",
        *sorted([BASE + "/globallead/sitemap.xml", f"{BASE}/{other.slug}/sitemap.xml"]),
        BASE + "/sitemap-news.xml",
    ]
    for loc in _locs(index, "sitemap"):
        _document(client, loc.removeprefix(BASE))
    lastmod = {
        node.findtext(f"{SM}loc"): dt.datetime.fromisoformat(node.findtext(f"{SM}lastmod"))
        for node in index.iter(f"{SM}sitemap")
    }
    # The newest change of a story that is or was listed: the withdrawn one's withdrawal.
    assert lastmod[BASE + "/globallead/sitemap.xml"] == _newest_change(stories, "globallead")


def test_a_channels_sitemap_lists_exactly_its_public_pages(
    client: Client, stories: dict[str, Story]
) -> None:
    root = _document(client, "/globallead/sitemap.xml")
    channel = stories["original"].channel
    assert _locs(root) == [
        BASE + "/globallead/",
        BASE + "/globallead/politics/",
        _story_url(stories["original"]),
        _story_url(stories["curated"]),
    ]
    lastmod = _lastmods(root)
    for name in ("original", "curated"):
        story = stories[name]
        expected = selectors.changed(story.updated_at, story.published_at)
        assert lastmod[_story_url(story)] == expected.replace(microsecond=0)
    assert lastmod[BASE + "/globallead/"] == _newest_change(stories, "globallead")
    # Every URL listed is a page a reader can open.
    for loc in _locs(root):
        assert client.get(loc.removeprefix(BASE)).status_code == 200, loc
    assert channel.get_absolute_url() == "/globallead/"


def test_a_withdrawal_or_a_return_to_draft_leaves_the_sitemaps(
    client: Client, stories: dict[str, Story]
) -> None:
    story_withdraw(actor=None, story=stories["curated"], reason="Wrong source.")
    story_unpublish(actor=None, story=stories["original"])
    assert _locs(_document(client, "/globallead/sitemap.xml")) == [
        BASE + "/globallead/",
        BASE + "/globallead/politics/",
    ]
    assert _locs(_document(client, "/sitemap-news.xml")) == [_story_url(stories["elsewhere"])]


def test_an_edit_moves_the_storys_lastmod(client: Client, stories: dict[str, Story]) -> None:
    hour_ago = timezone.now() - dt.timedelta(hours=1)
    Story.objects.update(updated_at=hour_ago - dt.timedelta(hours=5))
    before = _lastmods(_document(client, "/globallead/sitemap.xml"))
    story = stories["original"]
    story_update(actor=None, story=story, headline="Ferry Council Votes Again")
    after = _lastmods(_document(client, "/globallead/sitemap.xml"))
    url = _story_url(Story.objects.get(pk=story.pk))
    assert after[url] > before[_story_url(story)] and after[url] > hour_ago


def _index_lastmods(client: Client) -> dict[str, dt.datetime]:
    return {
        node.findtext(f"{SM}loc"): dt.datetime.fromisoformat(node.findtext(f"{SM}lastmod"))
        for node in _document(client, "/sitemap.xml").iter(f"{SM}sitemap")
    }


def test_a_withdrawal_moves_the_lastmods_forward(client: Client, stories: dict[str, Story]) -> None:
    # The newest story leaves: the files that listed it changed now, not when the story
    # before it did (a crawler trusting lastmod would keep the withdrawn address).
    Story.objects.update(updated_at=timezone.now() - dt.timedelta(hours=5))
    files, pages = _index_lastmods(client), _lastmods(_document(client, "/globallead/sitemap.xml"))
    story_withdraw(actor=None, story=stories["curated"], reason="Wrong source.")
    withdrawn = Story.objects.get(pk=stories["curated"].pk).updated_at.replace(microsecond=0)
    after_files = _index_lastmods(client)
    after_pages = _lastmods(_document(client, "/globallead/sitemap.xml"))
    for changed_file in ("/globallead/sitemap.xml", "/sitemap-site.xml", "/sitemap-news.xml"):
        assert after_files[BASE + changed_file] == withdrawn > files[BASE + changed_file]
    for page in ("/globallead/", "/globallead/politics/"):
        assert after_pages[BASE + page] == withdrawn > pages[BASE + page]
    other = stories["elsewhere"].channel.slug
    assert after_files[f"{BASE}/{other}/sitemap.xml"] == files[f"{BASE}/{other}/sitemap.xml"]


def test_a_channel_of_exactly_the_limit_is_one_file(
    client: Client, stories: dict[str, Story], monkeypatch: Any
) -> None:
    # The channel page, its section and its two stories: 4 URLs, the limit as 4.
    monkeypatch.setattr(selectors, "SITEMAP_URLS", 4)
    assert len(_locs(_document(client, "/globallead/sitemap.xml"))) == 4
    assert client.get("/globallead/sitemap.xml?page=2").status_code == 404
    index = _locs(_document(client, "/sitemap.xml"), "sitemap")
    assert [loc for loc in index if "/globallead/" in loc] == [BASE + "/globallead/sitemap.xml"]


def test_a_channels_sitemap_goes_on_past_its_limit(
    client: Client, stories: dict[str, Story], monkeypatch: Any
) -> None:
    # The protocol's 50,000 URLs a file, as 3: the channel page, its section and one story
    # fill the first file; the next story opens the second.
    assert selectors.SITEMAP_URLS == 50_000
    monkeypatch.setattr(selectors, "SITEMAP_URLS", 3)
    first = _locs(_document(client, "/globallead/sitemap.xml"))
    second = _locs(_document(client, "/globallead/sitemap.xml?page=2"))
    pages = [BASE + "/globallead/", BASE + "/globallead/politics/"]
    assert first == [*pages, _story_url(stories["original"])]
    assert second == [_story_url(stories["curated"])]
    assert client.get("/globallead/sitemap.xml?page=3").status_code == 404
    index = _locs(_document(client, "/sitemap.xml"), "sitemap")
    assert BASE + "/globallead/sitemap.xml?page=2" in index
    assert BASE + "/globallead/sitemap.xml?page=3" not in index


@pytest.mark.parametrize("query", ["page=0", "page=x", "page=99999999999", "page=٣"])
def test_a_page_that_is_none_is_404(client: Client, stories: Any, query: str) -> None:
    assert client.get(f"/globallead/sitemap.xml?{query}").status_code == 404
    assert client.get(f"/sitemap-news.xml?{query}").status_code == 404


@pytest.mark.parametrize("path", ["/sitemap.xml", "/sitemap-site.xml"])
def test_a_one_file_sitemap_has_no_second_page(client: Client, stories: Any, path: str) -> None:
    assert client.get(path + "?page=1").status_code == 200
    assert client.get(path + "?page=2").status_code == 404


def test_an_unknown_channel_has_no_sitemap(client: Client, stories: Any) -> None:
    assert client.get("/no-such-channel/sitemap.xml").status_code == 404


def test_the_sites_sitemap_lists_its_own_listing_pages(
    client: Client, stories: dict[str, Story]
) -> None:
    assert _locs(_document(client, "/sitemap-site.xml")) == [BASE + "/", BASE + "/latest"]


def test_the_news_sitemap_lists_the_last_48_hours_newest_first(
    client: Client, stories: dict[str, Story]
) -> None:
    root = _document(client, "/sitemap-news.xml")
    # Published an hour, two hours and three hours ago.
    assert _locs(root) == [
        _story_url(stories["curated"]),
        _story_url(stories["elsewhere"]),
        _story_url(stories["original"]),
    ]
    original = next(
        n
        for n in root.iter(f"{SM}url")
        if n.findtext(f"{SM}loc").endswith(stories["original"].get_absolute_url())
    )
    assert original.findtext(f"{NEWS}news/{NEWS}publication/{NEWS}name") == "Masthead"
    assert original.findtext(f"{NEWS}news/{NEWS}publication/{NEWS}language") == "en"
    assert original.findtext(f"{NEWS}news/{NEWS}title") == "Ferry Council Votes <Yes> & Moves On"
    # In the story's own zone, as its page gives it: Los Angeles is UTC-8 in December.
    published = original.findtext(f"{NEWS}news/{NEWS}publication_date")
    moment = dt.datetime.fromisoformat(published)
    assert moment == stories["original"].published_at.replace(microsecond=0)
    los_angeles = ZoneInfo("America/Los_Angeles")
    assert (
        moment.utcoffset() == stories["original"].published_at.astimezone(los_angeles).utcoffset()
    )


def test_the_48_hour_window_on_a_fixed_clock(section: Any) -> None:
    now = dt.datetime(2026, 6, 1, 12, 0, tzinfo=dt.UTC)
    inside = StoryFactory(section=section, published_at=now - dt.timedelta(hours=47, minutes=59))
    edge = StoryFactory(section=section, published_at=now - dt.timedelta(hours=48))
    StoryFactory(section=section, published_at=now - dt.timedelta(hours=48, seconds=1))
    StoryFactory(section=section, published_at=now + dt.timedelta(seconds=1))  # not yet due
    found = selectors.news_urls(1, now=now)
    assert found is not None
    assert [url.path for url in found] == [inside.get_absolute_url(), edge.get_absolute_url()]
    files = [file.path for file in selectors.sitemap_files(now=now)]
    assert "/sitemap-news.xml" in files
    later = now + dt.timedelta(hours=49)
    assert selectors.news_urls(1, now=later) == []
    assert "/sitemap-news.xml" not in [f.path for f in selectors.sitemap_files(now=later)]


def test_the_news_sitemap_holds_1000_stories_a_file(client: Client, section: Any) -> None:
    now = timezone.now()
    Story.objects.bulk_create(
        StoryFactory.build(
            section=section,
            channel=section.channel,
            slug=f"story-{number}",
            published_at=now - dt.timedelta(minutes=1, seconds=number),
        )
        for number in range(1_001)
    )
    first = _locs(_document(client, "/sitemap-news.xml"))
    second = _locs(_document(client, "/sitemap-news.xml?page=2"))
    assert len(first) == 1_000 and len(second) == 1
    assert second[0].split("/")[-2].startswith("story-1000-")
    assert client.get("/sitemap-news.xml?page=3").status_code == 404
    index = _locs(_document(client, "/sitemap.xml"), "sitemap")
    assert index[-2:] == [BASE + "/sitemap-news.xml", BASE + "/sitemap-news.xml?page=2"]


def test_hostile_headlines_stay_text_in_every_sitemap(client: Client, section: Any) -> None:
    strings: list[str] = json.loads(shared_data("xss/blns/blns.json").read_text(encoding="utf-8"))
    start = timezone.now() - dt.timedelta(hours=40)
    headlines = {}
    for number, text in enumerate(strings):
        headline = text[:HEADLINE_MAX_LENGTH].strip()
        if headline:
            story = StoryFactory(
                section=section,
                headline=headline,
                slug=f"hostile-{number}",
                published_at=start + dt.timedelta(seconds=number),
            )
            headlines[BASE + story.get_absolute_url()] = headline
    root = _document(client, "/sitemap-news.xml")
    titles = {
        node.findtext(f"{SM}loc"): node.findtext(f"{NEWS}news/{NEWS}title")
        for node in root.iter(f"{SM}url")
    }
    assert titles.keys() == headlines.keys()
    for url, headline in headlines.items():
        expected = xml_text(headline).replace("\r\n", "\n").replace("\r", "\n")
        assert titles[url] == expected, url
    _document(client, "/globallead/sitemap.xml")
    _document(client, "/sitemap.xml")
