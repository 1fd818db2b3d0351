"""Sign-up with a handle, e-mail confirmation, profiles and their pages."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from masthead.accounts.models import Profile, User
from masthead.accounts.services import profile_create
from masthead.accounts.tests.factories import MemberFactory
from masthead.accounts.validators import validate_display_name, validate_handle

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("handle", ["charlieh", "Ada_Lovelace", "abc", "a" * 30])
def test_valid_handles(handle: str) -> None:
    validate_handle(handle)


@pytest.mark.parametrize(
    ("handle", "code"),
    [
        ("ab", "length"),
        ("a" * 31, "length"),
        ("9lives", "characters"),
        ("has space", "characters"),
        ("dash-ed", "characters"),
        ("émile", "characters"),
        ("admin", "reserved"),
        ("Admin", "reserved"),
        ("STATIC", "reserved"),
        ("api", "reserved"),
    ],
)
def test_invalid_handles_say_why(handle: str, code: str) -> None:
    with pytest.raises(ValidationError) as error:
        validate_handle(handle)
    assert error.value.code == code


def test_handles_are_unique_in_any_letter_case(member: User) -> None:
    other = User.objects.create_user(email="x@example.test", password="x")
    with pytest.raises(ValidationError, match="taken"):
        profile_create(user=other, handle="READER_ONE", display_name="Someone")


@pytest.mark.parametrize(
    ("name", "ok"),
    [
        ("Zoë Ångström", True),
        ("李小龍", True),
        ("👩‍🚀 Ada", True),
        ("\u202eevil", False),
        ("\u200b\u200b", False),
        ("bell\x07", False),
        ("x" * 51, False),
        ("", False),
    ],
)
def test_display_names(name: str, ok: bool) -> None:
    if ok:
        validate_display_name(name)
    else:
        with pytest.raises(ValidationError):
            validate_display_name(name)


def test_signup_confirm_by_email_link_then_comment(client: Client, story: Any) -> None:
    response = client.post(
        reverse("account_signup"),
        {
            "email": "newcomer@example.test",
            "password1": "a-long-pass-phrase",
            "password2": "a-long-pass-phrase",
            "handle": "Newcomer",
            "display_name": "  New   Comer ",
        },
    )
    assert response.status_code == 302
    profile = Profile.objects.get(handle="Newcomer")
    assert profile.display_name == "New Comer"
    assert len(mail.outbox) == 1
    link = re.search(r"https?://\S+/accounts/confirm-email/\S+/", mail.outbox[0].body).group(0)
    # Not confirmed yet: logging in sends the member to confirm first.
    client.post(
        reverse("account_login"),
        {"login": "newcomer@example.test", "password": "a-long-pass-phrase"},
    )
    assert not client.session.get("_auth_user_id")
    path = urlsplit(link).path
    assert client.get(path).status_code == 200
    assert client.post(path).status_code == 302
    assert client.session.get("_auth_user_id") == str(profile.user_id)
    post = client.post(
        reverse("discussion:post", kwargs={"public_id": story.public_key}),
        {"body": "My first comment"},
    )
    assert post.status_code == 302


def test_signup_refuses_a_taken_or_reserved_handle_and_keeps_the_rest(
    client: Client, member: User
) -> None:
    for handle, message in (("reader_ONE", "That handle is taken."), ("support", "is reserved")):
        response = client.post(
            reverse("account_signup"),
            {
                "email": "again@example.test",
                "password1": "a-long-pass-phrase",
                "password2": "a-long-pass-phrase",
                "handle": handle,
                "display_name": "Again",
            },
        )
        assert response.status_code == 200
        page = response.content.decode()
        assert message in page and 'value="again@example.test"' in page
    assert not User.objects.filter(email="again@example.test").exists()


def test_profile_edit(member_client: Client, member: User) -> None:
    url = reverse("accounts:profile_edit")
    bad = member_client.post(url, {"display_name": "\u202eoops", "bio": "Hi"})
    assert bad.status_code == 422 and "text-direction" in bad.content.decode()
    response = member_client.post(url, {"display_name": "Reader Uno", "bio": "I read."})
    assert response["Location"] == "/@reader_one"
    member.profile.refresh_from_db()
    assert (member.profile.display_name, member.profile.bio) == ("Reader Uno", "I read.")


def test_account_without_profile_chooses_a_handle(client: Client) -> None:
    bare = User.objects.create_user(email="bare@example.test", password="x")
    client.force_login(bare)
    response = client.post(
        reverse("accounts:profile_edit"), {"handle": "bare_one", "display_name": "Bare"}
    )
    assert response.status_code == 302
    assert Profile.objects.get(user=bare).handle == "bare_one"


def test_factory_members_have_confirmed_addresses() -> None:
    user = MemberFactory()
    assert user.emailaddress_set.get().verified


def test_password_reset_by_email_link(client: Client, member: User) -> None:
    response = client.post(reverse("account_reset_password"), {"email": member.email})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    link = re.search(r"https?://\S+/accounts/password/reset/key/\S+/", mail.outbox[0].body)
    assert link, mail.outbox[0].body
    path = urlsplit(link.group(0)).path
    form_page = client.get(path, follow=True)  # allauth moves the key into the session
    assert form_page.status_code == 200
    form_url = form_page.redirect_chain[-1][0] if form_page.redirect_chain else path
    new = "a-brand-new-phrase"
    change = client.post(form_url, {"password1": new, "password2": new})
    assert change.status_code == 302
    member.refresh_from_db()
    assert member.check_password(new)


def test_the_admin_finds_no_profile_for_an_id_too_long_for_the_column(
    client: Client, member: Any
) -> None:
    User.objects.filter(pk=member.pk).update(is_staff=True, is_superuser=True)
    client.force_login(member)
    for view in ("change", "delete", "history"):
        response = client.get(f"/admin/accounts/profile/{2**64}/{view}/")
        assert response.status_code == 302  # to the admin's index, saying it does not exist
    assert client.get(f"/admin/accounts/profile/{member.pk}/change/").status_code == 200


def test_the_handle_form_sent_twice_makes_one_profile(db: Any) -> None:
    from masthead.accounts.services import profile_create

    user = User.objects.create_user(email="twice@example.test", password="correct-horse-9")
    first = profile_create(user=user, handle="twice", display_name="Twice")
    again = profile_create(user=user, handle="Twice", display_name="Twice")
    assert again.pk == first.pk and Profile.objects.filter(user=user).count() == 1
    with pytest.raises(ValidationError, match="already"):
        profile_create(user=user, handle="another", display_name="Twice")
