"""The public feeds behind the page cache, through the real WSGI application with real
commits: served from the cache with 304s for ETag and date alike, and invalidated at once
when a story of the feed is published, edited or withdrawn. A member's feed is never kept."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from masthead.channels.tests.factories import SectionFactory
from masthead.core import pagecache
from masthead.core.pagecache import CACHE_STATUS_HEADER
from masthead.core.tests.wsgi import get
from masthead.feeds.services import feed_token_get_or_create, feed_token_reset
from masthead.stories.models import Story
from masthead.stories.services import story_create, story_publish, story_update, story_withdraw

pytestmark = pytest.mark.django_db(transaction=True)

NAMES = ("rss.xml", "atom.xml", "feed.json")


@pytest.fixture(autouse=True)
def _page_cache_on(settings: Any) -> Any:
    settings.MASTHEAD_PAGE_CACHE = True
    pagecache.clear_local()
    yield
    pagecache.clear_local()


def _feeds() -> list[str]:
    return [
        f"{base}{name}" for base in ("/", "/globallead/", "/globallead/politics/") for name in NAMES
    ]


@pytest.fixture
def published(section: Any) -> Story:
    story = story_create(
        actor=None, channel=section.channel, section=section, headline="Ferry Vote Today"
    )
    story = story_publish(actor=None, story=story, at=timezone.now() - dt.timedelta(hours=1))
    Story.objects.update(updated_at=timezone.now() - dt.timedelta(hours=1))  # whole seconds
    return story


def test_feeds_are_served_from_the_cache_with_304s(published: Story) -> None:
    for path in _feeds():
        first, second = get(path), get(path)
        assert first.headers[CACHE_STATUS_HEADER] == "miss", path
        assert second.headers[CACHE_STATUS_HEADER] == "hit" and second.body == first.body
        assert b"Ferry Vote Today" in second.body
        assert second.headers["Cache-Control"] == "public, no-cache"
        assert second.headers["ETag"] == first.headers["ETag"]
        modified = second.headers["Last-Modified"]
        by_etag = get(path, If_None_Match=second.headers["ETag"])
        assert by_etag.status == 304 and by_etag.body == b""
        assert by_etag.headers[CACHE_STATUS_HEADER] == "hit"
        assert by_etag.headers["Last-Modified"] == modified
        # A date alone is no proof the reader holds these bytes (pagecache._not_modified).
        by_date = get(path, If_Modified_Since=modified)
        assert by_date.status == 200 and by_date.body == first.body
        assert get(path, If_None_Match='"old"', If_Modified_Since=modified).status == 200


@pytest.mark.parametrize("change", ["publish", "edit", "withdraw"])
def test_a_change_to_a_story_of_the_feed_shows_at_once(
    published: Story, section: Any, change: str
) -> None:
    etags = {path: get(path).headers["ETag"] for path in _feeds()}
    if change == "publish":
        story = story_create(
            actor=None, channel=section.channel, section=section, headline="Second Story"
        )
        story_publish(actor=None, story=story)
    elif change == "edit":
        story_update(actor=None, story=published, headline="Ferry Vote Postponed")
    else:
        story_withdraw(actor=None, story=published, reason="Wrong date.")
    for path, etag in etags.items():
        response = get(path, If_None_Match=etag)
        assert response.status == 200 and response.headers[CACHE_STATUS_HEADER] == "miss", path
        text = response.text
        if change == "publish":
            assert "Second Story" in text
        elif change == "edit":
            assert "Ferry Vote Postponed" in text and "Ferry Vote Today" not in text
        else:
            assert "Ferry Vote" not in text


def test_another_channels_story_leaves_this_channels_feeds_cached(
    published: Story, section: Any
) -> None:
    for path in _feeds():
        get(path)
    other = SectionFactory()
    story = story_create(actor=None, channel=other.channel, section=other, headline="Elsewhere")
    story_publish(actor=None, story=story)
    assert get("/globallead/rss.xml").headers[CACHE_STATUS_HEADER] == "hit"
    assert get("/globallead/politics/feed.json").headers[CACHE_STATUS_HEADER] == "hit"
    assert "Elsewhere" in get("/rss.xml").text  # the site's feeds follow Latest


def test_a_members_feed_is_never_kept(published: Story, member: Any) -> None:
    token = feed_token_get_or_create(actor=member, member=member).token
    path = f"/feeds/{token}/atom.xml"
    first = get(path)
    assert first.status == 200 and first.headers["Cache-Control"] == "private, no-cache"
    assert get(path, If_None_Match=first.headers["ETag"]).status == 304
    feed_token_reset(actor=member, member=member)
    assert get(path).status == 404  # a cached copy would have outlived the reset
