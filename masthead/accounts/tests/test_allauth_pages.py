"""allauth's pages a newcomer meets are the site's own: its layout (header, form macros, the
site's name in the title) and its words ("Log in", "Sign up"); allauth's e-mails name the site
(MASTHEAD_SITE_NAME), not the host the request came to."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

import pytest
from allauth.account.models import EmailAddress, EmailConfirmationHMAC
from bs4 import BeautifulSoup
from django.contrib.messages import get_messages
from django.core import mail
from django.test import Client
from django.urls import reverse

from masthead.accounts.models import User

pytestmark = pytest.mark.django_db

SITE = "The Evening Ledger"
ALLAUTH_WORDS = re.compile(
    r"Sign In|Sign Up|Sign Out|sign in|Signup|for user|Hello from|Thank you for using"
)


@pytest.fixture(autouse=True)
def _site_name(settings: Any) -> None:
    settings.MASTHEAD_SITE_NAME = SITE


def signup(client: Client, *, email: str = "newbie@example.org", handle: str = "newbie") -> Any:
    return client.post(
        reverse("account_signup"),
        {
            "email": email,
            "password1": "a-long-pass-phrase",
            "password2": "a-long-pass-phrase",
            "handle": handle,
            "display_name": "New Bie",
        },
    )


def page(client: Client, url: str) -> BeautifulSoup:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return BeautifulSoup(response.content, "html.parser")


def assert_the_sites_page(soup: BeautifulSoup, heading: str) -> None:
    assert soup.select_one("header.site-header .wordmark").get_text() == SITE
    assert soup.select_one("main .form-page h1").get_text(strip=True) == heading
    assert soup.title.string == f"{heading} · {SITE}"
    main = soup.select_one("main")
    for button in main.find_all("button"):
        assert "button" in button["class"], button  # the site's buttons, not bare ones
    for field in main.select("form input:not([type=hidden])"):
        label = main.find("label", attrs={"for": field["id"]})
        assert label is not None or field.find_parent("label") is not None, field
    text = " ".join(soup.get_text(" ").split())
    assert not ALLAUTH_WORDS.search(text), ALLAUTH_WORDS.search(text)


def test_sign_up_and_log_in_are_the_sites_pages(client: Client) -> None:
    signup_page = page(client, reverse("account_signup"))
    assert_the_sites_page(signup_page, "Sign up")
    main = signup_page.select_one("main")
    assert main.find("button", string="Sign up") is not None
    assert main.find("a", string="Log in")["href"] == reverse("account_login")
    assert main.select_one("#id_password1-help li") is not None  # the password rules, a list

    login_page = page(client, reverse("account_login") + "?next=/globallead/")
    assert_the_sites_page(login_page, "Log in")
    main = login_page.select_one("main")
    assert main.find("button", string="Log in") is not None
    assert main.find("input", attrs={"name": "next"})["value"] == "/globallead/"
    assert (
        main.find("a", string="Sign up")["href"]
        == reverse("account_signup") + "?next=%2Fgloballead%2F"
    )
    assert main.find("a", string="Forgot your password?")["href"] == reverse(
        "account_reset_password"
    )
    labels = [label.get_text(" ", strip=True) for label in main.find_all("label")]
    assert labels == ["Email", "Password", "Stay logged in on this browser"]


def test_confirming_the_address_speaks_of_the_members_handle(client: Client) -> None:
    signup(client)
    key = EmailConfirmationHMAC(EmailAddress.objects.get(email="newbie@example.org")).key
    confirm = page(client, reverse("account_confirm_email", args=[key]))
    assert_the_sites_page(confirm, "Confirm your e-mail address")
    text = confirm.select_one("main").get_text(" ")
    assert "newbie@example.org" in text and "@newbie" in text
    form = confirm.select_one("main form")
    assert form["action"] == reverse("account_confirm_email", args=[key])
    assert form.find("button", string="Confirm") is not None

    response = client.post(reverse("account_confirm_email", args=[key]))
    assert response.status_code == 302
    messages = [str(message) for message in get_messages(response.wsgi_request)]
    assert "newbie@example.org is confirmed." in messages
    assert "You are logged in as @newbie." in messages

    expired = page(client, reverse("account_confirm_email", args=["not-a-key"]))
    assert_the_sites_page(expired, "Confirm your e-mail address")
    assert "expired or is not valid" in expired.get_text()


def test_the_other_pages_of_signing_up_and_resetting_a_password(
    client: Client, member: User
) -> None:
    pages = {
        "account_email_verification_sent": "Check your e-mail",
        "account_reset_password": "Reset your password",
        "account_reset_password_done": "Check your e-mail",
        "account_reset_password_from_key_done": "Your password is changed",
    }
    for name, heading in pages.items():
        assert_the_sites_page(page(client, reverse(name)), heading)
    bad_key = reverse("account_reset_password_from_key", kwargs={"uidb36": "1", "key": "nope"})
    assert_the_sites_page(page(client, bad_key), "This link does not work")

    client.force_login(member)
    logout = page(client, reverse("account_logout"))
    assert_the_sites_page(logout, "Log out")
    assert logout.select_one("main form").find("button", string="Log out") is not None
    response = client.post(reverse("account_logout"))
    assert "You are logged out." in [str(m) for m in get_messages(response.wsgi_request)]


def test_the_confirmation_e_mail_names_the_site(client: Client) -> None:
    assert signup(client).status_code == 302
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.subject == f"[{SITE}] Confirm your e-mail address to finish signing up"
    assert f"Welcome to {SITE}!" in message.body
    assert re.search(r"http://testserver/accounts/confirm-email/\S+/", message.body)
    assert message.body.rstrip().endswith(f"{SITE}: http://testserver/")
    assert not ALLAUTH_WORDS.search(message.body), message.body
    assert "&amp;" not in message.body and "&#x27;" not in message.body  # text, not HTML


def test_the_password_reset_e_mails_name_the_site(client: Client, member: User) -> None:
    client.post(reverse("account_reset_password"), {"email": member.email})
    client.post(reverse("account_reset_password"), {"email": "nobody@example.org"})
    reset, unknown = mail.outbox
    assert reset.subject == f"[{SITE}] Reset your password"
    assert f"your account on {SITE}" in reset.body
    link = re.search(r"http://testserver(/accounts/password/reset/key/\S+/)", reset.body)
    assert link, reset.body
    assert unknown.subject == f"[{SITE}] No account on {SITE} with this address"
    assert "http://testserver/accounts/signup/" in unknown.body
    for message in (reset, unknown):
        assert not ALLAUTH_WORDS.search(message.body), message.body

    form_page = client.get(urlsplit(link.group(1)).path, follow=True)
    soup = BeautifulSoup(form_page.content, "html.parser")
    assert_the_sites_page(soup, "Choose a new password")
    labels = [label.get_text(strip=True) for label in soup.select("main form label")]
    assert labels[:2] == ["New password", "New password (again)"]


def test_signing_up_again_with_a_known_address_names_the_site(client: Client, member: User) -> None:
    signup(client, email=member.email, handle="someone_else")
    assert len(mail.outbox) == 1
    assert mail.outbox[0].subject == f"[{SITE}] You already have an account on {SITE}"
    assert "http://testserver/accounts/password/reset/" in mail.outbox[0].body


def test_a_refused_sign_up_keeps_where_the_newcomer_was_going(client: Client) -> None:
    # They came from a story's "sign up to join the discussion": a mistyped password must
    # not lose the way back.
    url = reverse("account_signup") + "?next=/globallead/"
    first = BeautifulSoup(client.get(url).content, "html.parser")
    assert first.find("input", {"name": "next"})["value"] == "/globallead/"
    refused = client.post(
        url,
        {
            "email": "newbie@example.org",
            "password1": "a-long-pass-phrase",
            "password2": "another-pass-phrase",
            "handle": "newbie",
            "display_name": "New Bie",
            "next": "/globallead/",
        },
    )
    assert refused.status_code in (200, 422)
    again = BeautifulSoup(refused.content, "html.parser")
    assert again.find("input", {"name": "next"})["value"] == "/globallead/"
