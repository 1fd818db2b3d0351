"""The demo's content in its feeds: every channel's and section's feeds, and the site's,
list the demo's stories and pass the validators; the address the demo prints works."""

from __future__ import annotations

import pytest
from django.test import Client

from masthead.channels.models import Channel
from masthead.demo import loader
from masthead.demo.management.commands.demo import FEEDS_EXAMPLE, feeds_line
from masthead.feeds.tests.validators import (
    check_atom,
    check_feedparser,
    check_json_feed,
    check_rss,
)
from masthead.stories.models import Story

pytestmark = pytest.mark.django_db

CHECKS = {"rss.xml": check_rss, "atom.xml": check_atom, "feed.json": check_json_feed}


def test_the_demos_feeds_list_its_stories_and_are_valid(client: Client) -> None:
    loader.load()
    assert f"http://127.0.0.1:8000{FEEDS_EXAMPLE}atom.xml" in feeds_line("http://127.0.0.1:8000")
    bases = ["/", FEEDS_EXAMPLE]
    for channel in Channel.objects.prefetch_related("sections"):
        bases.append(channel.get_absolute_url())
        bases += [section.get_absolute_url() for section in channel.sections.all()]
    public = Story.objects.published().count()
    assert public >= 20
    for base in bases:
        for name, check in CHECKS.items():
            response = client.get(base + name)
            assert response.status_code == 200, base + name
            check(response.content, self_url="http://testserver" + base + name)
            if name != "feed.json":
                parsed = check_feedparser(response.content, response["Content-Type"])
                if base == "/":
                    assert len(parsed.entries) == min(public, 50)
                else:
                    assert parsed.entries, base + name
