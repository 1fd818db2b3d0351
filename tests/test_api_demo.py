"""The demo's content through the API: the addresses the demo prints answer, every public
story is listed once across the cursor's pages, and every story's comments read."""

from __future__ import annotations

import pytest
from django.test import Client

from masthead.demo import loader
from masthead.demo.management.commands.demo import api_line
from masthead.stories.models import Story

pytestmark = pytest.mark.django_db
SITE = "http://127.0.0.1:8000"


def test_the_demo_through_the_api(client: Client) -> None:
    loader.load()
    line = api_line(SITE)
    assert f"{SITE}/api/v1/docs" in line and f"{SITE}/accounts/tokens/" in line
    for address in [word.rstrip(",;)") for word in line.split() if word.startswith(SITE)]:
        response = client.get(address.removeprefix(SITE))
        assert response.status_code in (200, 302), address  # the tokens page asks for a login
    seen: list[str] = []
    url: str | None = "/api/v1/stories?limit=7"
    while url:
        page = client.get(url).json()
        seen += [item["id"] for item in page["items"]]
        url = page["next"]
    public = Story.objects.published()
    assert sorted(seen) == sorted(story.public_key for story in public)
    for story in public:
        response = client.get(f"/api/v1/stories/{story.public_key}/comments?limit=100")
        assert response.status_code == 200
        assert len(response.json()["items"]) <= 100
