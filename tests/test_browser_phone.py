"""The site on a phone, in Debian's Chromium: no page is wider than the screen for a curator who
moderates too (the header's six links, long headlines, addresses and reasons included), the
tables keep their labels, controls are big enough to tap, and allauth's sign-up is the site's
page. And htmx, answering a refused comment, breaks no Content Security Policy rule.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from django.urls import reverse
from playwright.sync_api import Browser, Page, expect

from conftest import ARTIFACTS, logged_in
from masthead.accounts.tests.factories import MemberFactory
from masthead.channels.models import ChannelRole
from masthead.channels.services import role_grant
from masthead.core.tests.webserver import Reply
from masthead.discussion.services import comment_create, comment_remove
from masthead.ingest.services.candidates import candidate_submit
from masthead.ingest.services.subscriptions import feed_add
from masthead.stories.models import Story

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
SMALL_PHONE = {"width": 320, "height": 640}
DESKTOP = {"width": 1280, "height": 800}
SLUG = "-".join(["the-ferry-crossing-and-what-it-means-for-the-region"] * 3)
REASON = (
    "Personal attacks on another member, against rule 2 of the channel's house rules: "
    "argue with the idea, never with the person"
)
OVERFLOW = """() => ({
    width: document.documentElement.scrollWidth,
    screen: innerWidth,
    wider: [...document.querySelectorAll('body *')]
        .filter(e => e.getBoundingClientRect().right > innerWidth + 0.5)
        .map(e => e.tagName + '.' + e.className).slice(0, 5),
})"""


@pytest.fixture
def desk_member(story: Story, member: Any, other_member: Any, web: Any) -> Any:
    """A curator and moderator with a long handle, an unread reply in the inbox (so the header
    shows all six links), and a channel with a long reason in its log, a candidate whose
    headline is its long address, a feed with a long address and a comment with a long word."""
    channel = story.channel
    user = MemberFactory(handle="curator_with_a_long_handle", display_name="Curator")
    role_grant(actor=None, channel=channel, user=user, role=ChannelRole.Role.CURATOR)
    role_grant(actor=None, channel=channel, user=user, role=ChannelRole.Role.MODERATOR)
    mine, _ = comment_create(actor=user, story=story, body="A word from the desk.")
    comment_create(actor=member, story=story, body="A reply to the desk.", parent=mine)
    rude, _ = comment_create(actor=other_member, story=story, body="Something rude")
    comment_remove(actor=user, comment=rude, reason=REASON)
    comment_create(actor=member, story=story, body="See https://ledger.example/" + "x" * 120)
    web.route(f"/2026/12/01/{SLUG}.html", Reply(404, b"gone"))  # no title: the address shows
    candidate_submit(actor=user, channel=channel, url=web.url(f"/2026/12/01/{SLUG}.html"))
    feed_add(actor=user, channel=channel, url=f"https://ledger.example/feeds/{SLUG}.xml")
    return user


def test_no_page_is_wider_than_a_phone_for_a_curator_who_moderates(
    browser: Browser, live_server: Any, story: Story, desk_member: Any
) -> None:
    channel = story.channel.slug
    pages = {
        "front": "/",
        "story": story.get_absolute_url(),
        "log": reverse("moderation:log", kwargs={"channel": channel}),
        "queue": reverse("ingest:queue", kwargs={"channel": channel}),
        "desk": reverse("stories:desk", kwargs={"channel": channel}),
        "feeds": reverse("ingest:feeds", kwargs={"channel": channel}),
        "moderation": reverse("discussion:queue", kwargs={"channel": channel}) + "?show=removed",
        "rules": reverse("moderation:rules", kwargs={"channel": channel}),
    }
    context = logged_in(browser, live_server, desk_member, viewport=PHONE)
    page = context.new_page()
    ARTIFACTS.mkdir(exist_ok=True)
    for viewport in (PHONE, SMALL_PHONE):
        page.set_viewport_size(viewport)
        for name, path in pages.items():
            page.goto(live_server.url + path)
            nav = page.get_by_role("navigation", name="Account")
            expect(nav).to_contain_text("Inbox (1")
            measured = page.evaluate(OVERFLOW)
            assert measured["width"] <= measured["screen"], (name, viewport, measured)
            log_out = nav.get_by_role("button", name="Log out").bounding_box()
            assert log_out and log_out["x"] + log_out["width"] <= viewport["width"], name
            if viewport == PHONE:
                page.screenshot(path=str(ARTIFACTS / f"phone-{name}.png"), full_page=True)

    page.set_viewport_size(PHONE)
    page.goto(live_server.url + pages["log"])
    reason = page.locator("td[data-label='Reason']", has_text=REASON)
    expect(reason).to_be_in_viewport()
    assert label_of(reason) == "Reason"
    page.goto(live_server.url + pages["desk"])
    assert label_of(page.locator("td[data-label='Status']").first) == "Status"
    page.goto(live_server.url + pages["feeds"])
    assert label_of(page.locator("td[data-label='Last poll']").first) == "Last poll"
    page.goto(live_server.url + pages["queue"])
    candidate = page.locator(".candidate").first
    title = candidate.locator(".candidate__title").bounding_box()
    actions = candidate.locator(".candidate__actions").bounding_box()
    assert title and actions and title["y"] + title["height"] <= actions["y"]  # not under them

    page.set_viewport_size(DESKTOP)
    page.goto(live_server.url + pages["log"])
    assert label_of(page.locator("td[data-label='Reason']").first) == ""  # a table again
    expect(page.locator(".moderation-log thead")).to_be_visible()
    context.close()


def label_of(cell: Any) -> str:
    content = cell.evaluate("td => getComputedStyle(td, '::before').content")
    return "" if content == "none" else str(content).strip('"')


def test_the_sign_up_page_is_the_sites_page_on_a_phone(page: Page, live_server: Any) -> None:
    page.set_viewport_size(PHONE)
    page.goto(live_server.url + "/accounts/signup/")
    expect(page).to_have_title(f"Sign up · {settings.MASTHEAD_SITE_NAME}")
    expect(page.locator(".site-header .wordmark")).to_have_text(settings.MASTHEAD_SITE_NAME)
    main = page.locator("main")
    expect(main.locator("h1")).to_have_text("Sign up")
    expect(main.get_by_role("link", name="Log in")).to_be_visible()
    button = main.get_by_role("button", name="Sign up")
    ink = page.evaluate("getComputedStyle(document.documentElement).getPropertyValue('--ink')")
    assert button.evaluate("b => getComputedStyle(b).backgroundColor") == hex_to_rgb(ink)
    assert "Georgia" in main.locator("h1").evaluate("h => getComputedStyle(h).fontFamily")
    email = main.get_by_label("Email").bounding_box()
    form = main.locator("form").bounding_box()
    assert email and form and email["width"] == form["width"]  # the site's full-width fields
    measured = page.evaluate(OVERFLOW)
    assert measured["width"] <= measured["screen"], measured
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "phone-signup.png"), full_page=True)


def hex_to_rgb(value: str) -> str:
    value = value.strip().lstrip("#")
    red, green, blue = (int(value[i : i + 2], 16) for i in (0, 2, 4))
    return f"rgb({red}, {green}, {blue})"


def test_a_refused_comment_breaks_no_content_security_policy(
    browser: Browser, live_server: Any, story: Story, member: Any
) -> None:
    context = logged_in(browser, live_server, member, viewport=PHONE)
    page = context.new_page()
    page.add_init_script(
        "window.violations = [];"
        "document.addEventListener('securitypolicyviolation',"
        " e => window.violations.push(e.violatedDirective + ' ' + e.sourceFile))"
    )
    page.goto(live_server.url + story.get_absolute_url())
    page.get_by_label("Join the discussion").fill("   ")
    with page.expect_response(lambda response: response.request.method == "POST") as answer:
        page.get_by_role("button", name="Post comment").click()
    assert answer.value.status == 422
    expect(page.locator("#comment-form")).to_contain_text("Write something before posting.")
    assert page.evaluate("window.violations") == []
    assert page.evaluate("document.querySelectorAll('style, [style]').length") == 0
    # htmx's indicator, whose inline style is turned off, is styled by the stylesheet.
    opacity = page.evaluate(
        """() => {
            const idle = document.createElement('span'), busy = document.createElement('div');
            idle.className = 'htmx-indicator'; busy.className = 'htmx-request';
            busy.append(idle.cloneNode()); document.body.append(idle, busy);
            return [getComputedStyle(idle).opacity, getComputedStyle(busy.firstChild).opacity];
        }"""
    )
    assert opacity == ["0", "1"]
    # And a comment posted: htmx swaps the fresh form in and settles it without copying a
    # style attribute (its default would, and the CSP refuses it).
    page.get_by_label("Join the discussion").fill("A comment that is posted.")
    # The member dragged the box's corner: the browser sets its size in its style attribute.
    page.evaluate("document.querySelector('#comment-form textarea').style.height = '12em'")
    page.evaluate("window.violations = []")
    with page.expect_response(lambda response: response.request.method == "POST") as answer:
        page.get_by_role("button", name="Post comment").click()
    assert answer.value.ok
    expect(page.locator("#threads")).to_contain_text("A comment that is posted.")
    page.wait_for_timeout(200)  # past htmx's settle delay
    assert page.evaluate("window.violations") == []
    assert page.evaluate("document.querySelectorAll('#comment-form [style]').length") == 0
    context.close()


@pytest.mark.parametrize(("touch", "least"), [(False, 24), (True, 44)])
def test_comment_actions_are_big_enough_to_tap(
    browser: Browser,
    live_server: Any,
    story: Story,
    member: Any,
    other_member: Any,
    touch: bool,
    least: int,
) -> None:
    comment_create(actor=other_member, story=story, body="Something to answer")
    context = logged_in(
        browser, live_server, member, viewport=PHONE, has_touch=touch, is_mobile=touch
    )
    page = context.new_page()
    page.goto(live_server.url + story.get_absolute_url())
    actions = page.locator("#comment-1-1 .comment-actions").locator("a, button")
    expect(actions).to_have_text(["Respect 0", "Reply", "Report"])
    heights = actions.evaluate_all("els => els.map(e => e.getBoundingClientRect().height)")
    assert min(heights) >= least, heights
    context.close()


def test_number_fields_look_like_the_other_fields(
    browser: Browser, live_server: Any, channel: Any, curator: Any
) -> None:
    role_grant(actor=None, channel=channel, user=curator, role=ChannelRole.Role.MODERATOR)
    context = logged_in(browser, live_server, curator, viewport=DESKTOP)
    page = context.new_page()
    page.goto(live_server.url + reverse("moderation:rules", kwargs={"channel": channel.slug}))
    style = (
        "e => ['paddingTop', 'borderTopWidth', 'borderTopLeftRadius', 'fontSize', 'height']"
        ".map(p => getComputedStyle(e)[p])"
    )
    number = page.locator("main input[type=number]").first.evaluate(style)
    text = page.locator("main input[type=text]").first.evaluate(style)
    assert number == text
    context.close()
