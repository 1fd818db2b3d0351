"""A reader searches in Debian's Chromium: reaches the header's search field from the keyboard,
types a query and presses Enter, sees the results with the words marked, narrows them to a
channel (a chip appears, and removing it widens the search again), and opens a story. On a
phone the header's form and the results page are no wider than the screen, and the narrow
form's menus show their choices whole.

Stories are published through the services with real commits, so the index follows them as it
does in production (the search app indexes after the commit).
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import Browser, Page, expect

from conftest import ARTIFACTS
from masthead.channels.tests.factories import ChannelFactory, SectionFactory
from masthead.stories.models import Story
from masthead.stories.services import story_create, story_publish

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
OVERFLOW = """() => ({
    width: document.documentElement.scrollWidth,
    screen: innerWidth,
    wider: [...document.querySelectorAll('body *')]
        .filter(e => e.getBoundingClientRect().right > innerWidth + 0.5)
        .map(e => e.tagName + '.' + e.className).slice(0, 5),
})"""
# The narrow form's controls stay inside the form, and each menu is as wide as its longest
# choice needs (the width the browser gives it with max-content), or its choice is cut off.
REFINE_FITS = """() => {
    const form = document.querySelector('form.search-refine').getBoundingClientRect();
    const outside = [...document.querySelectorAll('form.search-refine *')]
        .filter(e => e.getBoundingClientRect().width > 0)
        .filter(e => {
            const box = e.getBoundingClientRect();
            return box.left < form.left - 0.5 || box.right > form.right + 0.5
                || box.right > innerWidth + 0.5;
        })
        .map(e => e.tagName + '#' + e.id);
    const clipped = [...document.querySelectorAll('form.search-refine select')].flatMap(s => {
        const shown = s.getBoundingClientRect().width;
        s.style.width = 'max-content';
        const needed = s.getBoundingClientRect().width;
        s.style.width = '';
        return needed > shown + 0.5 ? [`${s.id}: ${shown} of ${needed} px`] : [];
    });
    return {width: document.documentElement.scrollWidth, screen: innerWidth, outside, clipped};
}"""


def publish(section: Any, headline: str, body: str, days_ago: int) -> Story:
    story = story_create(
        actor=None,
        channel=section.channel,
        section=section,
        headline=headline,
        body=f"<p>{body}</p>",
    )
    return story_publish(
        actor=None, story=story, at=dt.datetime.now(dt.UTC) - dt.timedelta(days=days_ago)
    )


@pytest.fixture
def ferries(db: Any) -> dict[str, Story]:
    lead = SectionFactory(
        channel=ChannelFactory(slug="globallead", name="Global Lead"),
        slug="politics",
        name="Politics",
    )
    harbour = SectionFactory(
        channel=ChannelFactory(slug="harbour-times", name="Harbour Times"),
        slug="council",
        name="Council",
    )
    return {
        "vote": publish(
            lead,
            "Council votes on the ferry timetable",
            "The ferry timetable was approved after a debate about fares.",
            3,
        ),
        "fares": publish(
            harbour,
            "Ferry fares rise in the harbour",
            "Ticket prices for the ferry go up by a tenth from April.",
            1,
        ),
        "budget": publish(lead, "Budget talks stall", "No vote on the budget.", 2),
    }


def test_a_reader_searches_narrows_to_a_channel_and_opens_a_story(
    page: Page, live_server: Any, ferries: dict[str, Story]
) -> None:
    page.goto(live_server.url + "/")
    field = page.locator("header form[role=search] input[name=q]")
    # From the top of the page: the skip link, the wordmark, then the search field.
    for _press in range(3):
        page.keyboard.press("Tab")
    expect(field).to_be_focused()
    page.keyboard.type("ferries")  # stemmed: finds "ferry"
    page.keyboard.press("Enter")

    page.wait_for_url("**/search?q=ferries")
    main = page.locator("main")
    expect(main.locator(".search-summary")).to_have_text("2 stories for ferries")
    expect(page.get_by_role("searchbox", name="Search stories")).to_have_value("ferries")
    results = main.locator(".search-result")
    expect(results).to_have_count(2)
    expect(main.locator(".search-result__snippet mark").first).to_be_visible()
    assert {text.lower() for text in main.locator("mark").all_inner_texts()} == {"ferry"}
    expect(main.locator(".search-chips")).to_have_count(0)

    main.get_by_label("Channel").select_option(label="Harbour Times")
    main.get_by_role("button", name="Narrow").click()
    page.wait_for_url("**/search?*channel=harbour-times*")
    chip = main.locator(".search-chips a.chip")
    expect(chip).to_have_count(1)
    expect(chip).to_contain_text("Channel: Harbour Times")
    expect(results).to_have_count(1)
    expect(results.locator(".search-result__headline")).to_have_text(ferries["fares"].headline)
    expect(results.locator(".story-meta")).to_contain_text("Harbour Times")
    query = parse_qs(urlsplit(chip.get_attribute("href") or "").query)
    assert query == {"q": ["ferries"]}

    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "search-results.png"), full_page=True)
    results.get_by_role("link", name=ferries["fares"].headline).click()
    page.wait_for_url(f"**{ferries['fares'].get_absolute_url()}")
    expect(page.locator("main h1")).to_have_text(ferries["fares"].headline)

    page.go_back()
    main.locator(".search-chips a.chip").click()  # remove the channel: the wider search again
    page.wait_for_url("**/search?q=ferries")
    expect(results).to_have_count(2)


def test_the_search_form_and_results_fit_a_phone(
    browser: Browser, live_server: Any, ferries: dict[str, Story]
) -> None:
    context = browser.new_context(viewport=PHONE, has_touch=True, is_mobile=True)
    page = context.new_page()
    long_query = "ferry " + "timetable" * 8
    for url in (
        "/",
        ferries["vote"].get_absolute_url(),
        "/search",
        "/search?q=ferry&channel=globallead&kind=original&from=2020-01-01&to=2030-12-31",
        "/search?q=" + long_query,
        "/search?q=ferry&channel=" + "no-such-channel-" * 6,
    ):
        page.goto(live_server.url + url)
        measured = page.evaluate(OVERFLOW)
        assert measured["width"] <= measured["screen"], (url, measured)
        box = page.locator("header form[role=search]").bounding_box()
        assert box is not None and box["width"] <= PHONE["width"], url
        field = page.locator("header form[role=search] input[name=q]").bounding_box()
        assert field is not None and field["height"] >= 44, (url, field)  # a finger's target
    for url in ("/search?q=ferry", "/search?q=ferry&kind=curated&channel=harbour-times"):
        page.goto(live_server.url + url)
        refine = page.evaluate(REFINE_FITS)
        assert refine["width"] <= refine["screen"], (url, refine)
        assert not refine["outside"] and not refine["clipped"], (url, refine)
    page.goto(live_server.url + "/search?q=ferry&channel=globallead")
    controls = page.locator(
        "header form[role=search] button, a.chip, .search-sort a, .search-refine button, "
        ".search-refine select, .search-refine input:not([type=hidden])"
    )
    assert controls.count() >= 8
    heights = controls.evaluate_all("els => els.map(e => e.getBoundingClientRect().height)")
    assert min(heights) >= 44, heights
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "search-phone.png"), full_page=True)
    context.close()
