"""A story page as crawlers and link previews read it: its JSON-LD (NewsArticle and
BreadcrumbList, in schema.org 12.0 terms only), its OpenGraph and Twitter tags, and the
canonical link every page has; hostile headlines and bylines stay inert inside the JSON."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any
from urllib.parse import parse_qs, urlsplit
from zoneinfo import ZoneInfo

import lxml.html
import pytest
from django.test import Client

from conftest import shared_data
from masthead.stories.models import HEADLINE_MAX_LENGTH, Story
from masthead.stories.services import story_withdraw
from masthead.stories.tests.factories import StoryFactory

from .schemaorg import check

pytestmark = pytest.mark.django_db

BASE = "http://testserver"


def _page(client: Client, path: str) -> Any:
    response = client.get(path)
    assert response.status_code == 200, path
    return lxml.html.fromstring(response.content)


def _graph(page: Any) -> dict[str, dict[str, Any]]:
    scripts = page.xpath('//script[@type="application/ld+json"]')
    assert len(scripts) == 1
    document = json.loads(scripts[0].text)
    assert document["@context"] == "https://schema.org"
    types = [node["@type"] for node in document["@graph"]]
    assert sorted(types) == ["BreadcrumbList", "NewsArticle"], types
    return {node["@type"]: node for node in document["@graph"]}


def _meta(page: Any) -> dict[str, str]:
    found = {}
    for element in page.xpath("//head/meta[@property or @name]"):
        key = element.get("property") or element.get("name")
        assert key not in found, f"{key} twice"
        found[key] = element.get("content")
    return found


def _canonical(page: Any) -> str:
    links = page.xpath('//head/link[@rel="canonical"]')
    assert len(links) == 1
    return links[0].get("href")


def test_an_original_storys_news_article(client: Client, stories: dict[str, Story]) -> None:
    story = stories["original"]
    url = BASE + story.get_absolute_url()
    page = _page(client, story.get_absolute_url())
    graph = _graph(page)
    article = graph["NewsArticle"]
    assert article["headline"] == "Ferry Council Votes <Yes> & Moves On"
    assert article["url"] == url and article["mainEntityOfPage"] == {"@type": "WebPage", "@id": url}
    # Times in the story's own zone, to the second, as its page gives them.
    published = dt.datetime.fromisoformat(article["datePublished"])
    zone = ZoneInfo("America/Los_Angeles")
    assert published == story.published_at.replace(microsecond=0)
    assert published.utcoffset() == story.published_at.astimezone(zone).utcoffset()
    assert dt.datetime.fromisoformat(article["dateModified"]) >= published
    assert [a["name"] for a in article["author"]] == ["Ada Lindqvist", "Bo Berg"]
    for author in article["author"]:
        assert author["@type"] == "Person"
        query = parse_qs(urlsplit(author["url"]).query)
        assert author["url"].startswith(BASE + "/search?") and query["q"] == [f'"{author["name"]}"']
        assert client.get(author["url"].removeprefix(BASE)).status_code == 200
    image = article["image"]
    assert image["@type"] == "ImageObject" and image["url"] == BASE + story.image.url
    assert (image["width"], image["height"]) == (64, 48)
    assert image["caption"] == "The ferry at dawn." and image["creditText"] == "Photo: Cy Chen"
    publisher = article["publisher"]
    assert publisher["@type"] == "Organization" and publisher["name"] == "Masthead"
    assert publisher["url"] == BASE + "/"
    logo = client.get(publisher["logo"]["url"].removeprefix(BASE))
    assert logo.status_code == 200
    assert article["articleSection"] == "Politics" and article["inLanguage"] == "en-US"
    assert article["commentCount"] == story.comment_count == 0
    assert article["description"] == "The council met on Tuesday."
    assert "isBasedOn" not in article
    crumbs = graph["BreadcrumbList"]["itemListElement"]
    assert [(c["position"], c["name"], c["item"]) for c in crumbs] == [
        (1, "Masthead", BASE + "/"),
        (2, "Global Lead", BASE + "/globallead/"),
        (3, "Politics", BASE + "/globallead/politics/"),
    ]
    assert check(list(graph.values())) == []


def test_a_curated_story_is_based_on_the_original(
    client: Client, stories: dict[str, Story]
) -> None:
    story = stories["curated"]
    article = _graph(_page(client, story.get_absolute_url()))["NewsArticle"]
    assert article["isBasedOn"]["url"] == "https://ledger.example/harbour-deal"
    assert article["isBasedOn"]["publisher"] == {
        "@type": "Organization",
        "name": "The Example Ledger",
        "url": "https://ledger.example/",
    }
    assert "author" not in article and "image" not in article  # a byline of no one
    assert check(article) == []


def test_the_schema_check_finds_what_schema_org_lacks() -> None:
    # The check can fail: an invented property, a real one on the wrong type, a range.
    assert check({"@type": "NewsArticle", "headline": "x"}) == []
    assert check({"@type": "NewsArticle", "headlines": "x"}) == [
        ".headlines: no property 'headlines'"
    ]
    assert check({"@type": "Person", "articleSection": "x"}) == [
        ".articleSection: not a property of Person"
    ]
    assert check({"@type": "NewsArticle", "author": {"@type": "ImageObject"}}) == [
        ".author: a ImageObject is not its range"
    ]
    assert check({"@type": "NewsArticel"}) == [": no type 'NewsArticel'"]


def test_link_preview_tags(client: Client, stories: dict[str, Story]) -> None:
    story = stories["original"]
    url = BASE + story.get_absolute_url()
    page = _page(client, story.get_absolute_url() + "?sort=newest&utm_source=x")
    meta = _meta(page)
    assert _canonical(page) == url
    assert meta["og:type"] == "article" and meta["og:url"] == url
    assert meta["og:title"] == "Ferry Council Votes <Yes> & Moves On"
    assert meta["og:site_name"] == "Masthead"
    assert meta["og:description"] == "The council met on Tuesday."
    assert meta["og:image"] == BASE + story.image.url
    assert (meta["og:image:width"], meta["og:image:height"]) == ("64", "48")
    assert meta["og:image:alt"] == "A ferry on grey water"
    assert dt.datetime.fromisoformat(meta["article:published_time"]) == story.published_at.replace(
        microsecond=0
    )
    assert meta["article:section"] == "Politics"
    assert meta["twitter:card"] == "summary_large_image"
    assert meta["twitter:image"] == meta["og:image"]
    assert "robots" not in meta
    without_photo = _meta(_page(client, stories["curated"].get_absolute_url()))
    assert without_photo["twitter:card"] == "summary" and "og:image" not in without_photo


def test_a_draft_seen_by_its_curator_is_not_for_indexing(
    curator_client: Client, stories: dict[str, Story]
) -> None:
    meta = _meta(_page(curator_client, stories["draft"].get_absolute_url()))
    assert meta["robots"] == "noindex"


@pytest.mark.parametrize(
    ("path", "canonical"),
    [
        ("/", "/"),
        ("/latest?page=2&utm_campaign=x", "/latest?page=2"),
        ("/latest?page=1", "/latest"),
        ("/globallead/", "/globallead/"),
        ("/globallead/politics/?page=abc", "/globallead/politics/"),
        ("/search?q=ferry", "/search"),
        ("/accounts/login/?next=/", "/accounts/login/"),
        ("/accounts/signup/", "/accounts/signup/"),
    ],
)
def test_every_page_names_its_canonical_address(
    client: Client, stories: dict[str, Story], path: str, canonical: str
) -> None:
    page = _page(client, path)
    assert _canonical(page) == BASE + canonical
    assert _meta(page)["og:url"] == BASE + canonical


def test_hostile_headlines_and_bylines_stay_inside_the_json(client: Client, section: Any) -> None:
    strings: list[str] = json.loads(shared_data("xss/blns/blns.json").read_text(encoding="utf-8"))
    for number, text in enumerate(strings):
        headline = text[:HEADLINE_MAX_LENGTH].strip() or "Blank"
        story = StoryFactory(
            section=section,
            headline=headline,
            slug=f"hostile-{number}",
            byline=text[:200],
            excerpt=text,
        )
        response = client.get(story.get_absolute_url())
        assert response.status_code == 200, number
        html = response.content.decode()
        script = html.split('<script type="application/ld+json">', 1)[1]
        # The element ends where the page meant it to: the JSON's text has no way out.
        body, _end, _rest = script.partition("</script>")
        assert "<" not in body and ">" not in body, number
        article = json.loads(body)["@graph"][0]
        assert article["headline"] == headline, number
        page = lxml.html.fromstring(response.content)
        assert len(page.xpath('//script[@type="application/ld+json"]')) == 1, number


def test_a_members_story_page_carries_the_same_data(
    member_client: Client, client: Client, stories: dict[str, Story]
) -> None:
    path = stories["original"].get_absolute_url()
    assert _graph(_page(member_client, path)) == _graph(_page(client, path))


def test_a_story_page_announces_its_channels_feeds(
    client: Client, stories: dict[str, Story]
) -> None:
    page = _page(client, stories["original"].get_absolute_url())
    feeds = {
        link.get("type"): link.get("href") for link in page.xpath('//head/link[@rel="alternate"]')
    }
    assert feeds == {
        "application/rss+xml": "/globallead/rss.xml",
        "application/atom+xml": "/globallead/atom.xml",
        "application/feed+json": "/globallead/feed.json",
    }


def test_an_error_page_names_no_canonical_address(
    client: Client, stories: dict[str, Story]
) -> None:
    story = stories["curated"]
    story_withdraw(actor=None, story=story, reason="Wrong source.")
    for path, status in [("/no-such-channel/", 404), (story.get_absolute_url(), 410)]:
        response = client.get(path)
        assert response.status_code == status, path
        head = lxml.html.fromstring(response.content).find("head")
        assert not head.xpath('link[@rel="canonical"] | meta[starts-with(@property, "og:")]')
