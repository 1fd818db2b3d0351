"""The front page's tabs in the anonymous page cache: what refreshes Top at once (a story
published, a pin, a score change on its first page) and what waits for the page to expire (a
busy discussion's next comments), in this process and in others."""

from __future__ import annotations

import time
from typing import Any

import pytest
from django.core.cache import cache

from masthead.core import pagecache
from masthead.core.pagecache import CACHE_STATUS_HEADER, LISTING_SECONDS
from masthead.core.tests.wsgi import get
from masthead.discussion.services import comment_create
from masthead.stories import pins, ranking
from masthead.stories.tests.factories import StoryFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _page_cache_on(settings: Any) -> Any:
    settings.MASTHEAD_PAGE_CACHE = True
    pagecache.clear_local()
    yield
    pagecache.clear_local()


def status(path: str) -> str:
    return get(path).headers[CACHE_STATUS_HEADER]


def test_both_tabs_are_cached_and_a_publication_refreshes_both(section: Any) -> None:
    StoryFactory(section=section, headline="First Story")
    for path in ("/", "/latest", "/?page=1"):
        assert status(path) == "miss"
        assert status(path) == "hit"
    from masthead.stories.services import story_create, story_publish

    draft = story_create(
        actor=None, channel=section.channel, section=section, headline="Just In", body="Text."
    )
    story_publish(actor=None, story=draft)
    assert "Just In" in get("/").text and "Just In" in get("/latest").text


def test_a_pin_refreshes_its_page_at_once(section: Any, curator: Any) -> None:
    stories = [StoryFactory(section=section, headline=f"Story {n}") for n in range(3)]
    channel_url = section.channel.get_absolute_url()
    get("/")
    get(channel_url)
    oldest = stories[0]  # the factory's stories share a time: the first made ranks last
    pins.pin_set(actor=None, story=oldest, front=True, place=1)
    assert get("/").text.index("Story 0") < get("/").text.index("Story 2")
    assert status(channel_url) == "hit"  # a front pin leaves the channel's page be
    pins.pin_set(actor=curator, story=oldest, front=False, place=1)
    assert status(channel_url) == "miss"


def test_comments_refresh_top_at_once_then_at_most_every_few_seconds(
    section: Any, member: Any, other_member: Any, monkeypatch: Any
) -> None:
    StoryFactory(section=section, headline="Quiet")
    discussed = StoryFactory(section=section, headline="Discussed")
    cache.delete(ranking.FRONT_RERANK_KEY)  # publishing (here: the factory) ranked Top anew
    get("/")
    assert status("/") == "hit"
    comment_create(actor=member, story=discussed, body="First!")
    assert status("/") == "miss"  # a first-page story's score moved: Top is ranked anew
    comment_create(actor=other_member, story=discussed, body="Second.")
    assert status("/") == "hit"  # within FRONT_RERANK_SECONDS: the page stands...
    later = time.time() + LISTING_SECONDS + 1
    monkeypatch.setattr(time, "time", lambda: later)
    assert status("/") == "miss"  # ...until its LISTING_SECONDS are up, in every process
