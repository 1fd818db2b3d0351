"""A site-wide full ban: the member cannot log in (and is told why) and their sessions end;
they can still read. A channel's full ban does not stop logging in."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from masthead.accounts.tests.factories import PASSWORD, MemberFactory
from masthead.moderation import services as moderation

pytestmark = pytest.mark.django_db


@pytest.fixture
def site_moderator() -> Any:
    user = MemberFactory()
    user.is_site_moderator = True
    user.save()
    return user


def log_in(client: Client, member: Any) -> Any:
    return client.post(reverse("account_login"), {"login": member.email, "password": PASSWORD})


def test_a_full_site_ban_ends_sessions_and_refuses_log_in(
    member: Any, site_moderator: Any, story: Any
) -> None:
    client = Client()
    assert log_in(client, member).status_code == 302
    ban = moderation.ban_create(
        actor=site_moderator,
        user=member,
        channel=None,
        kind="full",
        reason="Threats",
        expires_at=timezone.now() + dt.timedelta(days=30),
    )
    page = client.get(story.get_absolute_url()).content.decode()
    assert "Log in" in page  # the session no longer carries the member; reading still works
    refused = log_in(Client(), member)
    assert refused.status_code == 200 and "banned from logging in until" in refused.content.decode()
    wrong = Client().post(reverse("account_login"), {"login": member.email, "password": "nope"})
    assert "banned" not in wrong.content.decode()  # nothing said without the password
    moderation.ban_lift(actor=site_moderator, ban=ban)
    assert log_in(Client(), member).status_code == 302


def test_a_channel_full_ban_does_not_stop_logging_in(
    member: Any, channel: Any, curator: Any
) -> None:
    moderation.ban_create(actor=curator, user=member, channel=channel, kind="full", reason="Rude")
    assert log_in(Client(), member).status_code == 302


def test_only_site_moderators_ban_site_wide(member: Any, other_member: Any) -> None:
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        moderation.ban_create(
            actor=other_member, user=member, channel=None, kind="full", reason="x"
        )
