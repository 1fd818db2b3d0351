"""Who may appoint whom, and the member flag that lets pages skip the role query."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.test import Client

from masthead.accounts.tests.factories import MemberFactory
from masthead.channels.models import Channel, ChannelRole
from masthead.channels.selectors import can_curate
from masthead.channels.services import channel_create, role_grant, role_revoke

pytestmark = pytest.mark.django_db
CURATOR, OWNER = ChannelRole.Role.CURATOR, ChannelRole.Role.OWNER


def test_only_admins_create_channels(member: Any) -> None:
    with pytest.raises(PermissionDenied):
        channel_create(actor=member, slug="mine", name="Mine")
    staff = MemberFactory()
    staff.is_staff = True
    channel_create(actor=staff, slug="theirs", name="Theirs")
    assert Channel.objects.filter(slug="theirs").exists()


@pytest.mark.parametrize("slug", ["admin", "accounts", "static", "x", "Bad Slug", "-lead"])
def test_reserved_or_malformed_channel_slugs_are_refused(slug: str) -> None:
    with pytest.raises(ValidationError):
        channel_create(actor=None, slug=slug, name="Name")


def test_owners_appoint_curators_and_nobody_else_does(channel: Any, member: Any) -> None:
    owner, outsider = MemberFactory(), MemberFactory()
    role_grant(actor=None, channel=channel, user=owner, role=OWNER)
    with pytest.raises(PermissionDenied):
        role_grant(actor=outsider, channel=channel, user=member, role=CURATOR)
    with pytest.raises(PermissionDenied):
        role_grant(actor=owner, channel=channel, user=member, role=OWNER)
    role_grant(actor=owner, channel=channel, user=member, role=CURATOR)
    assert can_curate(member, channel.pk)
    with pytest.raises(PermissionDenied):
        role_revoke(actor=outsider, channel=channel, user=member, role=CURATOR)
    role_revoke(actor=owner, channel=channel, user=member, role=CURATOR)
    member.refresh_from_db()
    assert not can_curate(member, channel.pk)


def test_the_flag_follows_the_roles(
    channel: Any, member: Any, django_assert_num_queries: Any
) -> None:
    with django_assert_num_queries(0):
        assert not can_curate(member, channel.pk)  # no role anywhere: no query
    role_grant(actor=None, channel=channel, user=member, role=CURATOR)
    member.refresh_from_db()
    assert member.holds_channel_role and can_curate(member, channel.pk)
    role_revoke(actor=None, channel=channel, user=member, role=CURATOR)
    member.refresh_from_db()
    assert not member.holds_channel_role


def test_roles_given_in_the_admin_set_the_flag(channel: Any, member: Any) -> None:
    admin = MemberFactory()
    admin.is_staff = admin.is_superuser = True
    admin.save()
    client = Client()
    client.force_login(admin)
    response = client.post(
        "/admin/channels/channelrole/add/",
        {"channel": channel.pk, "user": member.pk, "role": CURATOR},
    )
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.holds_channel_role
    role = ChannelRole.objects.get(user=member)
    client.post(f"/admin/channels/channelrole/{role.pk}/delete/", {"post": "yes"})
    member.refresh_from_db()
    assert not member.holds_channel_role


def test_createchannel_command(member: Any, capsys: Any) -> None:
    call_command(
        "createchannel",
        "citydesk",
        "City Desk",
        "--owner",
        member.email,
        "--section",
        "housing:Housing",
        "--section",
        "transport:Transport",
    )
    channel = Channel.objects.get(slug="citydesk")
    assert [s.slug for s in channel.sections.all()] == ["housing", "transport"]
    member.refresh_from_db()
    assert can_curate(member, channel.pk)
    assert "/citydesk/" in capsys.readouterr().out
