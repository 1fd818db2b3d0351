"""The demo's content as crawlers see it: the sitemaps list every public story of the demo
and pass the schema, the news sitemap has the last two days' stories, and every story page's
JSON-LD uses schema.org 12.0 terms only."""

from __future__ import annotations

import json

import lxml.html
import pytest
from django.test import Client

from masthead.demo import loader
from masthead.discovery.tests.schemaorg import check
from masthead.discovery.tests.test_sitemaps import BASE, _document, _locs
from masthead.stories.models import Story

pytestmark = pytest.mark.django_db


def test_the_demos_sitemaps_and_structured_data(client: Client) -> None:
    loader.load()
    listed: list[str] = []
    for loc in _locs(_document(client, "/sitemap.xml"), "sitemap"):
        listed += _locs(_document(client, loc.removeprefix(BASE)))
    public = Story.objects.published().select_related("channel", "section")
    story_urls = {BASE + story.get_absolute_url() for story in public}
    assert story_urls <= set(listed)
    assert len(story_urls) >= 20
    assert len(_locs(_document(client, "/sitemap-news.xml"))) >= 1
    hidden = Story.objects.exclude(pk__in=public.values("pk")).select_related("channel", "section")
    assert not {BASE + story.get_absolute_url() for story in hidden} & set(listed)
    for story in public:
        page = lxml.html.fromstring(client.get(story.get_absolute_url()).content)
        (script,) = page.xpath('//script[@type="application/ld+json"]')
        graph = json.loads(script.text)["@graph"]
        assert check(graph) == [], story.get_absolute_url()
