"""The feeds as readers get them: every scope in every format passes the validators
(validators.py) and says what the issue asks of each item; what is not public stays out;
bad addresses are 404s; conditional GETs are 304s."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from django.utils.http import parse_http_date

from masthead.channels.services import follow_set
from masthead.core.timefmt import zone
from masthead.feeds.selectors import FEED_ITEMS
from masthead.feeds.services import feed_token_get_or_create, feed_token_reset
from masthead.stories.models import Story
from masthead.stories.services import story_withdraw
from masthead.stories.tests.factories import StoryFactory

from .validators import check_atom, check_feedparser, check_json_feed, check_rss

pytestmark = pytest.mark.django_db

BASE = "http://testserver"
TYPES = {
    "rss.xml": "application/rss+xml; charset=utf-8",
    "atom.xml": "application/atom+xml; charset=utf-8",
    "feed.json": "application/feed+json",
}


def _read(client: Client, path: str) -> Any:
    response = client.get(path)
    assert response.status_code == 200, path
    return response


def _validated(path: str, response: Any) -> Any:
    """The feed checked by every validator of its format; feedparser's reading of it."""
    body, name = response.content, path.split("?")[0].rsplit("/", 1)[1]
    assert response["Content-Type"] == TYPES[name]
    self_url = BASE + path
    if name == "rss.xml":
        check_rss(body, self_url=self_url)
    elif name == "atom.xml":
        check_atom(body, self_url=self_url)
    else:
        return _as_feedparser_reads(check_json_feed(body, self_url=self_url))
    return check_feedparser(body, response["Content-Type"])


def _as_feedparser_reads(document: dict[str, Any]) -> Any:
    """A JSON Feed in feedparser's names, so that one test reads all three formats.
    feedparser 6.0 does not read JSON Feed; Masthead's own ingest reads these feeds in
    tests/test_feeds_out.py."""
    from feedparser import FeedParserDict

    def moment(text: str) -> Any:
        return dt.datetime.fromisoformat(text).astimezone(dt.UTC).timetuple()

    return FeedParserDict(
        feed=FeedParserDict(title=document["title"], links=[]),
        entries=[
            FeedParserDict(
                title=item.get("title", ""),
                link=item.get("url"),
                id=item["id"],
                published=item["date_published"],
                published_parsed=moment(item["date_published"]),
                updated_parsed=moment(item["date_modified"]),
                authors=[FeedParserDict(a) for a in item.get("authors", [])],
                tags=[FeedParserDict(term=tag) for tag in item.get("tags", [])],
                summary=item.get("summary"),
                content=[FeedParserDict(value=item["content_html"])],
            )
            for item in document["items"]
        ],
    )


def _followed_paths(member: Any) -> list[str]:
    token = feed_token_get_or_create(actor=member, member=member).token
    return [f"/feeds/{token}/{name}" for name in TYPES]


@pytest.mark.parametrize("name", list(TYPES))
@pytest.mark.parametrize("scope", ["site", "channel", "section", "followed"])
def test_every_feed_is_valid_and_lists_the_public_stories_newest_first(
    client: Client, stories: dict[str, Story], member: Any, scope: str, name: str
) -> None:
    channel = stories["original"].channel
    follow_set(actor=member, channel=channel, following=True)
    path = {
        "site": f"/{name}",
        "channel": f"/globallead/{name}",
        "section": f"/globallead/politics/{name}",
        "followed": next(p for p in _followed_paths(member) if p.endswith(name)),
    }[scope]
    parsed = _validated(path, _read(client, path))
    titles = [entry.title for entry in parsed.entries]
    expected = ["Harbour Deal Signed", "Ferry Council Votes <Yes> & Moves On"]
    if scope == "site":
        assert [t for t in titles if t in expected] == expected
        assert "Another Channel's Story" in titles
    else:
        assert titles == expected
    for hidden in ("Draft Only", "Not Yet", "Taken Down"):
        assert hidden not in titles


@pytest.mark.parametrize("name", list(TYPES))
def test_an_original_item_carries_what_a_reader_needs(
    client: Client, stories: dict[str, Story], name: str
) -> None:
    story = stories["original"]
    path = f"/globallead/politics/{name}"
    parsed = _validated(path, _read(client, path))
    entry = next(e for e in parsed.entries if e.title.startswith("Ferry"))
    assert entry.link == BASE + story.get_absolute_url()
    assert entry.id == f"urn:uuid:{story.public_id}"
    # Published and updated with the story's own zone (Los Angeles: -07:00 or -08:00).
    assert entry.published_parsed[:6] == story.published_at.utctimetuple()[:6]
    local = story.published_at.astimezone(zone(story.time_zone))
    offset = local.strftime("%z")  # -0700 or -0800
    assert local.strftime("%H:%M") in entry.published
    assert entry.published.endswith((offset, f"{offset[:3]}:{offset[3:]}"))
    if name != "rss.xml":  # RSS 2.0 has no updated time
        assert entry.updated_parsed is not None
    assert [author.name for author in entry.authors] == ["Ada Lindqvist", "Bo Berg"]
    # Atom's terms are slugs with labels; RSS's and JSON Feed's are the names.
    assert [tag.get("label") or tag.term for tag in entry.tags] == ["Global Lead", "Politics"]
    assert entry.summary == "The council met on Tuesday."
    content = entry.content[0].value
    assert "The council met." in content and "<h2>Next</h2>" in content
    assert 'href="http://testserver/globallead/"' in content  # made absolute
    assert "The ferry at dawn." in content and "Photo: Cy Chen" in content
    image = BASE + story.image.url
    if name == "feed.json":
        document = json.loads(client.get(path).content)
        item = next(i for i in document["items"] if i["title"].startswith("Ferry"))
        assert item["image"] == image
        assert item["attachments"][0]["mime_type"] == "image/jpeg"
        assert item["attachments"][0]["size_in_bytes"] == story.image.size
        assert item["_masthead"]["image_caption"] == "The ferry at dawn."
        assert item["_masthead"]["image_credit"] == "Photo: Cy Chen"
    else:
        assert entry.enclosures[0].href == image
        assert entry.enclosures[0].type == "image/jpeg"
        assert int(entry.enclosures[0].length) == story.image.size
        assert entry.media_content[0]["url"] == image
        assert entry.media_credit[0]["content"] == "Photo: Cy Chen"
        assert "The ferry at dawn." in client.get(path).content.decode()


def test_item_categories_name_the_channel_and_section(
    client: Client, stories: dict[str, Story]
) -> None:
    atom = _validated("/atom.xml", _read(client, "/atom.xml"))
    entry = next(e for e in atom.entries if e.title.startswith("Ferry"))
    assert [(t.term, t.scheme, t.label) for t in entry.tags] == [
        ("globallead", BASE + "/", "Global Lead"),
        ("politics", BASE + "/globallead/", "Politics"),
    ]
    rss = _read(client, "/rss.xml").content.decode()
    assert '<category domain="http://testserver/">Global Lead</category>' in rss
    assert '<category domain="http://testserver/globallead/">Politics</category>' in rss
    document = json.loads(_read(client, "/feed.json").content)
    item = next(i for i in document["items"] if i["title"].startswith("Ferry"))
    assert item["tags"] == ["Global Lead", "Politics"]


@pytest.mark.parametrize("name", list(TYPES))
def test_a_curated_item_gives_the_excerpt_and_the_publishers_link_not_its_text(
    client: Client, stories: dict[str, Story], name: str
) -> None:
    path = f"/globallead/{name}"
    parsed = _validated(path, _read(client, path))
    entry = next(e for e in parsed.entries if e.title == "Harbour Deal Signed")
    content = entry.content[0].value
    assert "Officials signed the harbour deal." in content
    assert '<a href="https://ledger.example/harbour-deal">Read full story</a>' in content
    assert "not ours to republish" not in content
    assert "authors" not in entry or entry.authors == [{}] or not entry.get("author")
    if name == "feed.json":
        item = json.loads(client.get(path).content)["items"][0]
        assert item["external_url"] == "https://ledger.example/harbour-deal"
    if name == "atom.xml":
        assert any(
            link.rel == "related" and link.href == "https://ledger.example/harbour-deal"
            for link in entry.links
        )


def test_rss_guid_is_the_urn_and_not_a_permalink(client: Client, stories: dict[str, Story]) -> None:
    body = _read(client, "/rss.xml").content.decode()
    story = stories["original"]
    assert f'<guid isPermaLink="false">urn:uuid:{story.public_id}</guid>' in body
    assert '<atom:link rel="self" href="http://testserver/rss.xml"' in body or (
        'href="http://testserver/rss.xml" rel="self"' in body
    )


def test_fifty_newest_and_json_feed_pages_onwards(client: Client, section: Any) -> None:
    start = timezone.now() - dt.timedelta(days=10)
    for number in range(FEED_ITEMS + 5):
        StoryFactory(
            section=section,
            headline=f"Story {number:03d}",
            published_at=start + dt.timedelta(minutes=number),
        )
    first = _read(client, "/globallead/feed.json")
    document = check_json_feed(first.content, self_url=BASE + "/globallead/feed.json")
    assert len(document["items"]) == FEED_ITEMS
    assert document["items"][0]["title"] == "Story 054"
    assert document["next_url"] == BASE + "/globallead/feed.json?page=2"
    second = _read(client, "/globallead/feed.json?page=2")
    rest = check_json_feed(second.content, self_url=BASE + "/globallead/feed.json?page=2")
    assert [item["title"] for item in rest["items"]] == [f"Story {n:03d}" for n in range(4, -1, -1)]
    assert "next_url" not in rest
    for name in ("rss.xml", "atom.xml"):
        parsed = _validated(f"/globallead/{name}", _read(client, f"/globallead/{name}"))
        assert len(parsed.entries) == FEED_ITEMS
        assert any(link.get("rel") == "next" for link in parsed.feed.links)
    assert client.get("/globallead/feed.json?page=3").status_code == 404
    # Page 2 however its number is written in ASCII digits, as the page cache files it.
    assert client.get("/globallead/feed.json?page=00002").content == second.content


@pytest.mark.parametrize(
    "path",
    [
        "/nochannel/rss.xml",
        "/globallead/nosection/atom.xml",
        "/feeds/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA/feed.json",
        "/feed.json?page=abc",
        "/feed.json?page=0",
        "/feed.json?page=99999999999999999999",
        "/rss.xml?page=2",
    ],
)
def test_bad_addresses_are_404_not_500(client: Client, section: Any, path: str) -> None:
    assert client.get(path).status_code == 404


def test_an_empty_feed_is_still_valid(client: Client, section: Any) -> None:
    for name in TYPES:
        path = f"/globallead/politics/{name}"
        parsed = _validated(path, _read(client, path))
        assert parsed.entries == []


def test_a_reset_address_stops_working_at_once(client: Client, member: Any) -> None:
    old = _followed_paths(member)
    assert all(client.get(path).status_code == 200 for path in old)
    feed_token_reset(actor=member, member=member)
    assert all(client.get(path).status_code == 404 for path in old)
    assert all(client.get(path).status_code == 200 for path in _followed_paths(member))


def test_a_deactivated_members_feed_is_gone(client: Client, member: Any) -> None:
    paths = _followed_paths(member)
    member.is_active = False
    member.save(update_fields=["is_active"])
    assert client.get(paths[0]).status_code == 404


def test_the_followed_feed_lists_only_followed_channels_and_is_private(
    client: Client, stories: dict[str, Story], member: Any
) -> None:
    follow_set(actor=member, channel=stories["elsewhere"].channel, following=True)
    path = _followed_paths(member)[1]
    response = _read(client, path)
    parsed = _validated(path, response)
    assert [e.title for e in parsed.entries] == ["Another Channel's Story"]
    assert response["Cache-Control"] == "private, no-cache"
    assert response["X-Robots-Tag"] == "noindex"
    assert response["Referrer-Policy"] == "no-referrer"


@pytest.mark.parametrize("path", ["/atom.xml", "/globallead/rss.xml"])
def test_conditional_gets_are_answered_304(
    client: Client, stories: dict[str, Story], path: str
) -> None:
    changed = timezone.now().replace(microsecond=0) - dt.timedelta(minutes=30)
    Story.objects.update(updated_at=changed - dt.timedelta(hours=2))
    Story.objects.filter(pk=stories["curated"].pk).update(updated_at=changed)
    first = _read(client, path)
    etag, modified = first["ETag"], first["Last-Modified"]
    assert client.get(path, headers={"If-None-Match": etag}).status_code == 304
    assert client.get(path, headers={"If-None-Match": '"other"'}).status_code == 200
    # Last-Modified is the latest change (the curated story's, half an hour ago), but a date
    # alone is no proof the reader holds these bytes: a deletion would not have moved it.
    assert modified == changed.strftime("%a, %d %b %Y %H:%M:%S GMT")
    assert client.get(path, headers={"If-Modified-Since": modified}).status_code == 200


def test_a_withdrawal_moves_last_modified_although_the_story_left(
    client: Client, stories: dict[str, Story]
) -> None:
    # HTTP dates count whole seconds: the stories were last changed an hour ago.
    Story.objects.update(updated_at=timezone.now() - dt.timedelta(hours=1))
    before = _read(client, "/globallead/atom.xml")
    story_withdraw(actor=None, story=stories["curated"], reason="Duplicate.")
    after = client.get("/globallead/atom.xml", headers={"If-None-Match": before["ETag"]})
    assert after.status_code == 200 and b"Harbour Deal Signed" not in after.content
    assert parse_http_date(after["Last-Modified"]) > parse_http_date(before["Last-Modified"])


def test_listing_pages_announce_and_link_their_feeds(
    client: Client, stories: dict[str, Story]
) -> None:
    for page, feeds in [
        ("/", "/"),
        ("/latest", "/"),
        ("/globallead/", "/globallead/"),
        ("/globallead/politics/", "/globallead/politics/"),
    ]:
        html = client.get(page).content.decode()
        for name, mime in [
            ("rss.xml", "application/rss+xml"),
            ("atom.xml", "application/atom+xml"),
            ("feed.json", "application/feed+json"),
        ]:
            head = html.split("</head>")[0]
            assert f'<link rel="alternate" type="{mime}"' in head
            assert f'href="{feeds}{name}"' in head
            body = html.split("<body>")[1]
            assert f'<a href="{feeds}{name}" type="{mime}">' in body


@pytest.mark.parametrize(
    "path", ["/rss.xml", "/globallead/atom.xml", "/globallead/politics/feed.json"]
)
def test_a_feed_costs_the_same_queries_for_three_stories_or_fifty(
    client: Client, section: Any, django_assert_max_num_queries: Any, path: str
) -> None:
    for number in range(3):
        StoryFactory(section=section, headline=f"Early {number}")
    with django_assert_max_num_queries(4) as few:
        _read(client, path)
    for number in range(47):
        StoryFactory(section=section, headline=f"Later {number}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        _read(client, path)
