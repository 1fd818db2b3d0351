"""Real browser tests: Debian's Chromium driven by Playwright against Django's live server.

A reader sees every element of the reference page; a newcomer signs up, confirms the address
from the console e-mail, and comments and replies: with JavaScript (htmx swaps the comments in,
no reload) and without it (plain form posts).
"""

from __future__ import annotations

import datetime as dt
import io
import re
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.test import override_settings
from PIL import Image, ImageDraw
from playwright.sync_api import Browser, Page, expect

from conftest import ARTIFACTS
from masthead.discussion.services import comment_create
from masthead.stories.models import Story
from masthead.stories.services import story_create, story_publish
from masthead.stories.tests.factories import StoryFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CONSOLE_EMAIL = "django.core.mail.backends.console.EmailBackend"


def photo() -> io.BytesIO:
    image = Image.new("RGB", (1600, 1000), "#2b3a55")
    ImageDraw.Draw(image).rectangle([0, 600, 1600, 1000], fill="#ce7777")
    buffer = io.BytesIO()
    image.save(buffer, "JPEG")
    buffer.seek(0)
    return buffer


@pytest.fixture
def reference_story(section: Any, member: Any) -> Story:
    story = story_create(
        actor=None,
        channel=section.channel,
        section=section,
        kind=Story.Kind.CURATED,
        headline="Ferry Puts Old Ties Before New Tensions",
        byline="Ilse Marten",
        time_zone="America/Los_Angeles",
        excerpt="A ferry service sails on at a loss.",
        body="The first crossing left at dawn.\n\n“We were in a hurry,” said the operator.\n\n"
        "## Migrant Workers\n\nA program employs thousands.\n\n## Russia, China\n\n"
        "Neighbours urged restraint.",
        original_url="https://ledger.example/2017/07/ferry",
        source_name="The Example Ledger",
        image=photo(),
        image_caption="The ferry in port on May 18, 2017",
        image_credit="Photographer: Jo Park/Agency",
        image_alt="A ferry at a quay at dusk",
    )
    story = story_publish(
        actor=None,
        story=story,
        at=dt.datetime(2017, 7, 25, 14, 1, tzinfo=ZoneInfo("America/Los_Angeles")),
    )
    comment_create(actor=member, story=story, body="Lets hope for the best for every country.")
    StoryFactory(
        section=section,
        headline="Another Story From the Channel",
        published_at=dt.datetime(2017, 7, 24, tzinfo=dt.UTC),
    )
    return story


def test_reader_sees_every_element_of_the_story_page(
    page: Page, live_server: Any, reference_story: Story
) -> None:
    page.goto(live_server.url + reference_story.get_absolute_url())
    main = page.locator("main")
    expect(main.locator("h1")).to_have_text("Ferry Puts Old Ties Before New Tensions")
    expect(main.locator(".byline")).to_have_text("By Ilse Marten")
    time = main.locator(".dateline time")
    expect(time).to_have_text("July 25, 2017, 2:01 PM PDT")
    expect(time).to_have_attribute("datetime", "2017-07-25T21:01:00+00:00")
    figure = main.locator("figure")
    expect(figure.locator("img")).to_have_attribute("alt", "A ferry at a quay at dusk")
    assert figure.locator("img").evaluate("img => img.naturalWidth") == 1600  # it loaded
    expect(figure.locator("figcaption")).to_contain_text("The ferry in port on May 18, 2017")
    expect(figure.locator("figcaption")).to_contain_text("Photographer: Jo Park/Agency")
    expect(main.locator(".story-body h2")).to_have_text(["Migrant Workers", "Russia, China"])
    read_full = main.get_by_role("link", name="Read full story")
    expect(read_full).to_have_attribute("href", "https://ledger.example/2017/07/ferry")
    expect(main.locator(".read-full")).to_contain_text("The Example Ledger")
    expect(main.locator("#comments-heading")).to_have_text("Comments (1)")
    first = main.locator("#comment-1-1")
    expect(first.locator(".comment-number")).to_have_text("No. 1-1")
    expect(first.locator(".display-name")).to_have_text("Reader One")
    expect(first.locator(".handle")).to_have_text("@reader_one")
    expect(main.locator(".login-prompt")).to_contain_text("to join the discussion")
    stories = main.get_by_role("region", name="Stories")
    expect(stories.locator("li")).to_have_text([re.compile("Another Story From the Channel")])
    ARTIFACTS.mkdir(exist_ok=True)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.screenshot(path=str(ARTIFACTS / "story-page.png"), full_page=True)


def sign_up(page: Page, base: str, capsys: Any, *, handle: str, email: str) -> None:
    """Sign up, read the confirmation link from the console e-mail, and confirm."""
    page.goto(base + "/accounts/signup/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password", exact=True).fill("a-long-pass-phrase")
    page.get_by_label("Password (again)").fill("a-long-pass-phrase")
    page.get_by_label("Handle").fill(handle)
    page.get_by_label("Display name").fill(handle.title())
    page.get_by_role("button", name="Sign up").click()
    expect(page.locator("main h1")).to_have_text("Check your e-mail")
    printed = capsys.readouterr().out
    link = re.search(r"(http://\S+/accounts/confirm-email/\S+/)", printed)
    assert link, f"no confirmation link in the console e-mail:\n{printed[-2000:]}"
    page.goto(link.group(1))
    page.get_by_role("button", name="Confirm").click()
    expect(page.locator(".account-nav")).to_contain_text(f"@{handle}")


@override_settings(EMAIL_BACKEND=CONSOLE_EMAIL)
def test_newcomer_signs_up_and_comments_without_reloads(
    page: Page, live_server: Any, capsys: Any, story: Story
) -> None:
    sign_up(page, live_server.url, capsys, handle="newcomer", email="new@example.test")
    page.goto(live_server.url + story.get_absolute_url())
    page.evaluate("window.pageToken = 'same page'")  # lost if the page reloads

    page.get_by_label("Join the discussion").fill("First *thoughts* on this.")
    page.get_by_role("button", name="Post comment").click()
    first = page.locator("#comment-1-1")
    expect(first.locator(".comment-number")).to_have_text("No. 1-1")
    expect(first.locator(".comment-body em")).to_have_text("thoughts")
    expect(page.locator("#comments-heading")).to_have_text("Comments (1)")
    expect(page.get_by_label("Join the discussion")).to_have_value("")  # a fresh form

    first.get_by_role("link", name="Reply").click()
    page.get_by_label("Your reply to No. 1-1").fill("And a reply to myself.")
    page.get_by_role("button", name="Post reply").click()
    reply = page.locator("#comment-1-2")
    expect(reply.locator(".comment-number")).to_have_text("No. 1-2")
    expect(reply.locator(".handle")).to_have_text("@newcomer")
    expect(page.locator("#comments-heading")).to_have_text("Comments (2)")
    expect(page.locator(".comment-slot form")).to_have_count(0)
    assert page.evaluate("window.pageToken") == "same page"

    page.get_by_label("Join the discussion").fill("   ")
    page.get_by_role("button", name="Post comment").click()
    expect(page.locator("#comment-form")).to_contain_text("Write something before posting.")
    assert page.evaluate("window.pageToken") == "same page"


@override_settings(EMAIL_BACKEND=CONSOLE_EMAIL)
def test_newcomer_signs_up_and_comments_with_javascript_disabled(
    browser: Browser, live_server: Any, capsys: Any, story: Story
) -> None:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    sign_up(page, live_server.url, capsys, handle="plainreader", email="plain@example.test")
    page.goto(live_server.url + story.get_absolute_url())
    page.get_by_label("Join the discussion").fill("Posted without JavaScript.")
    page.get_by_role("button", name="Post comment").click()
    expect(page).to_have_url(re.compile(r"#comment-1-1$"))
    expect(page.locator("#comment-1-1 .comment-number")).to_have_text("No. 1-1")

    page.locator("#comment-1-1").get_by_role("link", name="Reply").click()
    expect(page.locator("h1")).to_have_text("Reply to No. 1-1")
    page.get_by_label("Your reply to No. 1-1").fill("A reply, also without JavaScript.")
    page.get_by_role("button", name="Post reply").click()
    expect(page).to_have_url(re.compile(r"#comment-1-2$"))
    expect(page.locator("#comment-1-2 .comment-number")).to_have_text("No. 1-2")
    expect(page.locator("#comments-heading")).to_have_text("Comments (2)")
    context.close()


@override_settings(EMAIL_BACKEND=CONSOLE_EMAIL)
def test_a_new_members_first_comment_waits_and_a_moderator_approves_it(
    page: Page, browser: Browser, live_server: Any, capsys: Any, story: Story
) -> None:
    from masthead.accounts.tests.factories import PASSWORD, MemberFactory
    from masthead.channels.models import ChannelRole
    from masthead.channels.services import role_grant
    from masthead.moderation.models import ChannelRules

    ChannelRules.objects.create(channel=story.channel, premoderation="new")
    moderator = MemberFactory(handle="deskmod", email="deskmod@example.test")
    role_grant(actor=None, channel=story.channel, user=moderator, role=ChannelRole.Role.MODERATOR)

    sign_up(page, live_server.url, capsys, handle="firsttimer", email="first@example.test")
    page.goto(live_server.url + story.get_absolute_url())
    page.get_by_label("Join the discussion").fill("My very first comment, be kind.")
    page.get_by_role("button", name="Post comment").click()
    mine = page.locator("#comment-1-1")
    expect(mine.locator(".moderation-flag")).to_have_text("Awaiting review")

    reader = browser.new_page()
    reader.goto(live_server.url + story.get_absolute_url())
    expect(reader.locator("#comment-1-1")).to_have_count(0)

    desk = browser.new_page()
    desk.goto(live_server.url + "/accounts/login/")
    desk.get_by_label("Email").fill(moderator.email)
    desk.get_by_label("Password").fill(PASSWORD)
    desk.get_by_role("button", name="Log in").click()
    desk.get_by_role("link", name="Moderation").click()
    desk.locator("main").get_by_role("link", name=story.channel.name).click()
    expect(desk.locator("#count-pending")).to_have_text("1")
    item = desk.locator(".queue-item")
    expect(item).to_contain_text("My very first comment, be kind.")
    item.get_by_role("button", name="Approve").click()
    expect(desk.locator(".queue-item--done")).to_have_text("No. 1-1 is approved.")

    reader.reload()
    expect(reader.locator("#comment-1-1 .comment-body")).to_have_text(
        "My very first comment, be kind."
    )
    page.reload()
    expect(page.locator("#comment-1-1 .moderation-flag")).to_have_count(0)


def test_a_member_reacts_and_readers_reorder_the_comments(
    page: Page, browser: Browser, live_server: Any, story: Story
) -> None:
    from masthead.accounts.tests.factories import PASSWORD, MemberFactory

    author, reader = MemberFactory(handle="writer"), MemberFactory(handle="applauder")
    comment_create(actor=author, story=story, body="The first thread")
    comment_create(actor=author, story=story, body="The second thread")
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("Email").fill(reader.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.goto(live_server.url + story.get_absolute_url())
    page.evaluate("window.pageToken = 'same page'")
    button = page.locator("#comment-2-1").get_by_role("button", name=re.compile("Respect"))
    expect(button).to_have_attribute("aria-pressed", "false")
    button.click()
    pressed = page.locator("#comment-2-1").get_by_role("button", name=re.compile("Respect"))
    expect(pressed).to_have_attribute("aria-pressed", "true")
    expect(pressed.locator(".reaction-number")).to_have_text("1")
    assert page.evaluate("window.pageToken") == "same page"

    anonymous = browser.new_page()
    anonymous.goto(live_server.url + story.get_absolute_url())
    anonymous.get_by_role("link", name="Most reacted").click()
    numbers = anonymous.locator("#threads .comment-number")
    expect(numbers).to_have_text(["No. 2-1", "No. 1-1"])
    expect(anonymous.locator("#comment-2-1 .reaction-count")).to_have_text("Respect 1")
