"""Search pages in the anonymous page cache: one entry per query however it is spelled, none for
a query with anything else in it, and never stale after a story is published, edited or
withdrawn, because a search page is filed under Latest's version as well as its own; kept by
each process, never in the shared cache, and no more of them than the bound.

Through the real WSGI application with real commits (the services invalidate after commit).
"""

from __future__ import annotations

from typing import Any

import lxml.html
import pytest

from masthead.core import pagecache
from masthead.core.pagecache import CACHE_STATUS_HEADER
from masthead.core.tests.wsgi import get as wsgi_get
from masthead.stories.models import Story
from masthead.stories.services import story_create, story_publish, story_update, story_withdraw

pytestmark = pytest.mark.django_db(transaction=True)


def get(url: str, **headers: str) -> tuple[int, dict[str, str], str]:
    response = wsgi_get(url, **headers)
    return response.status, response.headers, response.text


def text_of(url: str) -> str:
    """The page's text, without markup (a headline's matched words are in <mark>)."""
    return lxml.html.document_fromstring(get(url)[2]).text_content()


def cache_status(url: str) -> str | None:
    return get(url)[1].get(CACHE_STATUS_HEADER)


@pytest.fixture(autouse=True)
def _page_cache_on(settings: Any) -> Any:
    settings.MASTHEAD_PAGE_CACHE = True
    pagecache.clear_local()
    yield
    pagecache.clear_local()


def publish(section: Any, headline: str) -> Story:
    story = story_create(
        actor=None,
        channel=section.channel,
        section=section,
        headline=headline,
        body="<p>The quay was busy.</p>",
    )
    return story_publish(actor=None, story=story)


def test_a_search_is_cached_once_however_its_query_is_spelled(section: Any) -> None:
    publish(section, "Quayside market reopens")
    channel = section.channel.slug
    assert cache_status(f"/search?q=quayside+market&channel={channel}") == "miss"
    assert cache_status(f"/search?q=quayside+market&channel={channel}") == "hit"
    assert cache_status(f"/search?channel={channel}&q=quayside%20market") == "hit"
    assert cache_status("/search?q=quayside+market") == "miss"  # another search
    assert cache_status("/search?q=quayside+market&page=01") == "miss"
    assert cache_status("/search?q=quayside+market&page=1") == "hit"


def test_a_query_with_anything_else_is_not_cached(section: Any) -> None:
    publish(section, "Quayside market reopens")
    for url in (
        "/search?q=quayside&utm_source=mail",
        "/search?q=quayside&q=market",
        "/search?q=quayside&page=x",
        "/search?q=" + "quayside+" * 300,
    ):
        assert cache_status(url) is None, url
        assert cache_status(url) is None, url


def test_a_refused_search_is_not_cached(section: Any) -> None:
    status, headers, _body = get("/search?q=quayside&channel=nowhere")
    assert status == 400 and CACHE_STATUS_HEADER not in headers
    assert get("/search?q=quayside&channel=nowhere")[0] == 400


def test_members_never_get_the_cached_search(section: Any, member: Any) -> None:
    from django.test import Client

    publish(section, "Quayside market reopens")
    get("/search?q=quayside")
    client = Client()
    client.force_login(member)
    cookie = f"sessionid={client.cookies['sessionid'].value}"
    status, headers, body = get("/search?q=quayside", Cookie=cookie)
    assert status == 200 and CACHE_STATUS_HEADER not in headers
    assert "Log out" in body


def test_a_published_story_is_found_at_once_and_a_withdrawn_one_is_gone(section: Any) -> None:
    publish(section, "Quayside market reopens")
    url = "/search?q=quayside"
    assert "Quayside market reopens" in text_of(url)
    assert cache_status(url) == "hit"

    fresh = publish(section, "Quayside crane toppled in storm")
    assert cache_status(url) == "miss"
    assert "Quayside crane toppled in storm" in text_of(url)

    story_update(actor=None, story=fresh, headline="Quayside crane lifted again")
    body = text_of(url)
    assert "Quayside crane lifted again" in body and "toppled" not in body

    story_withdraw(actor=None, story=fresh, reason="Published by mistake")
    body = text_of(url)
    assert "Quayside market reopens" in body and "Quayside crane" not in body


def test_what_moves_only_top_keeps_the_cached_searches(section: Any) -> None:
    """Comments and pins move Top ("/"): the searches, which follow Latest, stay cached."""
    publish(section, "Quayside market reopens")
    url = "/search?q=quayside"
    assert cache_status(url) == "miss"
    pagecache.invalidate_paths(["/"])  # what ranking.front_moved and the pins do
    assert cache_status(url) == "hit"
    pagecache.invalidate_paths(["/latest"])  # what every story service does
    assert cache_status(url) == "miss"


def test_search_pages_stay_out_of_the_shared_cache(section: Any) -> None:
    publish(section, "Quayside market reopens")
    assert cache_status("/search?q=quayside") == "miss"
    assert cache_status("/search?q=quayside") == "hit"  # this process's copy
    pagecache.clear_local()  # as another process: nothing shared to find
    assert cache_status("/search?q=quayside") == "miss"
    assert cache_status("/latest") == "miss"
    pagecache.clear_local()
    assert cache_status("/latest") == "hit"  # while other pages are shared


def test_a_stream_of_different_searches_pushes_out_no_other_page(
    section: Any, monkeypatch: Any
) -> None:
    from django.core.cache import cache

    monkeypatch.setattr(pagecache._local, "size", 4)
    monkeypatch.setattr(pagecache._local_queries, "size", 4)
    publish(section, "Quayside market reopens")
    assert cache_status("/latest") == "miss"
    for n in range(6):
        assert cache_status(f"/search?q=quayside+w{n}") == "miss"
    assert cache_status("/search?q=quayside+w0") == "miss"  # the oldest went
    assert cache_status("/search?q=quayside+w5") == "hit"
    cache.clear()
    assert cache_status("/latest") == "hit"  # still this process's copy
