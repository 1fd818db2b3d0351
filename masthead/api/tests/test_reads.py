"""The API's reads through their real URLs, anonymous and as members and moderators: what
each shows, filters and pages, problems for what names nothing, ETags and 304s."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from masthead.api import cursors
from masthead.channels.models import ChannelRole
from masthead.channels.services import role_grant
from masthead.discussion.models import Comment
from masthead.discussion.services import comment_create, comment_delete, comment_remove
from masthead.moderation.models import Ban
from masthead.moderation.services import ban_create
from masthead.search.index import index_pending
from masthead.stories.models import Story
from masthead.stories.tests.factories import StoryFactory

pytestmark = pytest.mark.django_db
PROBLEM = "application/problem+json"


def get(client: Client, url: str, **headers: Any) -> Any:
    response = client.get(url, headers=headers)
    assert response.status_code < 500, response.content
    return response


def test_channels_with_their_sections(client: Client, section: Any) -> None:
    body = get(client, "/api/v1/channels").json()
    (channel,) = body["items"]
    assert channel["slug"] == "globallead" and channel["name"] == "Global Lead"
    assert channel["url"] == "http://testserver/globallead/"
    assert channel["sections"] == [
        {"slug": "politics", "name": "Politics", "url": "http://testserver/globallead/politics/"}
    ]
    assert get(client, "/api/v1/channels/globallead").json()["slug"] == "globallead"


def test_unknown_channel_is_a_404_problem(client: Client, db: Any) -> None:
    response = get(client, "/api/v1/channels/no-such-channel")
    assert response.status_code == 404 and response["Content-Type"] == PROBLEM
    problem = response.json()
    assert problem["status"] == 404 and problem["title"] == "Not Found"
    assert "no-such-channel" in problem["detail"] and problem["type"]


def test_malformed_slug_names_the_field(client: Client, db: Any) -> None:
    response = get(client, "/api/v1/channels/Not%20A%20Slug")
    assert response.status_code == 422 and response["Content-Type"] == PROBLEM
    assert [e["field"] for e in response.json()["errors"]] == ["slug"]


def test_stories_newest_first_public_only(client: Client, stories: dict[str, Any]) -> None:
    body = get(client, "/api/v1/stories").json()
    ids = [item["id"] for item in body["items"]]
    public = [stories["elsewhere"], stories["curated"], stories["original"]]
    public.sort(key=lambda s: (s.published_at, s.pk), reverse=True)
    assert ids == [s.public_key for s in public]
    assert body["next"] is None
    by_id = {item["id"]: item for item in body["items"]}
    original = by_id[stories["original"].public_key]
    assert original["image"]["caption"] == "The ferry at dawn."
    assert original["image"]["credit"] == "Photo: Cy Chen"
    assert original["image"]["url"].startswith("http://testserver/media/")
    curated = by_id[stories["curated"].public_key]
    assert curated["source"] == {"name": "The Example Ledger", "domain": "ledger.example"}
    assert curated["original_url"] == "https://ledger.example/harbour-deal"
    assert curated["api_url"] == f"http://testserver/api/v1/stories/{curated['id']}"


def test_story_filters(client: Client, stories: dict[str, Any]) -> None:
    def ids(query: str) -> list[str]:
        return [item["id"] for item in get(client, "/api/v1/stories?" + query).json()["items"]]

    original, curated = stories["original"].public_key, stories["curated"].public_key
    assert ids("channel=globallead") == [curated, original]
    assert ids("channel=globallead&section=politics") == [curated, original]
    assert ids("kind=curated") == [curated]
    assert ids("source=ledger.example") == [curated]
    assert ids("source=www.ledger.example") == [curated]
    assert ids("channel=no-such-channel") == []
    two_hours_ago = (timezone.now() - dt.timedelta(hours=2)).isoformat()
    assert ids("channel=globallead&since=" + two_hours_ago.replace("+", "%2B")) == [curated]
    assert ids("channel=globallead&until=" + two_hours_ago.replace("+", "%2B")) == [original]


def test_story_filters_refuse_bad_values_by_name(client: Client, db: Any) -> None:
    for query, field in [
        ("kind=opinion", "kind"),
        ("limit=0", "limit"),
        ("limit=101", "limit"),
        ("since=yesterday", "since"),
        ("since=2026-01-01T00:00:00", "since"),  # no offset: whose midnight?
        ("until=0001-01-01T00:00:00%2B01:00", "until"),  # before the first UTC instant
        ("channel=UPPER", "channel"),
        ("cursor=%ff", "cursor"),
        ("cursor=bm90LWEtbGlzdA", "cursor"),  # base64 of "not-a-list"
        ("cursor=WyJ4IiwxXQ", "cursor"),  # ["x", 1]: the right shape, not a time
    ]:
        response = get(client, "/api/v1/stories?" + query)
        assert response.status_code in (400, 422), query
        assert response["Content-Type"] == PROBLEM
        assert (
            field in [e["field"] for e in response.json().get("errors", [])]
            or field in (response.json()["detail"])
        ), (query, response.json())


def test_any_offset_python_reads_is_a_time(client: Client, stories: dict[str, Any]) -> None:
    # PostgreSQL takes offsets to 15:59 only: the API asks in UTC (the fuzz found this).
    response = get(client, "/api/v1/stories?since=0310-04-25T03:39:30%2B16:14")
    assert response.status_code == 200 and len(response.json()["items"]) == 3


@pytest.mark.parametrize(
    "moment", ["0310-04-25T03:39:30+16:14", "2026-01-01T00:00:00", "0001-01-01T00:00:00+01:00"]
)
def test_a_forged_cursor_is_refused_or_read_in_utc_never_a_500(
    client: Client, stories: Any, moment: str
) -> None:
    # A cursor is opaque, but anyone can encode one: its time goes through the checks of
    # since and until (PostgreSQL keeps no offset past 15:59; a time needs its offset).
    response = get(client, "/api/v1/stories?cursor=" + cursors.encode(moment, 1))
    if moment.endswith("+16:14"):
        assert response.status_code == 200 and response.json()["items"] == []
    else:  # no offset: not one the API gave out (400); before UTC's first day: out of range
        assert response.status_code == (422 if moment.startswith("0001") else 400)
        assert response["Content-Type"] == PROBLEM
        assert [e["field"] for e in response.json()["errors"]] == ["cursor"]


def test_cursor_pages_through_every_story_once(client: Client, section: Any) -> None:
    now = timezone.now()
    made = [
        StoryFactory(section=section, published_at=now - dt.timedelta(minutes=i // 2))
        for i in range(7)  # pairs share a time: the id breaks the tie
    ]
    seen: list[str] = []
    url: str | None = "/api/v1/stories?limit=3"
    pages = 0
    while url:
        body = get(client, url).json()
        seen += [item["id"] for item in body["items"]]
        url = body["next"]
        pages += 1
        assert url is None or url.startswith("http://testserver/api/v1/stories?")
    assert pages == 3
    assert sorted(seen) == sorted(s.public_key for s in made) and len(set(seen)) == 7
    published = [
        (s.published_at, s.pk) for s in sorted(made, key=lambda s: seen.index(s.public_key))
    ]
    assert published == sorted(published, reverse=True)


def test_one_story(client: Client, stories: dict[str, Any]) -> None:
    original = stories["original"]
    body = get(client, f"/api/v1/stories/{original.public_key}").json()
    assert body["headline"] == "Ferry Council Votes <Yes> & Moves On"
    assert body["byline"] == "Ada Lindqvist and Bo Berg"
    # Links made absolute: the body is read away from the site.
    assert 'href="http://testserver/globallead/"' in body["body_html"]
    assert body["excerpt"] == "The council met on Tuesday."
    assert body["comment_count"] == 0 and body["comments_open"] is True
    assert body["comments_url"] == body["url"] + "#comments"
    assert body["comments_api_url"].endswith(f"/api/v1/stories/{original.public_key}/comments")
    curated = get(client, f"/api/v1/stories/{stories['curated'].public_key}").json()
    assert curated["body_html"] == "" and "publisher" not in curated["body_html"]


def test_stories_readers_cannot_see(client: Client, stories: dict[str, Any]) -> None:
    for name in ("draft", "scheduled"):
        response = get(client, f"/api/v1/stories/{stories[name].public_key}")
        assert response.status_code == 404, name
    withdrawn = get(client, f"/api/v1/stories/{stories['withdrawn'].public_key}")
    assert withdrawn.status_code == 410 and "Wrong." in withdrawn.json()["detail"]
    assert get(client, "/api/v1/stories/AAAAAAAAAAAAAAAAAAAAAA").status_code == 404
    assert get(client, "/api/v1/stories/AAAAAAAAAAAAAAAAAAAAAB").status_code == 404
    assert get(client, "/api/v1/stories/short").status_code == 422


@pytest.fixture
def thread(story: Story, member: Any, other_member: Any, curator: Any) -> dict[str, Comment]:
    first, _ = comment_create(actor=member, story=story, body="First *point*")
    reply, _ = comment_create(actor=other_member, story=story, body="A reply", parent=first)
    removed, _ = comment_create(actor=other_member, story=story, body="Rude words")
    comment_remove(actor=curator, comment=removed, reason="Rude")
    deleted, _ = comment_create(actor=member, story=story, body="Regretted")
    comment_delete(actor=member, comment=deleted)
    ban_create(
        actor=curator, user=other_member, channel=story.channel, kind=Ban.Kind.SHADOW, reason="x"
    )
    shadow, _ = comment_create(actor=other_member, story=story, body="Only I see this")
    return {
        "first": first,
        "reply": reply,
        "removed": removed,
        "deleted": deleted,
        "shadow": shadow,
    }


def _comments(client: Client, story: Story) -> list[dict[str, Any]]:
    return get(client, f"/api/v1/stories/{story.public_key}/comments").json()["items"]


def test_comments_as_a_reader_sees_them(
    client: Client, story: Story, thread: dict[str, Comment]
) -> None:
    items = _comments(client, story)
    assert [c["number"] for c in items] == ["1-1", "1-2", "2-1", "3-1"]
    first, reply, removed, deleted = items
    assert first["body_html"] == "<p>First <em>point</em></p>"
    assert first["author"]["handle"] == "reader_one"
    assert first["author"]["display_name"] == "Reader One"
    assert first["parent"] is None and first["status"] == "visible"
    assert reply["parent"] == "1-1" and reply["parent_id"] == thread["first"].pk
    assert removed["status"] == "removed" and removed["body_html"] is None
    assert removed["removed_reason"] == "Rude"
    assert deleted["status"] == "deleted" and deleted["body_html"] is None
    assert first["url"] == f"http://testserver{story.get_absolute_url()}#comment-1-1"


def test_comments_as_their_shadow_banned_author_and_a_moderator(
    story: Story, thread: dict[str, Comment], other_member: Any, curator: Any
) -> None:
    author = Client()
    author.force_login(other_member)
    mine = _comments(author, story)
    assert [c["number"] for c in mine][-1] == "4-1"
    assert mine[-1]["status"] == "visible"  # as the site shows it to them
    moderator = Client()
    moderator.force_login(curator)
    seen = {c["number"]: c for c in _comments(moderator, story)}
    assert seen["4-1"]["status"] == "shadow"
    assert seen["2-1"]["body_html"] == "<p>Rude words</p>"  # kept for moderators to judge


def test_comment_pages_and_one_comment(
    client: Client, story: Story, thread: dict[str, Comment]
) -> None:
    url = f"/api/v1/stories/{story.public_key}/comments?limit=3"
    page = get(client, url).json()
    assert [c["number"] for c in page["items"]] == ["1-1", "1-2", "2-1"]
    rest = get(client, page["next"]).json()
    assert [c["number"] for c in rest["items"]] == ["3-1"] and rest["next"] is None
    one = get(client, f"/api/v1/comments/{thread['reply'].pk}").json()
    assert one["number"] == "1-2" and one["parent"] == "1-1"
    assert get(client, f"/api/v1/comments/{thread['shadow'].pk}").status_code == 404
    assert get(client, "/api/v1/comments/987654").status_code == 404
    assert get(client, f"/api/v1/comments/{2**64}").status_code == 422
    assert get(client, "/api/v1/comments/0").status_code == 422
    # A discussion of 200 comes on one page; more than that is refused by name.
    comments = f"/api/v1/stories/{story.public_key}/comments"
    assert len(get(client, comments + "?limit=200").json()["items"]) == 4
    refused = get(client, comments + "?limit=201")
    assert refused.status_code == 422 and "limit" in refused.content.decode()


def test_profile_by_handle(client: Client, story: Story, thread: dict[str, Comment]) -> None:
    body = get(client, "/api/v1/profiles/Reader_One").json()
    assert body["handle"] == "reader_one" and body["display_name"] == "Reader One"
    assert [c["number"] for c in body["comments"]] == ["1-1"]  # the deleted one is not listed
    assert get(client, "/api/v1/profiles/@reader_two").json()["comments"][0]["parent"] == "1-1"
    assert get(client, "/api/v1/profiles/nobody_here").status_code == 404


def test_search_uses_the_site_engine(client: Client, stories: dict[str, Any]) -> None:
    index_pending()
    body = get(client, "/api/v1/search?q=ferry").json()
    assert body["query"] == "ferry" and body["total"] == 1
    (hit,) = body["items"]
    assert hit["story"]["id"] == stories["original"].public_key
    assert "<mark>" in hit["snippet_html"] or "Ferry" in hit["story"]["headline"]
    curated = get(client, "/api/v1/search?q=harbour&kind=curated").json()["items"]
    assert [h["story"]["source"]["domain"] for h in curated] == ["ledger.example"]
    refused = get(client, "/api/v1/search?q=-ferry")
    assert refused.status_code == 400 and refused["Content-Type"] == PROBLEM
    assert refused.json()["errors"][0]["field"] == "q"
    assert get(client, "/api/v1/search?q=x&sort=oldest").status_code == 422
    assert get(client, "/api/v1/search?q=x&date_to=9999-12-31").status_code == 422


def test_etag_and_304(client: Client, stories: dict[str, Any]) -> None:
    for url in (
        "/api/v1/channels",
        "/api/v1/stories",
        f"/api/v1/stories/{stories['original'].public_key}",
        "/api/v1/openapi.json",
    ):
        first = get(client, url)
        etag = first["ETag"]
        assert etag.startswith('"') and "Authorization" in first["Vary"]
        again = get(client, url, If_None_Match=etag)
        assert again.status_code == 304 and again.content == b""
        assert get(client, url, If_None_Match='"other"').status_code == 200


def test_etag_moves_with_the_content(client: Client, story: Story, member: Any) -> None:
    url = f"/api/v1/stories/{story.public_key}/comments"
    etag = get(client, url)["ETag"]
    comment_create(actor=member, story=story, body="New")
    assert get(client, url, If_None_Match=etag).status_code == 200


def test_a_moderator_role_changes_what_is_seen(
    story: Story, thread: dict[str, Comment], member: Any
) -> None:
    moderator = Client()
    moderator.force_login(member)
    before = {c["number"]: c for c in _comments(moderator, story)}
    assert before["2-1"]["body_html"] is None
    role_grant(actor=None, channel=story.channel, user=member, role=ChannelRole.Role.MODERATOR)
    after = {c["number"]: c for c in _comments(moderator, story)}
    assert after["2-1"]["body_html"] == "<p>Rude words</p>"


def test_openapi_document_and_docs_page(client: Client, db: Any) -> None:
    document = get(client, "/api/v1/openapi.json").json()
    assert document["openapi"].startswith("3.1")
    assert "/api/v1/stories/{public_id}" in document["paths"]
    refusal = document["paths"]["/api/v1/stories"]["get"]["responses"]["422"]
    assert list(refusal["content"]) == [PROBLEM]
    page = get(client, "/api/v1/docs")
    html = page.content.decode()
    assert page.status_code == 200 and "/static/ninja/swagger-ui-bundle.js" in html
    assert "<script>" not in html and "cdn" not in html.lower()
    assert "script-src 'self'" in page["Content-Security-Policy"]
    for asset in ("ninja/swagger-ui-bundle.js", "ninja/swagger-ui.css", "api/docs.js"):
        static = client.get("/static/" + asset)
        assert static.status_code == 200, asset
        static.close()


def test_unknown_api_address_is_a_problem(client: Client, db: Any) -> None:
    for url in ("/api/v1/nothing/here", "/api/v1/", "/api/v2/stories"):
        response = get(client, url)
        assert response.status_code == 404 and response["Content-Type"] == PROBLEM, url
    assert get(client, "/no/such/page")["Content-Type"].startswith("text/html")


def test_a_nul_in_the_query_is_a_400_problem(client: Client, db: Any) -> None:
    # Refused by core.middleware before the API sees it; the API's handler answers in kind.
    response = get(client, "/api/v1/search?q=a%00b")
    assert response.status_code == 400 and response["Content-Type"] == PROBLEM
    page = get(client, "/search?q=a%00b")
    assert page.status_code == 400 and page["Content-Type"].startswith("text/html")


def test_lists_cost_the_same_whatever_their_length(
    client: Client, section: Any, member: Any, django_assert_max_num_queries: Any
) -> None:
    # No query per item: the story list is one query (channel, section and publisher
    # joined), a story's comments one more than the story.
    for n in range(25):
        StoryFactory(section=section, published_at=timezone.now() - dt.timedelta(minutes=n))
    story = Story.objects.published().first()
    assert story is not None
    for n in range(30):
        comment_create(actor=member, story=story, body=f"Comment {n}")
    with django_assert_max_num_queries(2):
        assert len(get(client, "/api/v1/stories?limit=25").json()["items"]) == 25
    with django_assert_max_num_queries(5):
        items = get(client, f"/api/v1/stories/{story.public_key}/comments").json()["items"]
    assert len(items) == 30
    with django_assert_max_num_queries(2):
        assert len(get(client, "/api/v1/channels").json()["items"]) == 1


def test_a_method_an_address_does_not_take_is_a_problem_naming_those_it_does(
    client: Client, db: Any
) -> None:
    response = client.put("/api/v1/channels", data="{}", content_type="application/json")
    assert response.status_code == 405 and response["Content-Type"] == PROBLEM
    assert "GET" in response["Allow"] and "GET" in response.json()["detail"]
