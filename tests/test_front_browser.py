"""The front page in Chromium: the tabs work from the keyboard, and neither tab, a channel's
page with a pin nor the pin controls scroll sideways on a phone."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse
from playwright.sync_api import Browser, Page, expect

from masthead.stories import pins
from masthead.stories.tests.factories import StoryFactory
from tests.test_browser_phone import OVERFLOW, PHONE, SMALL_PHONE, logged_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LONG = "Harbour-Authority-Announces-" * 4 + "Ferry Timetable"


def test_the_tabs_are_links_a_keyboard_follows(page: Page, live_server: Any, section: Any) -> None:
    StoryFactory(section=section, headline="On the front")
    page.goto(live_server.url + "/")
    tabs = page.get_by_role("navigation", name="Front page")
    expect(tabs.get_by_role("link", name="Top")).to_have_attribute("aria-current", "page")
    for _ in range(40):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent.trim()") == "Latest":
            break
    else:
        pytest.fail("the Latest tab is not reachable with the Tab key")
    page.keyboard.press("Enter")
    expect(page).to_have_url(live_server.url + "/latest")
    expect(tabs.get_by_role("link", name="Latest")).to_have_attribute("aria-current", "page")
    expect(tabs.get_by_role("link", name="Top")).not_to_have_attribute("aria-current", "page")


def test_no_front_or_pin_page_is_wider_than_a_phone(
    browser: Browser, live_server: Any, section: Any, curator: Any
) -> None:
    stories = [
        StoryFactory(section=section, headline=f"{LONG} {n}", slug=f"long-{n}") for n in range(6)
    ]
    StoryFactory(
        section=section,
        headline=LONG,
        slug="long",
        image="stories/2024/05/photo.jpg",
        image_width=1200,
        image_height=800,
    )
    pins.pin_set(actor=None, story=stories[0], front=True, place=1)
    pins.pin_set(actor=curator, story=stories[1], front=False, place=3)
    channel = section.channel.slug
    paths = {
        "top": "/",
        "latest": "/latest",
        "channel": section.channel.get_absolute_url(),
        "desk": reverse("stories:desk", kwargs={"channel": channel}),
        "pin": reverse(
            "stories:pin", kwargs={"channel": channel, "public_id": stories[1].public_key}
        ),
    }
    context = logged_in(browser, live_server, curator, viewport=PHONE)
    page = context.new_page()
    for viewport in (PHONE, SMALL_PHONE):
        page.set_viewport_size(viewport)
        for name, path in paths.items():
            page.goto(live_server.url + path)
            measured = page.evaluate(OVERFLOW)
            assert measured["width"] <= measured["screen"], (name, viewport, measured)
    context.close()
