"""The API's docs page in Debian's Chromium: Swagger UI loads from the site's own static
files under the site's Content Security Policy (no violation, no request to another host),
lists every operation of the OpenAPI document, and its "Try it out" reads a story list."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page, expect

from conftest import ARTIFACTS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_docs_page_renders_under_the_csp(page: Page, live_server: Any, story: Any) -> None:
    problems: list[str] = []
    hosts: set[str] = set()
    page.on(
        "console",
        lambda message: (
            problems.append(message.text)
            if message.type == "error" or "Content Security Policy" in message.text
            else None
        ),
    )
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on("request", lambda request: hosts.add(urlsplit(request.url).netloc))
    page.goto(live_server.url + "/api/v1/docs")
    operations = page.locator(".opblock")
    expect(operations.first).to_be_visible(timeout=15_000)
    document = page.request.get(live_server.url + "/api/v1/openapi.json").json()
    count = sum(len(methods) for methods in document["paths"].values())
    expect(operations).to_have_count(count)
    page.locator("#operations-stories-story_list").click()
    page.get_by_role("button", name="Try it out").click()
    page.get_by_role("button", name="Execute").click()
    expect(page.locator(".responses-wrapper .response .response-col_status").first).to_have_text(
        "200", timeout=10_000
    )
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "api-docs.png"), full_page=False)
    assert hosts == {urlsplit(live_server.url).netloc}, hosts
    assert not problems, problems
