"""The story page: every element of the reference page, in its order, and its URL rules."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from bs4 import BeautifulSoup
from django.test import Client
from django.utils import timezone

from masthead.discussion.services import comment_create
from masthead.stories.models import Story
from masthead.stories.services import story_create, story_publish, story_withdraw
from masthead.stories.tests.factories import StoryFactory

pytestmark = pytest.mark.django_db

PACIFIC = ZoneInfo("America/Los_Angeles")


@pytest.fixture
def curated(section: Any, member: Any, other_member: Any) -> Story:
    story = story_create(
        actor=None,
        channel=section.channel,
        section=section,
        kind=Story.Kind.CURATED,
        headline="Ferry Service Tests Ties Between Neighbours",
        byline="Ilse Marten",
        time_zone="America/Los_Angeles",
        excerpt="A new ferry runs at a loss.",
        body="The ferry sailed nine times.\n\n## Migrant Workers\n\nText.\n\n"
        "> “We were in a hurry,” said the operator.\n\n## Trade Routes\n\nMore text.",
        original_url="https://ledger.example/2017/07/ferry",
        source_name="The Example Ledger",
        image_caption="The ferry in port on May 18",
        image_credit="Photographer: Jo Park/Agency",
        image_alt="A white ferry at a quay",
    )
    story = story_publish(
        actor=None, story=story, at=dt.datetime(2017, 7, 25, 14, 1, tzinfo=PACIFIC)
    )
    first, _ = comment_create(actor=member, story=story, body="Lets hope for the best.")
    comment_create(actor=other_member, story=story, body="Agreed.", parent=first)
    StoryFactory(
        section=section,
        headline="An Older Story",
        published_at=dt.datetime(2017, 7, 1, tzinfo=PACIFIC),
    )
    StoryFactory(
        section=section,
        headline="A Newer Story",
        published_at=dt.datetime(2017, 7, 20, tzinfo=PACIFIC),
    )
    return story


def test_story_page_shows_every_element_of_the_reference_page_in_order(
    client: Client, curated: Story
) -> None:
    response = client.get(curated.get_absolute_url())
    assert response.status_code == 200
    soup = BeautifulSoup(response.content, "html.parser")
    main = soup.find("main")

    h1 = main.find_all("h1")
    assert [h.get_text(strip=True) for h in h1] == ["Ferry Service Tests Ties Between Neighbours"]
    assert main.find(class_="byline").get_text(strip=True) == "By Ilse Marten"
    time = main.find("time")
    assert time.get_text(strip=True) == "July 25, 2017, 2:01 PM PDT"
    assert dt.datetime.fromisoformat(time["datetime"]) == dt.datetime(
        2017, 7, 25, 21, 1, tzinfo=dt.UTC
    )
    subheadings = [h.get_text(strip=True) for h in main.select(".story-body h2")]
    assert subheadings == ["Migrant Workers", "Trade Routes"]
    read_full = main.find("a", string="Read full story")
    assert read_full["href"] == "https://ledger.example/2017/07/ferry"
    assert "The Example Ledger" in read_full.parent.get_text()
    comments = main.find(id="comments")
    assert comments.find("h2").get_text(" ", strip=True) == "Comments (2)"
    numbers = [a.get_text(strip=True) for a in comments.select(".comment-number")]
    assert numbers == ["No. 1-1", "No. 1-2"]
    first = comments.select_one("#comment-1-1")
    assert first.select_one(".display-name").get_text() == "Reader One"
    assert first.select_one(".handle").get_text() == "@reader_one"
    assert first.select_one(".comment-author")["href"] == "/@reader_one"
    assert comments.select_one(".login-prompt") is not None
    more = main.find("h2", string="Stories").parent
    assert [a.get_text() for a in more.select(".more-stories__headline")] == [
        "A Newer Story",
        "An Older Story",
    ]

    # The reference page's order: headline, byline, time, ..., Read full story, comments, Stories.
    text = main.get_text(" ")
    order = [
        "Ferry Service Tests",
        "By Ilse Marten",
        "July 25, 2017, 2:01 PM PDT",
        "Migrant Workers",
        "Trade Routes",
        "Read full story",
        "No. 1-1",
        "Stories",
        "A Newer Story",
    ]
    positions = [text.index(part) for part in order]
    assert positions == sorted(positions)


def test_lead_photo_is_a_figure_with_caption_and_credit(client: Client, section: Any) -> None:
    from io import BytesIO

    from PIL import Image

    buffer = BytesIO()
    Image.new("RGB", (800, 500), "steelblue").save(buffer, "JPEG")
    buffer.seek(0)
    story = story_create(
        actor=None,
        channel=section.channel,
        section=section,
        headline="With a Photo",
        body="Body.",
        time_zone="UTC",
        image=buffer,
        image_caption="Caption text",
        image_credit="Photographer: Jo Park/Agency",
        image_alt="Blue",
    )
    story = story_publish(actor=None, story=story)
    soup = BeautifulSoup(client.get(story.get_absolute_url()).content, "html.parser")
    figure = soup.select_one("main figure")
    assert figure.img["alt"] == "Blue"
    assert figure.img["src"].startswith("/media/stories/")
    # The largest thing on the first screen: fetched first, never lazily.
    assert (figure.img.get("loading"), figure.img.get("fetchpriority")) == ("eager", "high")
    assert figure.figcaption.get_text(" ", strip=True) == (
        "Caption text Photographer: Jo Park/Agency"
    )


def test_old_slug_redirects_permanently_to_the_canonical_url(client: Client, story: Story) -> None:
    key = story.public_key
    for path in (
        f"/{story.channel.slug}/{story.section.slug}/an-old-headline-{key}/",
        f"/{story.channel.slug}/{story.section.slug}/{key}/",
    ):
        response = client.get(path + "?ref=x")
        assert response.status_code == 301
        assert response["Location"] == story.get_absolute_url() + "?ref=x"


def test_story_moved_to_another_section_redirects(client: Client, story: Story) -> None:
    from masthead.channels.tests.factories import SectionFactory

    old = story.get_absolute_url()
    story.section = SectionFactory(channel=story.channel, slug="world")
    story.save()
    response = client.get(old)
    assert response.status_code == 301
    assert response["Location"] == story.get_absolute_url()


@pytest.mark.parametrize("key", ["AAAAAAAAAAAAAAAAAAAAAA", "aIXD1zdl0ES8RBwLJUfqcR"])
def test_unknown_or_non_canonical_id_is_a_404_page(client: Client, story: Story, key: str) -> None:
    response = client.get(f"/{story.channel.slug}/{story.section.slug}/some-slug-{key}/")
    assert response.status_code == 404
    assert b"No such story" in response.content and b"Page not found" not in response.content


def test_withdrawn_story_is_410_with_the_notice(client: Client, story: Story) -> None:
    story = story_withdraw(actor=None, story=story, reason="The figures in it were wrong.")
    response = client.get(story.get_absolute_url())
    assert response.status_code == 410
    assert b"This story has been withdrawn" in response.content
    assert b"The figures in it were wrong." in response.content


def test_drafts_are_invisible_to_readers_and_members_but_not_to_curators(
    client: Client, member_client: Client, curator_client: Client, story: Story
) -> None:
    story.status = Story.Status.DRAFT
    story.save()
    url = story.get_absolute_url()
    assert client.get(url).status_code == 404
    assert member_client.get(url).status_code == 404
    response = curator_client.get(url)
    assert response.status_code == 200
    assert b"Not visible to readers" in response.content
    assert story.headline not in client.get("/").content.decode()


def test_scheduled_story_appears_at_its_time(client: Client, story: Story) -> None:
    later = timezone.now() + dt.timedelta(hours=1)
    story = story_publish(actor=None, story=story, at=later)
    assert story.status == Story.Status.SCHEDULED
    assert client.get(story.get_absolute_url()).status_code == 404
    assert story.headline not in client.get("/").content.decode()
    story.published_at = timezone.now() - dt.timedelta(seconds=1)  # the time has come
    story.save()
    assert client.get(story.get_absolute_url()).status_code == 200


def test_story_page_with_200_comments_runs_a_constant_number_of_queries(
    django_assert_num_queries: Any, member: Any, other_member: Any, story: Story
) -> None:
    client = Client()
    client.force_login(member)
    for _ in range(8):
        StoryFactory(section=story.section)  # the "Stories" list is full
    for thread in range(40):
        opening, _ = comment_create(actor=member, story=story, body=f"Thread {thread}")
        for reply in range(4):
            comment_create(
                actor=other_member if reply % 2 else member,
                story=story,
                body=f"Reply {reply}",
                parent=opening,
            )
    url = story.get_absolute_url()
    client.get(url)  # warm the navigation cache
    # the member with their profile, the story, their own comments; the session,
    # the other members' rendered comments and the "Stories" list come from the cache
    with django_assert_num_queries(3):
        response = client.get(url)
    assert response.content.decode().count('class="comment-number"') == 200
    assert re.search(r"200 comments", response.content.decode())


def test_listing_pages_run_a_constant_number_of_queries(
    django_assert_num_queries: Any, client: Client, section: Any
) -> None:
    from masthead.channels.tests.factories import SectionFactory

    other = SectionFactory(channel=section.channel)
    for n in range(25):
        StoryFactory(section=section if n % 2 else other)
    client.get("/")  # warm the navigation cache
    # Top: the best-ranked ids, the pins, the count, the first places, the rest of the page
    with django_assert_num_queries(5):
        client.get("/")
    with django_assert_num_queries(4):  # a later page needs no first places
        client.get("/?page=2")
    with django_assert_num_queries(2):  # Latest: count, page of stories
        client.get("/latest")
    with django_assert_num_queries(5):  # channel, its sections, its pins, count, page
        client.get(section.channel.get_absolute_url())
    with django_assert_num_queries(3):  # section with its channel, count, page
        client.get(section.get_absolute_url())


def test_publishing_refreshes_the_stories_list_of_the_channel(
    client: Client, story: Story, django_capture_on_commit_callbacks: Any
) -> None:
    assert "A Story Published Later" not in client.get(story.get_absolute_url()).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        later = story_create(
            actor=None,
            channel=story.channel,
            section=story.section,
            headline="A Story Published Later",
            body="Text.",
        )
        later = story_publish(actor=None, story=later)
    assert "A Story Published Later" in client.get(story.get_absolute_url()).content.decode()


def test_the_comments_heading_reads_its_count_once(client: Client, curated: Story) -> None:
    def heading() -> str:
        page = BeautifulSoup(client.get(curated.get_absolute_url()).content, "html.parser")
        return " ".join(page.find(id="comments-heading").get_text(" ").split())

    assert heading() == "Comments (2)"
    empty = StoryFactory(section=curated.section, headline="Nothing Said Yet")
    page = BeautifulSoup(client.get(empty.get_absolute_url()).content, "html.parser")
    assert page.find(id="comments-heading").get_text(strip=True) == "Comments"
