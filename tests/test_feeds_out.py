"""Masthead's feeds read by Masthead's own feed ingest: every feed parses without a
problem, and a channel subscribed to another channel's feed (served from 127.0.0.1) gets
its stories in its review queue with headline, byline, photo and caption intact."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from PIL import Image

from masthead.channels.tests.factories import ChannelFactory, SectionFactory
from masthead.core.tests.webserver import Reply
from masthead.ingest import services
from masthead.ingest.feeds import parse_feed
from masthead.ingest.models import Candidate, Item
from masthead.ingest.polling import FeedPoller
from masthead.stories.models import Story
from masthead.stories.services import story_create, story_publish

NAMES = ("rss.xml", "atom.xml", "feed.json")


def _photo() -> io.BytesIO:
    data = io.BytesIO()
    Image.new("RGB", (80, 60), (200, 120, 40)).save(data, "JPEG")
    data.seek(0)
    data.name = "harbour.jpg"
    return data


@pytest.fixture
def published(section: Any) -> Story:
    story = story_create(
        actor=None,
        channel=section.channel,
        section=section,
        headline="Harbour Crane Returns After Storm",
        byline="Ada Lindqvist",
        body="<p>The crane is back.</p>",
        excerpt="The crane is back on the quay.",
        image=_photo(),
        image_caption="The crane at the north quay.",
        image_credit="Photo: Bo Berg",
    )
    return story_publish(actor=None, story=story, at=timezone.now() - dt.timedelta(hours=1))


@pytest.mark.django_db
@pytest.mark.parametrize("name", NAMES)
def test_masthead_reads_its_own_feeds_without_a_problem(
    client: Client, published: Story, member: Any, name: str
) -> None:
    for base in ("/", "/globallead/", "/globallead/politics/"):
        response = client.get(base + name)
        parsed = parse_feed(
            response.content, url="http://testserver" + base + name,
            content_type=response["Content-Type"],
        )  # fmt: skip
        assert parsed.problem == "", (base + name, parsed.problem)
        item = parsed.items[0]
        assert item.title == "Harbour Crane Returns After Storm"
        assert item.author == "Ada Lindqvist"
        assert item.url == "http://testserver" + published.get_absolute_url()
        assert item.image_url == "http://testserver" + published.image.url
        assert "The crane at the north quay." in item.summary_html


# The poller works in threads, each with its own database connection: these tests commit.
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("name", NAMES)
def test_another_channel_subscribed_to_a_feed_gets_its_stories_to_review(
    client: Client, published: Story, web: Any, name: str
) -> None:
    response = client.get(f"/globallead/{name}")
    url = web.route(
        f"/globallead/{name}",
        Reply(200, response.content, {"Content-Type": response["Content-Type"]}),
    )
    desk = ChannelFactory(slug="citydesk", name="City Desk")
    SectionFactory(channel=desk, slug="harbour", name="Harbour")
    services.feed_add(actor=None, channel=desk, url=url)
    assert FeedPoller(threads=1, name="test").run_round() == 1
    item = Item.objects.get()
    assert item.title == "Harbour Crane Returns After Storm"
    assert item.author == "Ada Lindqvist"
    assert item.image_url == "http://testserver" + published.image.url
    assert "The crane at the north quay." in item.summary
    assert "Photo: Bo Berg" in item.summary
    candidate = Candidate.objects.get()
    assert candidate.channel == desk and candidate.item == item
