"""The demo's made-up publishers (masthead/demo/sources.py): an article Masthead fetches through
its guarded client and reads (headline, byline, time with its offset, photo with caption and
credit), a feed it polls, and the fetcher's allowance: the demo's settings reach that one
address and port and nothing else on the machine; production settings reach none of it."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from bs4 import BeautifulSoup
from django.test import Client
from django.urls import reverse

from conftest import ROOT
from masthead.core.http import FetchError, fetch
from masthead.core.tests.webserver import Reply
from masthead.demo.sources import SourcesServer, catalogue
from masthead.ingest import services
from masthead.ingest.models import Candidate, Feed
from masthead.stories.models import Story

ARTICLE = "hl-canal-street-bridge"  # the one `masthead demo` suggests pasting


@pytest.fixture
def publishers() -> Iterator[SourcesServer]:
    server = SourcesServer(0).start()
    yield server
    server.stop()


@pytest.fixture
def demo_allowance(settings: Any, publishers: SourcesServer) -> SourcesServer:
    """The fetcher as settings/local.py sets it while `masthead demo` runs, not as the tests
    set it (all of 127.0.0.0/8)."""
    settings.MASTHEAD_FETCH_ALLOW_NETWORKS = []
    settings.MASTHEAD_FETCH_ALLOW_ENDPOINTS = [publishers.endpoint]
    return publishers


@pytest.mark.django_db
def test_a_pasted_article_is_fetched_read_and_curated_with_its_photo(
    demo_allowance: SourcesServer,
    curator_client: Client,
    curator: Any,
    section: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    article = catalogue().articles[ARTICLE]
    url = demo_allowance.base_url + article.path
    with django_capture_on_commit_callbacks(execute=True):  # the worker's fetch, run here
        response = curator_client.post(
            reverse("ingest:submit", kwargs={"channel": section.channel.slug}), {"url": url}
        )
    candidate = Candidate.objects.get()
    assert response.status_code == 302 and candidate.item.fetch_error == ""
    initial = services.candidate_initial(candidate)
    assert initial["headline"] == article.headline
    assert initial["byline"] == article.byline
    assert initial["source_name"] == "The Harbour Ledger"
    assert initial["excerpt"].startswith("PORT HOLLIS — The Canal Street lift bridge")
    published = dt.datetime.fromisoformat(candidate.item.extracted["published"])
    assert published.utcoffset() in {dt.timedelta(hours=-6), dt.timedelta(hours=-5)}
    assert published.strftime("%H:%M") == article.time
    assert initial["image_url"] == demo_allowance.base_url + article.image_path
    assert initial["image_caption"] == article.image["caption"]
    assert initial["image_credit"] == article.image["credit"]

    page = BeautifulSoup(curator_client.get(response["Location"]).content, "html.parser")
    form = {
        field["name"]: field.get("value", "")
        for field in page.select("form.story-form input")
        if field.get("type") not in {"file", "radio", "checkbox"} and field.get("name")
    }
    form.update(
        section=section.pk,
        action="publish",
        time_zone=page.find("select", {"name": "time_zone"}).find("option", selected=True)["value"],
        comments_open="on",
        excerpt=page.find("textarea", {"name": "excerpt"}).text,
        body="",
        image_alt=article.image["alt"],
    )
    saved = curator_client.post(response["Location"], form)  # the photo is copied from its URL
    story = Story.objects.get()
    assert saved["Location"] == story.get_absolute_url()
    assert story.status == Story.Status.PUBLISHED and story.original_url == url
    assert story.image and story.image_width == 1600  # the publisher's photo, copied
    page = curator_client.get(story.get_absolute_url()).content.decode()
    assert article.image["credit"] in page and "Read full story" in page


@pytest.mark.django_db
def test_a_publishers_page_leads_to_its_feed_and_a_poll_brings_its_items(
    demo_allowance: SourcesServer, curator: Any, channel: Any
) -> None:
    found = catalogue()
    publisher = found.publishers["field-station"]
    feed = services.feed_subscribe(
        actor=curator, channel=channel, url=demo_allowance.base_url + publisher.path
    )
    assert feed.url == demo_allowance.base_url + publisher.feed_path  # found by its <link>
    result = services.feed_poll(Feed.objects.get(pk=feed.pk))
    expected = {a.headline for a in found.in_feed(publisher)}
    assert result.status == "ok" and result.new == len(expected) == 3
    items = [c.item for c in Candidate.objects.filter(feed=feed).select_related("item")]
    assert {item.title for item in items} == expected
    assert all(item.author and item.published_at and item.image_url for item in items)
    assert all(item.url.startswith(demo_allowance.base_url + "/field-station/") for item in items)


@pytest.mark.django_db
def test_the_demo_allowance_reaches_its_publishers_and_nothing_else_on_the_machine(
    publishers: SourcesServer, web: Any, settings: Any
) -> None:
    robots = publishers.base_url + "/robots.txt"
    settings.MASTHEAD_FETCH_ALLOW_NETWORKS = []
    settings.MASTHEAD_FETCH_ALLOW_ENDPOINTS = []  # as base.py (and so production) has it
    with pytest.raises(FetchError) as refused:
        fetch(robots, expect="any")
    assert refused.value.code == "blocked" and "loopback" in str(refused.value)

    settings.MASTHEAD_FETCH_ALLOW_ENDPOINTS = [publishers.endpoint]  # as the demo has it
    assert fetch(robots, expect="any").status == 200
    elsewhere = web.route("/admin", Reply(200, b"<html>another local service</html>"))
    with pytest.raises(FetchError) as refused:
        fetch(elsewhere)  # 127.0.0.1 too, on another port
    assert refused.value.code == "blocked"
    assert web.requests == []


FETCH_ARTICLE = """
import json, os
import django
django.setup()
from django.conf import settings
from masthead.core.http import FetchError, fetch
from masthead.ingest.extract import extract
url = os.environ["ARTICLE_URL"]
try:
    found = extract(fetch(url, robots=True).content, url=url).as_json()
    outcome = {"headline": found["headline"], "published": found["published"]}
except FetchError as error:
    outcome = {"refused": error.code, "reason": str(error)}
print(json.dumps({"site_url": settings.MASTHEAD_SITE_URL, **outcome}))
"""


def _fetch_in(settings_module: str, url: str, tmp_path: Path, **env: str) -> dict[str, Any]:
    base = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("MASTHEAD_", "DATABASE_URL", "CACHE_URL", "PORT"))
    }
    done = subprocess.run(
        [sys.executable, "-c", FETCH_ARTICLE],
        cwd=ROOT,
        env={
            **base,
            "DJANGO_SETTINGS_MODULE": settings_module,
            "MASTHEAD_VAR": str(tmp_path),
            "ARTICLE_URL": url,
            **env,
        },
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


@pytest.mark.nodb
def test_the_real_settings_modules_local_while_the_demo_runs_and_production(
    publishers: SourcesServer, tmp_path: Path
) -> None:
    article = catalogue().articles[ARTICLE]
    url = publishers.base_url + article.path
    demo = {"MASTHEAD_DEMO_SOURCES": publishers.endpoint}

    local = _fetch_in("masthead.settings.local", url, tmp_path, PORT="8765", **demo)
    assert local["headline"] == article.headline and local["published"].endswith(":00")
    assert local["site_url"] == "http://127.0.0.1:8765"  # links in e-mails follow PORT

    production = _fetch_in(
        "masthead.settings.production",
        url,
        tmp_path,
        SECRET_KEY="x" * 20 + "production-like-key-for-this-test-only",
        ALLOWED_HOSTS="news.example",
        **demo,  # set or not, production reads no such thing
    )
    assert production["refused"] in {"blocked", "robots"}
    assert "loopback" in production["reason"]

    without_demo = _fetch_in("masthead.settings.local", url, tmp_path)
    assert without_demo["refused"] in {"blocked", "robots"}
    assert without_demo["site_url"] == "http://127.0.0.1:8000"
