"""The anonymous page cache in front of Django: hits, 304s, who bypasses it, invalidation
after commit, and the other processes' bounded staleness."""

from __future__ import annotations

from typing import Any

import pytest

from masthead.core import pagecache
from masthead.core.pagecache import CACHE_STATUS_HEADER, MARK_HEADER
from masthead.core.tests.wsgi import get
from masthead.discussion.services import comment_create, comment_hide
from masthead.stories.services import story_update

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _page_cache_on(settings: Any) -> Any:
    settings.MASTHEAD_PAGE_CACHE = True
    pagecache.clear_local()
    yield
    pagecache.clear_local()


def test_anonymous_story_page_is_served_from_the_cache(story: Any) -> None:
    first = get(story.get_absolute_url())
    second = get(story.get_absolute_url())
    assert first.headers[CACHE_STATUS_HEADER] == "miss"
    assert second.headers[CACHE_STATUS_HEADER] == "hit"
    assert first.body == second.body and story.headline in second.text
    assert second.headers["ETag"] == first.headers["ETag"]
    assert "public" in second.headers["Cache-Control"]
    assert "no-cache" in second.headers["Cache-Control"]
    assert "Content-Security-Policy" in second.headers
    assert second.headers["Content-Type"] == "text/html; charset=utf-8"
    assert MARK_HEADER not in first.headers and MARK_HEADER not in second.headers


def test_a_page_is_shared_between_processes_through_the_shared_cache(story: Any) -> None:
    get(story.get_absolute_url())
    pagecache.clear_local()  # another process: nothing in its memory
    assert get(story.get_absolute_url()).headers[CACHE_STATUS_HEADER] == "hit"


def test_if_none_match_answers_304(story: Any) -> None:
    etag = get(story.get_absolute_url()).headers["ETag"]
    response = get(story.get_absolute_url(), If_None_Match=etag)
    assert response.status == 304 and response.body == b""
    assert response.headers["ETag"] == etag


def test_a_new_comment_invalidates_the_page_at_once_in_this_process(
    story: Any, member: Any, curator: Any
) -> None:
    url = story.get_absolute_url()
    etag = get(url).headers["ETag"]
    comment, _ = comment_create(actor=member, story=story, body="Fresh words")
    response = get(url, If_None_Match=etag)
    assert response.status == 200 and response.headers[CACHE_STATUS_HEADER] == "miss"
    assert "Fresh words" in response.text
    assert get(url).headers[CACHE_STATUS_HEADER] == "hit"
    comment_hide(actor=curator, comment=comment)
    assert "Fresh words" not in get(url).text


def test_other_processes_notice_within_the_check_interval(
    story: Any, member: Any, monkeypatch: Any
) -> None:
    url = story.get_absolute_url()
    get(url)
    page = pagecache._local.get((url, "", "testserver"))
    assert page is not None
    comment_create(actor=member, story=story, body="Seen everywhere")
    # another process still holds the old page...
    pagecache._local.put((url, "", "testserver"), page)
    assert "Seen everywhere" not in get(url).text  # ...and may serve it for a moment,
    page.checked -= pagecache.GENERATION_CHECK_SECONDS  # but once its check is due,
    assert "Seen everywhere" in get(url).text  # it asks the shared cache and renders anew


def test_a_story_edit_invalidates_old_and_new_urls_and_listings(story: Any) -> None:
    old_url = story.get_absolute_url()
    get(old_url)
    get("/")
    story = story_update(actor=None, story=story, headline="A Different Headline Now")
    assert get(old_url).status == 301
    assert "A Different Headline Now" in get(story.get_absolute_url()).text
    assert "A Different Headline Now" in get("/").text


def test_members_never_get_or_fill_the_shared_page(member: Any, story: Any) -> None:
    from django.test import Client

    client = Client()
    client.force_login(member)
    cookie = f"sessionid={client.cookies['sessionid'].value}"
    url = story.get_absolute_url()
    member_page = get(url, Cookie=cookie)
    assert CACHE_STATUS_HEADER not in member_page.headers
    assert "comment-form" in member_page.text
    anonymous = get(url)
    assert anonymous.headers[CACHE_STATUS_HEADER] == "miss"
    assert "comment-form" not in anonymous.text
    assert CACHE_STATUS_HEADER not in get(url, Cookie=cookie).headers


def test_pages_that_set_cookies_or_carry_queries_are_not_cached(story: Any) -> None:
    login = get("/accounts/login/")
    assert CACHE_STATUS_HEADER not in login.headers and "csrftoken" in login.headers.get(
        "Set-Cookie", ""
    )
    assert CACHE_STATUS_HEADER not in get(story.get_absolute_url() + "?utm_source=x").headers
    assert get("/?page=1").headers[CACHE_STATUS_HEADER] == "miss"
    assert get("/?page=1").headers[CACHE_STATUS_HEADER] == "hit"
    assert CACHE_STATUS_HEADER not in get("/no-such-page/").headers


def test_htmx_requests_bypass_the_cache(story: Any) -> None:
    get(story.get_absolute_url())
    assert CACHE_STATUS_HEADER not in get(story.get_absolute_url(), HX_Request="true").headers


def test_publishing_refreshes_every_page_of_the_channel(story: Any) -> None:
    from masthead.stories.services import story_create, story_publish

    get(story.get_absolute_url())
    get(story.section.get_absolute_url())
    fresh = story_create(
        actor=None,
        channel=story.channel,
        section=story.section,
        headline="Just Published in the Channel",
        body="Text.",
    )
    fresh = story_publish(actor=None, story=fresh)
    assert "Just Published in the Channel" in get(story.get_absolute_url()).text  # "Stories"
    assert "Just Published in the Channel" in get(story.section.get_absolute_url()).text


def test_a_host_the_site_does_not_serve_never_gets_a_cached_page(story: Any, settings: Any) -> None:
    settings.ALLOWED_HOSTS = ["news.example"]
    assert get(story.get_absolute_url(), Host="news.example").headers[CACHE_STATUS_HEADER] == "miss"
    assert get(story.get_absolute_url(), Host="news.example").headers[CACHE_STATUS_HEADER] == "hit"
    assert get(story.get_absolute_url(), Host="evil.example").status == 400


@pytest.mark.parametrize("how", ["delete page", "delete action"])
def test_a_story_deleted_in_the_admin_leaves_every_cached_page(
    story: Any, member: Any, how: str
) -> None:
    from django.test import Client
    from django.urls import reverse

    member.is_staff = member.is_superuser = True
    member.save()
    url, channel_url = story.get_absolute_url(), story.channel.get_absolute_url()
    for page in (url, "/", "/latest", channel_url):
        assert story.headline in get(page).text
    client = Client()
    client.force_login(member)
    if how == "delete page":
        answer = client.post(
            reverse("admin:stories_story_delete", args=[story.pk]), {"post": "yes"}
        )
    else:
        answer = client.post(
            reverse("admin:stories_story_changelist"),
            {"action": "delete_selected", "_selected_action": [story.pk], "post": "yes"},
        )
    assert answer.status_code == 302
    assert get(url).status == 404
    for page in ("/", "/latest", channel_url):
        assert story.headline not in get(page).text, page
