"""The demo's stories are found from the header's search: the example the demo prints finds
stories of more than one channel, with the words marked."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup
from django.test import Client

from masthead.demo import loader
from masthead.demo.management.commands.demo import SEARCH_EXAMPLE, search_line
from masthead.search.index import index_pending

pytestmark = pytest.mark.django_db


def test_the_demos_search_example_finds_its_stories(client: Client) -> None:
    loader.load()
    index_pending()  # what the loader's commits do when it runs outside a test's transaction
    assert f"/search?q={SEARCH_EXAMPLE}" in search_line("http://127.0.0.1:8000")
    response = client.get("/search", {"q": SEARCH_EXAMPLE})
    assert response.status_code == 200
    page = BeautifulSoup(response.content, "html.parser")
    results = page.select(".search-result")
    assert len(results) >= 2
    channels = {item.select_one(".story-meta a.kicker").get_text() for item in results}
    assert len(channels) >= 2, channels
    assert page.select(".search-result mark")
