"""The front page as readers see it: Top and Latest as linked tabs, the large photo slot, the
editors' pins in place, and the channel's page with its curators' pins."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from bs4 import BeautifulSoup
from django.test import Client
from django.utils import timezone

from masthead.discussion.services import comment_create
from masthead.stories import pins
from masthead.stories.models import Story
from masthead.stories.tests.factories import StoryFactory

pytestmark = pytest.mark.django_db

HOUR = dt.timedelta(hours=1)


def soup_of(client: Client, path: str) -> BeautifulSoup:
    response = client.get(path)
    assert response.status_code == 200
    return BeautifulSoup(response.content, "html.parser")


def with_photo(**fields: Any) -> Story:
    return StoryFactory(
        image="stories/2024/05/photo.jpg", image_width=1200, image_height=800, **fields
    )


def order(soup: BeautifulSoup) -> list[str]:
    return [a.get_text(strip=True) for a in soup.select("main h2 a, main h3 a")]


def test_top_and_latest_are_tabs_with_their_own_addresses(client: Client, section: Any) -> None:
    StoryFactory(section=section)
    for path, current in (("/", "Top"), ("/latest", "Latest")):
        tabs = soup_of(client, path).find("nav", attrs={"aria-label": "Front page"})
        links = {a.get_text(strip=True): a for a in tabs.find_all("a")}
        assert {name: a["href"] for name, a in links.items()} == {"Top": "/", "Latest": "/latest"}
        assert [n for n, a in links.items() if a.get("aria-current") == "page"] == [current]


@pytest.mark.parametrize(
    ("path", "to"),
    [
        ("/latest/", "/latest"),
        ("/latest/?page=2", "/latest?page=2"),
        ("/top", "/"),
        ("/top/", "/"),
        ("/top?page=2", "/?page=2"),
    ],
)
def test_the_tabs_other_spellings_move_permanently(client: Client, path: str, to: str) -> None:
    response = client.get(path)
    assert response.status_code == 301
    assert response["Location"] == to


def test_top_ranks_a_discussion_above_newer_quiet_stories_and_latest_does_not(
    client: Client, section: Any, member: Any, other_member: Any
) -> None:
    now = timezone.now()
    discussed = StoryFactory(section=section, headline="Discussed", published_at=now - 6 * HOUR)
    StoryFactory(section=section, headline="Quiet", published_at=now - HOUR)
    for author in (member, other_member):
        comment_create(actor=author, story=discussed, body="Worth reading.")
    assert order(soup_of(client, "/")) == ["Discussed", "Quiet"]
    assert order(soup_of(client, "/latest")) == ["Quiet", "Discussed"]


def test_the_large_slot_goes_to_the_best_ranked_story_with_a_photo(
    client: Client, section: Any
) -> None:
    now = timezone.now()
    StoryFactory(section=section, headline="Newest, no photo", published_at=now - HOUR)
    with_photo(section=section, headline="With a photo", published_at=now - 2 * HOUR)
    with_photo(section=section, headline="Older photo", published_at=now - 3 * HOUR)
    for path in ("/", "/latest", section.channel.get_absolute_url()):
        soup = soup_of(client, path)
        lead = soup.select(".story-card--lead")
        assert len(lead) == 1, path
        assert lead[0].h2.get_text(strip=True) == "With a photo"
        assert lead[0].img is not None
        # The newest still comes first among the others.
        assert order(soup)[1] == "Newest, no photo"


def test_the_large_slots_photo_is_fetched_first_and_the_others_lazily(
    client: Client, section: Any
) -> None:
    now = timezone.now()
    for n in range(6):
        with_photo(section=section, headline=f"Photo {n}", published_at=now - n * HOUR)
    for path in ("/", "/latest", section.channel.get_absolute_url()):
        images = soup_of(client, path).select("main img")
        assert len(images) == 6, path
        lead = images[0]
        assert lead.find_parent(class_="story-card--lead") is not None, path
        assert (lead.get("loading"), lead.get("fetchpriority")) == ("eager", "high"), path
        assert [(img.get("loading"), img.get("fetchpriority")) for img in images[1:]] == [
            ("lazy", None)
        ] * 5, path


def test_without_a_photo_there_is_no_large_lead(client: Client, section: Any) -> None:
    for n in range(5):
        StoryFactory(section=section, headline=f"Story {n}")
    soup = soup_of(client, "/")
    assert not soup.select(".story-card--lead")
    assert len(soup.select(".story-card")) == 3 and len(soup.select(".story-row")) == 2


def test_pinned_stories_take_their_places(client: Client, section: Any, curator: Any) -> None:
    now = timezone.now()
    stories = [
        StoryFactory(section=section, headline=f"Story {n}", published_at=now - n * HOUR)
        for n in range(1, 6)
    ]
    pins.pin_set(actor=None, story=stories[4], front=True, place=2)
    assert order(soup_of(client, "/"))[:3] == ["Story 1", "Story 5", "Story 2"]
    assert order(soup_of(client, "/latest"))[:2] == ["Story 1", "Story 2"]  # Latest: the clock
    pins.pin_set(actor=curator, story=stories[3], front=False, place=1)
    channel_page = order(soup_of(client, section.channel.get_absolute_url()))
    assert channel_page[:2] == ["Story 4", "Story 1"]


def labelled_pinned(soup: BeautifulSoup) -> list[str]:
    return [
        item.select_one("h2 a, h3 a").get_text(strip=True)
        for item in soup.select("main .story-card, main .story-row")
        if item.select_one(".pinned-label")
    ]


def test_a_pinned_story_is_labelled_where_its_pin_holds_it(
    client: Client, section: Any, curator: Any
) -> None:
    now = timezone.now()
    stories = [
        with_photo(section=section, headline=f"Story {n}", published_at=now - n * HOUR)
        for n in range(1, 8)
    ]
    pins.pin_set(actor=None, story=stories[0], front=True, place=1)  # the large slot
    pins.pin_set(actor=None, story=stories[6], front=True, place=6)  # a row
    pins.pin_set(actor=curator, story=stories[4], front=False, place=2)  # a card
    top = soup_of(client, "/")
    assert labelled_pinned(top) == ["Story 1", "Story 7"]
    assert top.select_one(".story-card--lead .pinned-label").get_text(strip=True) == "Pinned"
    assert labelled_pinned(soup_of(client, section.channel.get_absolute_url())) == ["Story 5"]
    assert labelled_pinned(soup_of(client, "/latest")) == []  # Latest has no pins
    assert labelled_pinned(soup_of(client, section.get_absolute_url())) == []


def test_top_pages_on(client: Client, section: Any) -> None:
    for n in range(25):
        StoryFactory(section=section, headline=f"Story {n:02}")
    first, second = soup_of(client, "/"), soup_of(client, "/?page=2")
    assert len(order(first)) == 20 and len(order(second)) == 5
    assert set(order(first)).isdisjoint(order(second))
    assert second.find("a", rel="prev")["href"] == "?page=1"
    assert first.find("a", rel="next").get_text(strip=True) == "Next page"
