"""Appointments made in the admin are the services' appointments: logged once, and only
when something was appointed or dismissed."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from masthead.accounts.tests.factories import MemberFactory
from masthead.channels import services as channels
from masthead.channels.models import ChannelRole
from masthead.channels.selectors import can_moderate
from masthead.core.tests.adminforms import admin_form_data
from masthead.moderation.models import LogEntry

pytestmark = pytest.mark.django_db
CURATOR, MODERATOR = ChannelRole.Role.CURATOR, ChannelRole.Role.MODERATOR


@pytest.fixture
def admin_client(db: Any) -> Client:
    admin = MemberFactory(handle="site_admin")
    admin.is_staff = admin.is_superuser = True
    admin.save()
    client = Client()
    client.force_login(admin)
    return client


def logged() -> list[tuple[str, str, int | None]]:
    return list(LogEntry.objects.order_by("id").values_list("actor_role", "action", "target_user"))


def post_change(client: Client, url: str, **changes: Any) -> None:
    data = admin_form_data(client.get(url).content)
    for name, value in changes.items():
        if value is None:
            data.pop(name, None)  # an unticked box is not sent
        else:
            data[name] = value
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]


def test_a_site_moderator_appointed_in_the_admin_is_logged(
    admin_client: Client, member: Any
) -> None:
    url = f"/admin/accounts/user/{member.pk}/change/"
    post_change(admin_client, url, is_site_moderator="on")
    member.refresh_from_db()
    assert member.is_site_moderator
    assert logged() == [("staff", "appoint moderator", member.pk)]

    post_change(admin_client, url)  # saved again as it is: nothing to log
    assert len(logged()) == 1

    post_change(admin_client, url, is_site_moderator=None)
    member.refresh_from_db()
    assert not member.is_site_moderator
    assert logged()[1:] == [("staff", "dismiss moderator", member.pk)]


def test_a_role_saved_unchanged_in_the_admin_dismisses_and_appoints_no_one(
    admin_client: Client, channel: Any, member: Any
) -> None:
    role = channels.role_grant(actor=None, channel=channel, user=member, role=CURATOR)
    url = f"/admin/channels/channelrole/{role.pk}/change/"
    post_change(admin_client, url)
    assert logged() == [("operator", "appoint curator", member.pk)]
    assert ChannelRole.objects.get(user=member).pk == role.pk

    post_change(admin_client, url, role=MODERATOR)
    assert logged()[1:] == [
        ("staff", "dismiss curator", member.pk),
        ("staff", "appoint moderator", member.pk),
    ]
    assert list(ChannelRole.objects.filter(user=member).values_list("role", flat=True)) == [
        MODERATOR
    ]
    member.refresh_from_db()  # and the member moderates now, as the role says
    assert member.holds_channel_role and can_moderate(member, channel.pk)
