"""The member profile page at /@handle."""

from __future__ import annotations

from typing import Any

import pytest
from bs4 import BeautifulSoup
from django.test import Client

from masthead.accounts.models import User
from masthead.core.timefmt import story_time
from masthead.discussion.services import comment_create

pytestmark = pytest.mark.django_db


def test_profile_page_lists_recent_comments(client: Client, member: User, story: Any) -> None:
    comment_create(actor=member, story=story, body="On the record")
    response = client.get("/@Reader_One")  # any letter case
    assert response.status_code == 200
    page = response.content.decode()
    assert "Reader One" in page and "@reader_one" in page and "On the record" in page
    assert story.get_absolute_url() + "#comment-1-1" in page


def test_a_comments_time_is_a_date_in_its_storys_zone_like_everywhere_else(
    client: Client, member: User, story: Any
) -> None:
    # Not "3 minutes ago": the page is cached, and every other page gives the time itself.
    comment, _ = comment_create(actor=member, story=story, body="On the record")
    page = BeautifulSoup(client.get("/@reader_one").content, "html.parser")
    shown = page.select_one(".profile-comment time").get_text(strip=True)
    assert shown == story_time(comment.created_at, story.time_zone)
    assert "ago" not in shown and str(comment.created_at.year) in shown


def test_unknown_handle_is_a_404_page(client: Client) -> None:
    response = client.get("/@nobody_here")
    assert response.status_code == 404
    page = response.content.decode()
    assert "No such member" in page and "No member is called @nobody_here" in page


def test_error_pages_render_before_authentication_ran(client: Client, settings: Any) -> None:
    """A bad Host header fails before the user is known; the 400 page must still render."""
    settings.ALLOWED_HOSTS = ["news.example"]
    response = client.get("/", HTTP_HOST="evil.example")
    assert response.status_code == 400
    assert "Bad request" in response.content.decode()
