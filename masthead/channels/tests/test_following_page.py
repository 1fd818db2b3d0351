"""A member's list of the channels they follow (/accounts/following/): each to unfollow, the
others to follow, with the button a channel's page has; without JavaScript it comes back."""

from __future__ import annotations

from typing import Any

import pytest
from bs4 import BeautifulSoup
from django.test import Client
from django.urls import reverse

from masthead.channels.selectors import follows
from masthead.channels.services import follow_set
from masthead.channels.tests.factories import ChannelFactory

pytestmark = pytest.mark.django_db


def test_a_member_lists_unfollows_and_follows_channels(
    member_client: Client, member: Any, channel: Any
) -> None:
    other = ChannelFactory(name="Field Notes", slug="fieldnotes")
    follow_set(actor=member, channel=channel, following=True)
    page = BeautifulSoup(member_client.get(reverse("channels:following")).content, "html.parser")
    lists = page.select("ul.channel-follows")
    assert [a.get_text() for a in lists[0].select("li > a")] == [channel.name]
    assert [a.get_text() for a in lists[1].select("li > a")] == ["Field Notes"]
    assert lists[0].find("button").get_text(strip=True) == f"Following {channel.name}"

    url = reverse("channels:follow", kwargs={"channel": channel.slug})
    answer = member_client.post(url, {"follow": "0", "back": "following"})
    assert answer.status_code == 302 and answer["Location"] == reverse("channels:following")
    assert not follows(member, channel.pk)
    member_client.post(reverse("channels:follow", kwargs={"channel": other.slug}), {"follow": "1"})
    assert follows(member, other.pk)


def test_the_list_is_a_members(client: Client, db: Any) -> None:
    assert client.get(reverse("channels:following")).status_code == 302
