"""Personal access tokens: the services (each called twice with stale instances, as a double
click or two tabs would), the settings page, and what a token opens."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from masthead.api.models import TOKENS_PER_MEMBER, AccessToken, digest_of
from masthead.api.services import access_token_create, access_token_revoke

pytestmark = pytest.mark.django_db


def test_create_keeps_only_a_digest_and_a_prefix(member: Any) -> None:
    token, secret = access_token_create(actor=member, member=member, name=" My app ", scope="read")
    assert secret.startswith("mh_") and len(secret) > 40
    stored = AccessToken.objects.get(pk=token.pk)
    assert stored.digest == digest_of(secret) and secret not in stored.digest
    assert stored.prefix == secret[:11] and stored.name == "My app"
    assert not stored.allows("write") and stored.allows("read")


def test_create_twice_makes_two_tokens_and_the_limit_holds(member: Any) -> None:
    first = access_token_create(actor=member, member=member, name="a", scope="write")
    second = access_token_create(actor=member, member=member, name="a", scope="write")
    assert first[1] != second[1] and first[0].pk != second[0].pk
    for n in range(TOKENS_PER_MEMBER - 2):
        access_token_create(actor=member, member=member, name=f"t{n}", scope="read")
    with pytest.raises(ValidationError):
        access_token_create(actor=member, member=member, name="one too many", scope="read")


def test_create_refuses_another_member_and_bad_input(member: Any, other_member: Any) -> None:
    with pytest.raises(PermissionDenied):
        access_token_create(actor=other_member, member=member, name="x", scope="read")
    with pytest.raises(ValidationError):
        access_token_create(actor=member, member=member, name="x", scope="admin")
    with pytest.raises(ValidationError):
        access_token_create(actor=member, member=member, name="  ", scope="read")
    assert AccessToken.objects.count() == 0


def test_revoke_twice_with_stale_instances_revokes_once(member: Any) -> None:
    token, _secret = access_token_create(actor=member, member=member, name="a", scope="read")
    stale_one = AccessToken.objects.get(pk=token.pk)
    stale_two = AccessToken.objects.get(pk=token.pk)
    first = access_token_revoke(actor=member, token=stale_one)
    second = access_token_revoke(actor=member, token=stale_two)
    assert first.revoked_at is not None and second.revoked_at == first.revoked_at
    assert AccessToken.objects.get(pk=token.pk).revoked_at == first.revoked_at


def test_revoke_refuses_another_member(member: Any, other_member: Any) -> None:
    token, _secret = access_token_create(actor=member, member=member, name="a", scope="read")
    with pytest.raises(PermissionDenied):
        access_token_revoke(actor=other_member, token=token)
    assert AccessToken.objects.get(pk=token.pk).revoked_at is None


# --- the settings page -----------------------------------------------------------------------


def test_tokens_page_needs_a_login(client: Client, db: Any) -> None:
    response = client.get(reverse("api_tokens"))
    assert response.status_code == 302 and reverse("account_login") in response["Location"]


def test_make_a_token_see_it_once_then_revoke_it(member_client: Client, member: Any) -> None:
    page = member_client.get(reverse("api_tokens"))
    assert page.status_code == 200 and "You have no token yet." in page.content.decode()
    assert page["Cache-Control"] == "private, no-store"
    made = member_client.post(reverse("api_tokens"), {"name": "Reader app", "scope": "write"})
    assert made.status_code == 201
    token = AccessToken.objects.get(member=member)
    html = made.content.decode()
    secret = html.split('<code class="token-secret">')[1].split("</code>")[0]
    assert digest_of(secret) == token.digest and token.scope == "write"
    again = member_client.get(reverse("api_tokens")).content.decode()
    assert secret not in again and token.prefix in again and "Reader app" in again
    revoked = member_client.post(reverse("api_token_revoke", kwargs={"pk": token.pk}))
    assert revoked.status_code == 302
    assert AccessToken.objects.get(pk=token.pk).revoked_at is not None


def test_tokens_page_refuses_bad_input_and_others_tokens(
    member_client: Client, other_member: Any
) -> None:
    refused = member_client.post(reverse("api_tokens"), {"name": "", "scope": "root"})
    assert refused.status_code == 422 and "Name the token." in refused.content.decode()
    theirs, _secret = access_token_create(
        actor=other_member, member=other_member, name="theirs", scope="read"
    )
    response = member_client.post(reverse("api_token_revoke", kwargs={"pk": theirs.pk}))
    assert response.status_code == 404
    assert AccessToken.objects.get(pk=theirs.pk).revoked_at is None


def test_profile_settings_link_to_the_tokens_page(member_client: Client) -> None:
    page = member_client.get(reverse("accounts:profile_edit")).content.decode()
    assert f'href="{reverse("api_tokens")}"' in page
