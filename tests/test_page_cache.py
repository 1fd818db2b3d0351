"""The anonymous page cache: hits, 304s, who bypasses it, and invalidation after commit."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from masthead.core.pagecache import CACHE_STATUS_HEADER
from masthead.discussion.services import comment_create, comment_hide
from masthead.stories.services import story_update

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _page_cache_on(settings: Any) -> None:
    settings.MASTHEAD_PAGE_CACHE = True


def test_anonymous_story_page_is_served_from_the_cache(client: Client, story: Any) -> None:
    url = story.get_absolute_url()
    first = client.get(url)
    second = client.get(url)
    assert first[CACHE_STATUS_HEADER] == "miss" and second[CACHE_STATUS_HEADER] == "hit"
    assert first.content == second.content
    assert second["ETag"] == first["ETag"]
    assert "public" in second["Cache-Control"] and "no-cache" in second["Cache-Control"]
    assert "Content-Security-Policy" in second
    assert second["Content-Type"] == "text/html; charset=utf-8"


def test_if_none_match_answers_304(client: Client, story: Any) -> None:
    url = story.get_absolute_url()
    etag = client.get(url)["ETag"]
    response = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 304
    assert response.content == b""


def test_a_new_comment_invalidates_the_page(
    client: Client, story: Any, member: Any, curator: Any
) -> None:
    url = story.get_absolute_url()
    etag = client.get(url)["ETag"]
    comment, _ = comment_create(actor=member, story=story, body="Fresh words")
    response = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 200 and response[CACHE_STATUS_HEADER] == "miss"
    assert "Fresh words" in response.content.decode()
    assert client.get(url)[CACHE_STATUS_HEADER] == "hit"
    comment_hide(actor=curator, comment=comment)
    assert "Fresh words" not in client.get(url).content.decode()


def test_a_story_edit_invalidates_old_and_new_urls_and_listings(client: Client, story: Any) -> None:
    old_url = story.get_absolute_url()
    client.get(old_url)
    client.get("/")
    story_update(actor=None, story=story, headline="A Different Headline Now")
    assert client.get(old_url).status_code == 301
    assert "A Different Headline Now" in client.get(story.get_absolute_url()).content.decode()
    assert "A Different Headline Now" in client.get("/").content.decode()


def test_members_never_get_or_fill_the_shared_page(
    member_client: Client, client: Client, story: Any
) -> None:
    url = story.get_absolute_url()
    member_page = member_client.get(url)
    assert CACHE_STATUS_HEADER not in member_page
    assert "comment-form" in member_page.content.decode()
    anonymous = client.get(url)
    assert anonymous[CACHE_STATUS_HEADER] == "miss"
    assert "comment-form" not in anonymous.content.decode()
    assert CACHE_STATUS_HEADER not in member_client.get(url)


def test_pages_that_set_cookies_or_carry_queries_are_not_cached(client: Client, story: Any) -> None:
    assert CACHE_STATUS_HEADER not in client.get("/accounts/login/")
    assert CACHE_STATUS_HEADER not in client.get(story.get_absolute_url() + "?utm_source=x")
    assert client.get("/?page=1")[CACHE_STATUS_HEADER] == "miss"
    assert client.get("/?page=1")[CACHE_STATUS_HEADER] == "hit"


def test_htmx_requests_bypass_the_cache(client: Client, story: Any) -> None:
    client.get(story.get_absolute_url())
    response = client.get(story.get_absolute_url(), HTTP_HX_REQUEST="true")
    assert CACHE_STATUS_HEADER not in response
