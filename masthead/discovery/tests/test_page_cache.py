"""The sitemaps behind the page cache, through the real WSGI application with real commits:
served from the cache with a 304 for their ETag, and a story published or withdrawn shows
in them at once."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from masthead.core import pagecache
from masthead.core.pagecache import CACHE_STATUS_HEADER
from masthead.core.tests.wsgi import get
from masthead.stories.services import story_create, story_publish, story_withdraw

pytestmark = pytest.mark.django_db(transaction=True)

PATHS = ("/sitemap.xml", "/sitemap-news.xml", "/globallead/sitemap.xml")


@pytest.fixture(autouse=True)
def _page_cache_on(settings: Any) -> Any:
    settings.MASTHEAD_PAGE_CACHE = True
    pagecache.clear_local()
    yield
    pagecache.clear_local()


def _story(section: Any, headline: str) -> Any:
    story = story_create(actor=None, channel=section.channel, section=section, headline=headline)
    return story_publish(actor=None, story=story, at=timezone.now() - dt.timedelta(minutes=5))


def test_sitemaps_are_served_from_the_cache_with_304s(section: Any) -> None:
    _story(section, "Ferry Vote Today")
    for path in PATHS:
        first, second = get(path), get(path)
        assert first.headers[CACHE_STATUS_HEADER] == "miss", path
        assert second.headers[CACHE_STATUS_HEADER] == "hit" and second.body == first.body
        assert second.headers["ETag"] == first.headers["ETag"]
        again = get(path, If_None_Match=second.headers["ETag"])
        assert again.status == 304 and again.body == b""


def test_a_story_published_or_withdrawn_shows_at_once(section: Any) -> None:
    kept = _story(section, "Ferry Vote Today")
    for path in PATHS:
        get(path), get(path)  # cached
    added = _story(section, "Harbour Deal Signed")
    for path in ("/sitemap-news.xml", "/globallead/sitemap.xml"):
        assert added.get_absolute_url().encode() in get(path).body, path
    story_withdraw(actor=None, story=added, reason="Duplicate.")
    for path in ("/sitemap-news.xml", "/globallead/sitemap.xml"):
        body = get(path).body
        assert added.get_absolute_url().encode() not in body, path
        assert kept.get_absolute_url().encode() in body, path
    # The index's news entry goes when its last story leaves the window's list.
    story_withdraw(actor=None, story=kept, reason="Duplicate.")
    assert b"sitemap-news.xml" not in get("/sitemap.xml").body
