"""Following channels, and a member's home: followed channels' newest stories and replies."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from masthead.channels.models import Follow
from masthead.channels.tests.factories import ChannelFactory, SectionFactory
from masthead.discussion.services import comment_create
from masthead.stories.tests.factories import StoryFactory

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


def test_follow_and_unfollow_with_and_without_javascript(
    channel: Any, member: Any, member_client: Client, client: Client
) -> None:
    follow = reverse("channels:follow", kwargs={"channel": channel.slug})
    assert client.post(follow, {"follow": "1"}).status_code == 302  # to log in
    assert not Follow.objects.exists()
    page = member_client.get(channel.get_absolute_url()).content.decode()
    assert f"Follow {channel.name}" in page
    answer = member_client.post(follow, {"follow": "1"}, **HTMX)
    assert answer.status_code == 200 and f"Following {channel.name}" in answer.content.decode()
    assert member_client.post(follow, {"follow": "1"}).status_code == 302  # twice is once
    assert Follow.objects.filter(member=member, channel=channel).count() == 1
    assert (
        f"Following {channel.name}"
        in member_client.get(channel.get_absolute_url()).content.decode()
    )
    member_client.post(follow, {"follow": "0"})
    assert not Follow.objects.exists()


def test_home_shows_followed_channels_stories_and_replies(
    story: Any, member: Any, other_member: Any, member_client: Client, client: Client
) -> None:
    assert client.get(reverse("pages:home")).status_code == 302
    elsewhere = SectionFactory(channel=ChannelFactory())
    StoryFactory(section=elsewhere, headline="Not followed, not shown")
    home = member_client.get(reverse("pages:home")).content.decode()
    assert "You follow no channel yet" in home
    Follow.objects.create(member=member, channel=story.channel)
    mine, _ = comment_create(actor=member, story=story, body="My view")
    comment_create(actor=other_member, story=story, body="A reply to you", parent=mine)
    comment_create(actor=member, story=story, body="My own reply", parent=mine)
    home = member_client.get(reverse("pages:home")).content.decode()
    assert story.headline in home and "Not followed, not shown" not in home
    assert "A reply to you" in home and "My own reply" not in home
