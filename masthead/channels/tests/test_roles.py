"""Who may appoint whom, and the member flag that lets pages skip the role query."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.test import Client

from masthead.accounts.tests.factories import MemberFactory
from masthead.channels.models import Channel, ChannelRole
from masthead.channels.selectors import (
    can_curate,
    can_moderate,
    channels_moderated_by,
    moderator_role,
)
from masthead.channels.services import (
    channel_create,
    role_grant,
    role_revoke,
    site_moderator_set,
)
from masthead.channels.tests.factories import ChannelFactory

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


MODERATOR = ChannelRole.Role.MODERATOR


def test_owners_appoint_moderators_who_moderate_but_do_not_curate(
    channel: Any, member: Any
) -> None:
    owner, curator, elsewhere = MemberFactory(), MemberFactory(), ChannelFactory()
    role_grant(actor=None, channel=channel, user=owner, role=OWNER)
    role_grant(actor=None, channel=channel, user=curator, role=CURATOR)
    with pytest.raises(PermissionDenied):
        role_grant(actor=curator, channel=channel, user=member, role=MODERATOR)
    role_grant(actor=owner, channel=channel, user=member, role=MODERATOR)
    member.refresh_from_db()
    assert can_moderate(member, channel.pk) and not can_curate(member, channel.pk)
    assert moderator_role(member, channel.pk) == "moderator"
    assert not can_moderate(member, elsewhere.pk)
    assert list(channels_moderated_by(member)) == [channel]
    other_owner = MemberFactory()
    role_grant(actor=None, channel=elsewhere, user=other_owner, role=OWNER)
    with pytest.raises(PermissionDenied):  # an owner of another channel has no say here
        role_revoke(actor=other_owner, channel=channel, user=member, role=MODERATOR)
    role_revoke(actor=owner, channel=channel, user=member, role=MODERATOR)
    member.refresh_from_db()
    assert not can_moderate(member, channel.pk) and not member.holds_channel_role


def test_owners_and_curators_moderate_too(channel: Any) -> None:
    owner, curator = MemberFactory(), MemberFactory()
    role_grant(actor=None, channel=channel, user=owner, role=OWNER)
    role_grant(actor=None, channel=channel, user=curator, role=CURATOR)
    for user, role in ((owner, "owner"), (curator, "curator")):
        user.refresh_from_db()
        assert moderator_role(user, channel.pk) == role


def test_admins_appoint_site_moderators_who_moderate_every_channel(
    channel: Any, member: Any
) -> None:
    admin, other = MemberFactory(), MemberFactory()
    admin.is_staff = True
    elsewhere = ChannelFactory()
    with pytest.raises(PermissionDenied):
        site_moderator_set(actor=other, user=member, value=True)
    site_moderator_set(actor=admin, user=member, value=True)
    member.refresh_from_db()
    assert can_moderate(member, channel.pk) and can_moderate(member, elsewhere.pk)
    assert moderator_role(member, channel.pk) == "site moderator"
    assert not can_curate(member, channel.pk)
    site_moderator_set(actor=admin, user=member, value=False)
    member.refresh_from_db()
    assert not can_moderate(member, channel.pk)


def test_a_suspended_account_moderates_nothing(channel: Any, member: Any) -> None:
    role_grant(actor=None, channel=channel, user=member, role=MODERATOR)
    member.refresh_from_db()
    member.is_active = False
    assert not can_moderate(member, channel.pk)
    assert moderator_role(AnonymousUser(), channel.pk) is None


def test_a_member_without_roles_costs_no_query(
    channel: Any, member: Any, django_assert_num_queries: Any
) -> None:
    with django_assert_num_queries(0):
        assert not can_moderate(member, channel.pk)
