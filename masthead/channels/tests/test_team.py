"""The channel's team page: only its owner (or staff) appoints and removes."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from masthead.accounts.tests.factories import MemberFactory
from masthead.channels.models import ChannelRole
from masthead.channels.selectors import can_curate, can_moderate
from masthead.channels.services import role_grant

pytestmark = pytest.mark.django_db


def test_the_owner_appoints_and_removes_moderators(channel: Any, member: Any) -> None:
    owner = MemberFactory()
    role_grant(actor=None, channel=channel, user=owner, role=ChannelRole.Role.OWNER)
    client = Client()
    client.force_login(owner)
    team = reverse("channels:team", kwargs={"channel": channel.slug})
    assert client.get(team).status_code == 200
    unknown = client.post(team, {"handle": "nobody-at-all", "role": "moderator"})
    assert unknown.status_code == 422 and "No member has this handle" in unknown.content.decode()
    owner_role = client.post(team, {"handle": member.profile.handle, "role": "owner"})
    assert owner_role.status_code == 422  # owners are appointed by admins
    answer = client.post(team, {"handle": f"@{member.profile.handle}", "role": "moderator"})
    assert answer.status_code == 302
    member.refresh_from_db()
    assert can_moderate(member, channel.pk) and not can_curate(member, channel.pk)
    assert f"@{member.profile.handle}" in client.get(team).content.decode()
    grant = ChannelRole.objects.get(user=member)
    client.post(reverse("channels:team_remove", kwargs={"channel": channel.slug, "pk": grant.pk}))
    member.refresh_from_db()
    assert not can_moderate(member, channel.pk)


def test_curators_and_moderators_do_not_manage_the_team(
    channel: Any, curator_client: Client, curator: Any, member: Any
) -> None:
    team = reverse("channels:team", kwargs={"channel": channel.slug})
    assert curator_client.get(team).status_code == 403
    assert (
        curator_client.post(
            team, {"handle": member.profile.handle, "role": "moderator"}
        ).status_code
        == 403
    )
    grant = ChannelRole.objects.get(user=curator)
    remove = reverse("channels:team_remove", kwargs={"channel": channel.slug, "pk": grant.pk})
    other = Client()
    other.force_login(member)
    assert other.post(remove).status_code == 403
    assert ChannelRole.objects.filter(pk=grant.pk).exists()
