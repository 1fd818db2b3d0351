"""A member's story page cut from the page all members share: nobody's parts leak into
anybody else's, the holes are filled, and the forms in it work."""

from __future__ import annotations

from typing import Any

import pytest
from bs4 import BeautifulSoup
from django.test import Client
from django.urls import reverse

from masthead.accounts.tests.factories import MemberFactory
from masthead.discussion.models import Comment
from masthead.discussion.services import comment_create
from masthead.pages.member_page import CLIENT_TOKEN_HOLE, CSRF_HOLE, HEADER_HOLE

pytestmark = pytest.mark.django_db


def logged_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_each_member_gets_their_own_header_and_tokens(story: Any, other_member: Any) -> None:
    comment_create(actor=other_member, story=story, body="Someone else's comment")
    first, second = MemberFactory(handle="first_one"), MemberFactory(handle="second_one")
    pages = [
        logged_in(first).get(story.get_absolute_url()).content.decode(),
        logged_in(second).get(story.get_absolute_url()).content.decode(),
    ]
    assert "@first_one" in pages[0] and "@second_one" not in pages[0]
    assert "@second_one" in pages[1] and "@first_one" not in pages[1]
    tokens = set()
    for page in pages:
        assert HEADER_HOLE not in page and CSRF_HOLE not in page
        assert CLIENT_TOKEN_HOLE not in page
        form = BeautifulSoup(page, "html.parser").find("form", id="comment-form")
        tokens.add(form.find("input", {"name": "client_token"})["value"])
        assert form.find("input", {"name": "csrfmiddlewaretoken"})["value"]
    assert len(tokens) == 2


def test_the_form_on_a_cut_page_posts(story: Any) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(MemberFactory(handle="poster"))
    page = BeautifulSoup(client.get(story.get_absolute_url()).content, "html.parser")
    form = page.find("form", id="comment-form")
    data = {field["name"]: field.get("value", "") for field in form.find_all("input")}
    response = client.post(form["action"], {**data, "body": "Through the cut page"})
    assert response.status_code == 302
    assert Comment.objects.get().body_source == "Through the cut page"


def test_a_member_with_comments_here_gets_their_edit_links(story: Any, member: Any) -> None:
    comment, _ = comment_create(actor=member, story=story, body="Mine")
    page = logged_in(member).get(story.get_absolute_url()).content.decode()
    assert f"/comments/{comment.pk}/edit/" in page
    other = logged_in(MemberFactory()).get(story.get_absolute_url()).content.decode()
    assert f"/comments/{comment.pk}/edit/" not in other
    assert f"/comments/{comment.pk}/report/" in other


def test_a_waiting_message_is_shown(story: Any, member: Any) -> None:
    client = logged_in(member)
    client.get(story.get_absolute_url())  # the shared page exists now
    client.post(reverse("accounts:profile_edit"), {"display_name": "Renamed", "bio": ""})
    page = client.get(story.get_absolute_url()).content.decode()
    assert "Your profile is saved." in page


def test_a_member_page_costs_the_checks_only(
    django_assert_num_queries: Any, story: Any, other_member: Any
) -> None:
    for n in range(30):
        comment_create(actor=other_member, story=story, body=f"Comment {n}")
    client = logged_in(MemberFactory())
    client.get(story.get_absolute_url())
    with django_assert_num_queries(2):  # the member with their profile, the story
        response = client.get(story.get_absolute_url())
    assert response.content.decode().count('class="comment-number"') == 30
