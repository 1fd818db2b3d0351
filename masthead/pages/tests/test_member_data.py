"""A member's data: the JSON download, deleting the account (comments become tombstones of a
deleted member, numbers unchanged), and a channel owner's CSV of the channel's members."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from masthead.accounts.models import User
from masthead.accounts.tests.factories import PASSWORD, MemberFactory
from masthead.channels.models import ChannelRole, Follow
from masthead.channels.services import role_grant
from masthead.discussion import services as discussion
from masthead.discussion.models import Comment, Reaction
from masthead.notifications import services as notifications
from masthead.stories.models import Story

pytestmark = pytest.mark.django_db


def test_the_download_holds_everything_about_the_member(
    story: Story, member: Any, other_member: Any, member_client: Client
) -> None:
    mine, _ = discussion.comment_create(actor=member, story=story, body="My *words*")
    theirs, _ = discussion.comment_create(actor=other_member, story=story, body="Theirs")
    discussion.reaction_toggle(actor=member, comment=theirs)
    discussion.comment_report(actor=member, comment=theirs, reason="spam")
    Follow.objects.create(member=member, channel=story.channel)
    reply, _ = discussion.comment_create(actor=other_member, story=story, body="Re", parent=mine)
    notifications.notify_for_comment(reply.pk)
    notifications.preferences_update(member, mention="off", digest=True)
    answer = member_client.get(reverse("pages:member_data"))
    assert answer.status_code == 200 and "attachment" in answer["Content-Disposition"]
    data = json.loads(answer.content)
    assert data["account"]["email"] == member.email
    assert data["profile"]["handle"] == member.profile.handle
    assert [c["text"] for c in data["comments"]] == ["My *words*"]
    assert data["comments"][0]["number"] == mine.number
    assert len(data["reactions"]) == 1 and data["reports"][0]["reason"] == "spam"
    assert data["follows"][0]["channel"] == story.channel.name
    assert [n["kind"] for n in data["notifications"]] == ["reply"]
    assert data["notifications"][0]["comment"].endswith("#" + reply.anchor)
    settings = data["notification_settings"]
    assert settings["mention"] == "off" and settings["reply"] == "email" and settings["digest"]
    assert Client().get(reverse("pages:member_data")).status_code == 302


def test_deleting_the_account_leaves_tombstones_with_their_numbers(
    story: Story, member: Any, other_member: Any, member_client: Client, client: Client
) -> None:
    first, _ = discussion.comment_create(actor=member, story=story, body="Going away soon")
    reply, _ = discussion.comment_create(
        actor=other_member, story=story, body="Stay!", parent=first
    )
    discussion.reaction_toggle(actor=member, comment=reply)
    delete = reverse("pages:member_delete")
    wrong = member_client.post(delete, {"password": "not it"})
    assert wrong.status_code == 422 and "not your password" in wrong.content.decode()
    assert member_client.post(delete, {"password": PASSWORD}).status_code == 302
    assert not User.objects.filter(pk=member.pk).exists()
    first.refresh_from_db()
    assert first.author_id is None and first.body_source == "" and first.number == "No. 1-1"
    assert Comment.objects.get(pk=reply.pk).reaction_count == 0
    assert not Reaction.objects.exists()
    story.refresh_from_db()
    assert story.comment_count == 1
    page = client.get(story.get_absolute_url()).content.decode()
    assert "deleted member" in page and "Going away soon" not in page and "Stay!" in page


def test_the_owner_exports_the_channels_members_as_csv(
    story: Story, member: Any, other_member: Any, member_client: Client
) -> None:
    owner = MemberFactory(handle="theowner")
    role_grant(actor=None, channel=story.channel, user=owner, role=ChannelRole.Role.OWNER)
    follower = MemberFactory(handle="justfollows", display_name="=HYPERLINK(evil)")
    Follow.objects.create(member=follower, channel=story.channel)
    comment, _ = discussion.comment_create(actor=member, story=story, body="One")
    discussion.comment_create(actor=member, story=story, body="Two")
    discussion.reaction_toggle(actor=other_member, comment=comment)
    url = reverse("pages:channel_members", kwargs={"channel": story.channel.slug})
    assert member_client.get(url).status_code == 403
    client = Client()
    client.force_login(owner)
    answer = client.get(url)
    assert answer.status_code == 200 and answer["Content-Type"].startswith("text/csv")
    rows = {row["handle"]: row for row in csv.DictReader(io.StringIO(answer.content.decode()))}
    assert set(rows) == {member.profile.handle, other_member.profile.handle, "justfollows"}
    assert rows[member.profile.handle]["comments"] == "2"
    assert rows[other_member.profile.handle]["reactions"] == "1"
    assert rows["justfollows"]["following"] == "yes"
    assert rows["justfollows"]["display_name"].startswith("'=")  # no formula runs
    assert "@" not in answer.content.decode().split("\n", 1)[1].replace("'", "")
