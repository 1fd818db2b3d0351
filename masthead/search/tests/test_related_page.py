"""The story page with its Related section: valid HTML for readers, members and curators (the
Nu Html Checker), and no wider than a phone in Chromium."""

from __future__ import annotations

import datetime as dt
import subprocess
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from playwright.sync_api import Page, expect

from conftest import ARTIFACTS
from masthead.channels.tests.factories import SectionFactory
from masthead.stories.models import Story
from masthead.stories.services import story_create, story_publish

from .texts import FERRY

LONG = "Ferry-crew-walkout-at-Port-Varra-leaves-commuters-stranded-overnight"


def published(section: Any, text: tuple[str, str, str], hours_ago: int) -> Story:
    headline, excerpt, body = text
    story = story_create(
        actor=None,
        channel=section.channel,
        section=section,
        headline=headline,
        excerpt=excerpt,
        body=body,
    )
    return story_publish(actor=None, story=story, at=timezone.now() - dt.timedelta(hours=hours_ago))


def related_stories(section: Any) -> Story:
    """A story whose Related section lists three stories, one from a channel with a long
    name, one with a long headline of long words; committed, so the task has run."""
    faraway = SectionFactory(
        channel__slug="the-northern-shores-evening-chronicle",
        channel__name="The Northern Shores Evening Chronicle and Gazette",
        slug="harbours-and-crossings",
        name="Harbours, Crossings and the Working Waterfront",
    )
    first = published(section, FERRY[0], hours_ago=5)
    headline, excerpt, body = FERRY[1]
    published(faraway, (f"{headline}: {LONG}", excerpt, body), hours_ago=4)
    published(faraway, FERRY[2], hours_ago=3)
    published(section, FERRY[3], hours_ago=2)
    return first


@pytest.mark.htmlcheck
@pytest.mark.django_db(transaction=True)
def test_a_story_page_with_related_stories_has_no_html_errors(
    vnu_command: list[str], tmp_path: Path, section: Any, member: Any, curator: Any
) -> None:
    story = related_stories(section)
    reader, as_member, as_curator = Client(), Client(), Client()
    as_member.force_login(member)
    as_curator.force_login(curator)
    files = []
    for name, client in {"reader": reader, "member": as_member, "curator": as_curator}.items():
        response = client.get(story.get_absolute_url())
        assert response.status_code == 200
        assert response.content.decode().count('class="more-stories__headline"') >= 3, name
        path = tmp_path / f"story-related-{name}.html"
        path.write_bytes(response.content)
        files.append(str(path))
    result = subprocess.run(
        [*vnu_command, *files], capture_output=True, text=True, timeout=180, check=False
    )
    assert result.returncode == 0, f"Nu Html Checker errors:\n{result.stdout}{result.stderr}"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_related_section_fits_a_phone(page: Page, live_server: Any, section: Any) -> None:
    story = related_stories(section)
    for width in (390, 320):
        page.set_viewport_size({"width": width, "height": 844})
        page.goto(live_server.url + story.get_absolute_url())
        related = page.get_by_role("region", name="Related")
        expect(related).to_be_visible()
        expect(related.get_by_role("link", name=LONG, exact=False)).to_be_visible()
        expect(related.locator("li")).to_have_count(3)
        measured = page.evaluate(
            """() => ({
                width: document.documentElement.scrollWidth,
                wider: [...document.querySelectorAll('.related-stories *')]
                    .filter(e => e.getBoundingClientRect().right > innerWidth + 0.5)
                    .map(e => e.tagName + '.' + e.className),
            })"""
        )
        assert measured["width"] <= width and measured["wider"] == [], (width, measured)
        if width == 390:
            ARTIFACTS.mkdir(exist_ok=True)
            related.screenshot(path=str(ARTIFACTS / "phone-related.png"))
