"""The markup a phone's layout stands on: every page's title names the site, and the tables that
become blocks on a phone (the moderation log, the desk's stories, the feeds) label every cell
with its column (data-label, shown by the stylesheet below 40rem)."""

from __future__ import annotations

from typing import Any

import pytest
from bs4 import BeautifulSoup
from django.test import Client
from django.urls import reverse

from masthead.channels.models import ChannelRole
from masthead.channels.services import role_grant
from masthead.discussion.services import comment_create, comment_remove
from masthead.ingest.services.subscriptions import feed_add

pytestmark = pytest.mark.django_db

REASON = "Personal attacks on another member, against the channel's second house rule"


@pytest.fixture
def desk_client(curator: Any, channel: Any, story: Any, member: Any) -> Client:
    """A curator who moderates too, in a channel with a removed comment and a feed."""
    role_grant(actor=None, channel=channel, user=curator, role=ChannelRole.Role.MODERATOR)
    comment, _ = comment_create(actor=member, story=story, body="Rude words")
    comment_remove(actor=curator, comment=comment, reason=REASON)
    feed_add(actor=curator, channel=channel, url="https://ledger.example/feed.xml", title="Ledger")
    client = Client()
    client.force_login(curator)
    return client


PAGES = {
    "desk": "stories:desk",
    "review queue": "ingest:queue",
    "feeds": "ingest:feeds",
    "moderation log": "moderation:log",
    "moderation rules": "moderation:rules",
    "moderation queue": "discussion:queue",
    "write a story": "stories:new",
}


@pytest.mark.parametrize("name", PAGES)
def test_the_title_ends_with_the_site_name(
    name: str, desk_client: Client, channel: Any, settings: Any
) -> None:
    settings.MASTHEAD_SITE_NAME = "The Evening Ledger"
    response = desk_client.get(reverse(PAGES[name], kwargs={"channel": channel.slug}))
    assert response.status_code == 200
    title = BeautifulSoup(response.content, "html.parser").title
    assert title is not None and title.string is not None
    assert title.string.endswith(f"{channel.name} · The Evening Ledger"), title.string


def test_the_site_log_title_names_the_site_once(client: Client, settings: Any) -> None:
    settings.MASTHEAD_SITE_NAME = "The Evening Ledger"
    title = BeautifulSoup(client.get(reverse("moderation:site_log")).content, "html.parser").title
    assert title is not None and title.string == "Moderation log · The Evening Ledger"


@pytest.mark.parametrize(
    ("url_name", "table"),
    [
        ("moderation:log", "moderation-log"),
        ("stories:desk", "desk-table"),
        ("ingest:feeds", "feed-table"),
    ],
)
def test_every_cell_of_a_stacked_table_says_its_column(
    url_name: str, table: str, desk_client: Client, channel: Any
) -> None:
    response = desk_client.get(reverse(url_name, kwargs={"channel": channel.slug}))
    soup = BeautifulSoup(response.content, "html.parser")
    found = soup.find("table", class_=table)
    assert found is not None and "stack-table" in found["class"]
    columns = [th.get_text(" ", strip=True) for th in found.thead.find_all("th")]
    rows = found.tbody.find_all("tr")
    assert rows
    for row in rows:
        for column, cell in zip(columns, row.find_all(["th", "td"]), strict=True):
            if cell.name == "th" or column == "Actions":
                continue  # the row's own heading, and its buttons
            assert cell.get("data-label") == column, (column, cell)
    if table == "moderation-log":
        reasons = [td.get_text() for td in found.find_all("td", attrs={"data-label": "Reason"})]
        assert REASON in reasons
