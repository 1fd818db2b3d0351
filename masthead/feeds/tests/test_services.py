"""A member's private feed address: made once, reset for good, only by the member, and
shown and reset on their feeds page."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.test import Client

from masthead.channels.services import follow_set
from masthead.feeds.models import FeedToken, digest_of
from masthead.feeds.selectors import member_for_token
from masthead.feeds.services import feed_token_get_or_create, feed_token_reset

pytestmark = pytest.mark.django_db


def test_the_address_is_made_once_and_found_by_its_token(member: Any) -> None:
    first = feed_token_get_or_create(actor=member, member=member)
    again = feed_token_get_or_create(actor=member, member=member)
    assert first.pk == again.pk and first.token == again.token
    assert len(first.token) == 32
    assert member_for_token(first.token) == member
    # The database keeps a hash, not the token: a copy of it opens no feed.
    row = FeedToken.objects.get(member=member)
    assert first.token not in (row.nonce, row.digest) and row.digest == digest_of(first.token)
    assert member_for_token(row.nonce) is None and member_for_token(row.digest) is None


def test_two_first_uses_at_once_make_one_address(member: Any, monkeypatch: Any) -> None:
    # The other request made the address between this one's look and its insert: the look
    # found none, the insert meets the unique member column and reads the other's.
    theirs = feed_token_get_or_create(actor=member, member=member)
    monkeypatch.setattr(QuerySet, "first", lambda self: None)
    mine = feed_token_get_or_create(actor=member, member=member)
    assert mine.pk == theirs.pk and mine.token == theirs.token
    assert FeedToken.objects.filter(member=member).count() == 1


def test_two_resets_from_stale_pages_leave_one_working_address(member: Any) -> None:
    original = feed_token_get_or_create(actor=member, member=member)
    stale_a = FeedToken.objects.get(pk=original.pk)
    stale_b = FeedToken.objects.get(pk=original.pk)
    assert stale_a.token == stale_b.token
    first = feed_token_reset(actor=member, member=stale_a.member)
    second = feed_token_reset(actor=member, member=stale_b.member)
    stored = FeedToken.objects.get(member=member)
    assert FeedToken.objects.filter(member=member).count() == 1
    assert stored.token == second.token != first.token != original.token
    assert member_for_token(second.token) == member
    assert member_for_token(first.token) is None and member_for_token(original.token) is None


def test_nobody_else_sees_or_resets_a_members_address(member: Any, other_member: Any) -> None:
    token = feed_token_get_or_create(actor=member, member=member).token
    with pytest.raises(PermissionDenied):
        feed_token_get_or_create(actor=other_member, member=member)
    with pytest.raises(PermissionDenied):
        feed_token_reset(actor=other_member, member=member)
    assert member_for_token(token) == member


@pytest.mark.parametrize("token", ["", "x" * 65, "not-a-token-at-all-but-long"])
def test_unknown_tokens_find_nobody(member: Any, token: str) -> None:
    feed_token_get_or_create(actor=member, member=member)
    assert member_for_token(token) is None


def test_the_feeds_page_makes_shows_and_resets_the_address(
    member_client: Client, member: Any, channel: Any
) -> None:
    # Reading the page writes nothing: the address is made when the member asks.
    page = member_client.get("/accounts/feeds/")
    assert page.status_code == 200 and page["Cache-Control"] == "private, no-store"
    assert "Make my feed addresses" in page.content.decode() and not FeedToken.objects.exists()
    assert "You follow no channel yet" in page.content.decode()
    assert member_client.get("/accounts/feeds/create").status_code == 405
    made = member_client.post("/accounts/feeds/create")
    assert made.status_code == 302 and made["Location"] == "/accounts/feeds/"
    follow_set(actor=member, channel=channel, following=True)
    page = member_client.get("/accounts/feeds/")
    token = FeedToken.objects.get(member=member).token
    html = page.content.decode()
    assert f'<a href="{channel.get_absolute_url()}">{channel.name}</a>' in html
    for name in ("rss.xml", "atom.xml", "feed.json"):
        assert f"http://testserver/feeds/{token}/{name}" in html
    assert member_client.get("/accounts/feeds/reset").status_code == 405
    response = member_client.post("/accounts/feeds/reset")
    assert response.status_code == 302 and response["Location"] == "/accounts/feeds/"
    new = FeedToken.objects.get(member=member).token
    assert new != token
    after = member_client.get("/accounts/feeds/").content.decode()
    assert new in after and token not in after
    assert "The old one no longer works." in after


def test_the_feeds_page_is_for_members(client: Client) -> None:
    assert client.get("/accounts/feeds/").status_code == 302
    assert client.post("/accounts/feeds/reset").status_code == 302
    assert client.post("/accounts/feeds/create").status_code == 302
    assert not FeedToken.objects.exists()


def test_the_profile_page_links_the_feeds_page(member_client: Client) -> None:
    assert 'href="/accounts/feeds/"' in member_client.get("/accounts/profile/").content.decode()
