"""The settings pages that hold a secret, in Debian's Chromium: their buttons work (the pages
once sent "Referrer-Policy: no-referrer", under which Chromium posts a page's own forms with
"Origin: null" and the CSRF check refused every one), and on a phone the tokens table keeps
to the screen."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Browser, expect

from conftest import logged_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


@pytest.mark.parametrize(
    "viewport", [{"width": 1280, "height": 800}, PHONE], ids=["desktop", "phone"]
)
def test_a_member_makes_and_revokes_a_token_in_the_browser(
    browser: Browser, live_server: Any, member: Any, viewport: dict[str, int]
) -> None:
    context = logged_in(browser, live_server, member, viewport=viewport)
    page = context.new_page()
    page.goto(live_server.url + "/accounts/tokens/")
    page.get_by_label("Name").fill("my reader script")
    page.get_by_role("button", name="Make the token").click()
    expect(page.locator(".token-secret")).to_contain_text("mh_")
    wider = page.evaluate("() => document.documentElement.scrollWidth - innerWidth")
    assert wider <= 0, f"the tokens page is {wider} px wider than the screen"
    page.get_by_text("Revoke…").click()
    page.get_by_role("button", name="Yes, revoke “my reader script”").click()
    expect(page.locator("table.tokens")).to_contain_text("revoked")
    context.close()


def test_a_member_makes_their_feed_addresses_in_the_browser(
    browser: Browser, live_server: Any, member: Any
) -> None:
    context = logged_in(browser, live_server, member)
    page = context.new_page()
    page.goto(live_server.url + "/accounts/feeds/")
    page.get_by_role("button", name="Make my feed addresses").click()
    expect(page.locator("main code").first).to_contain_text("/feeds/")
    context.close()
