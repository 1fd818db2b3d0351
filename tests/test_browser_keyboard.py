"""The keyboard in Debian's Chromium: the skip link moves the focus to the content (the next
Tab goes on from there, not from the header), Escape closes a form opened in a comment's
slot as its Cancel link does, asking first when words were typed, and the comment box counts
the characters left as the member types."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from conftest import logged_in
from masthead.discussion.services import comment_create
from masthead.stories.models import Story

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_skip_link_moves_the_focus_to_the_content(
    page: Page, live_server: Any, story: Story
) -> None:
    page.goto(live_server.url + story.get_absolute_url())
    page.keyboard.press("Tab")
    expect(page.locator(".skip-link")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("main#main")).to_be_focused()
    page.keyboard.press("Tab")
    inside = page.evaluate("() => document.querySelector('main').contains(document.activeElement)")
    assert inside, page.evaluate("() => document.activeElement.outerHTML.slice(0, 200)")


def test_escape_closes_a_reply_form_and_keeps_typed_words_unless_told(
    browser: Browser, live_server: Any, story: Story, member: Any, other_member: Any
) -> None:
    comment, _ = comment_create(actor=other_member, story=story, body="Something to answer.")
    context = logged_in(browser, live_server, member)
    page = context.new_page()
    page.goto(live_server.url + story.get_absolute_url())
    article = page.locator(f"#{comment.anchor}")
    slot = article.locator(".comment-slot")

    article.get_by_role("link", name="Reply").click()
    expect(slot.locator("textarea")).to_be_focused()
    page.keyboard.press("Escape")  # nothing typed: closes at once
    expect(slot.locator("form")).to_have_count(0)
    expect(article).to_be_focused()

    article.get_by_role("link", name="Reply").click()
    expect(slot.locator("textarea")).to_be_focused()
    page.keyboard.type("Half a thought")
    page.once("dialog", lambda dialog: dialog.dismiss())  # "Discard what you wrote?" No
    page.keyboard.press("Escape")
    expect(slot.locator("textarea")).to_have_value("Half a thought")
    page.once("dialog", lambda dialog: dialog.accept())  # Yes
    page.keyboard.press("Escape")
    expect(slot.locator("form")).to_have_count(0)
    context.close()


def test_the_comment_box_counts_the_characters_left(
    browser: Browser, live_server: Any, story: Story, member: Any
) -> None:
    context = logged_in(browser, live_server, member)
    page = context.new_page()
    page.goto(live_server.url + story.get_absolute_url())
    form = page.locator("#comment-form")
    expect(form.locator(".help")).to_contain_text("Up to 5,000 characters.")
    counter = form.locator(".char-count")
    expect(counter).to_have_text("5,000 characters left")
    box = page.get_by_label("Join the discussion")
    box.fill("é" * 4990)  # counted as the server counts: characters, not bytes
    expect(counter).to_have_text("10 characters left")
    box.fill("🙂" * 5012)  # one character each, two UTF-16 units
    expect(counter).to_have_text("12 characters over the limit")
    assert "char-count--over" in (counter.get_attribute("class") or "")
    assert counter.get_attribute("aria-live") == "polite"  # near the limit, it is read out
    context.close()
