"""The search page passes the Nu Html Checker in each of its states: the prompt, results with
marked words and pages, results narrowed by every filter (chips), no results with suggestions,
a refused filter, a refused query; for a reader and for a member."""

from __future__ import annotations

import datetime as dt
import subprocess
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from masthead.search.index import index_pending
from masthead.stories.models import Story
from masthead.stories.services import story_create, story_publish

pytestmark = [pytest.mark.django_db, pytest.mark.htmlcheck]


def test_search_pages_have_no_html_errors(
    vnu_command: list[str], tmp_path: Path, section: Any, member: Any
) -> None:
    start = dt.datetime(2026, 3, 1, 9, tzinfo=dt.UTC)
    for number in range(23):
        story = story_create(
            actor=None,
            channel=section.channel,
            section=section,
            headline=f"Ferry crossing <{number}> & the “harbour”",
            body="<p>The ferry left at dawn; &lt;b&gt;tags&lt;/b&gt; in the text.</p>",
            **(
                {
                    "kind": Story.Kind.CURATED,
                    "original_url": f"https://ledger.example/ferry-{number}",
                    "source_name": "The Ledger",
                }
                if number % 2
                else {}
            ),
        )
        story_publish(actor=None, story=story, at=start + dt.timedelta(hours=number))
    index_pending()
    channel = section.channel.slug
    reader, as_member = Client(), Client()
    as_member.force_login(member)
    pages = {
        "prompt": (reader, "/search"),
        "results": (reader, "/search?q=ferry"),
        "results-page-2": (reader, "/search?q=ferry&page=2"),
        "results-member": (as_member, "/search?q=ferry+harbour&sort=newest"),
        "chips": (
            reader,
            f"/search?q=ferry&channel={channel}&section={section.slug}&source=ledger.example"
            "&kind=curated&from=2026-03-01&to=2026-03-02",
        ),
        "none": (reader, f"/search?q=ferry+zeppelin&channel={channel}&kind=original"),
        "none-phrase": (reader, '/search?q="zeppelin+harbour"'),
        "bad-filter": (reader, "/search?q=ferry&channel=nowhere&from=yesterday"),
        "bad-query": (reader, "/search?q=-ferry"),
        "hostile": (reader, "/search?q=%22%3E%3Cscript%3Ealert(1)%3C/script%3E&kind=%3Cb%3E"),
    }
    # What each page must show, so that the checker sees every state.
    shows = {
        "prompt": "search-prompt",
        "results": "search-result__snippet",
        "results-page-2": 'rel="prev"',
        "results-member": "search-result",
        "chips": 'data-filter="to"',
        "none": "search-suggestions",
        "none-phrase": "search-none",
        "bad-filter": "chip--invalid",
        "bad-query": "form-errors",
        "hostile": "chip--invalid",
    }
    files = []
    for name, (client, url) in pages.items():
        response = client.get(url)
        assert response.status_code in (200, 400), (name, response.status_code)
        assert shows[name] in response.content.decode(), name
        path = tmp_path / f"search-{name}.html"
        path.write_bytes(response.content)
        files.append(str(path))
    result = subprocess.run(
        [*vnu_command, *files], capture_output=True, text=True, timeout=180, check=False
    )
    report = (result.stdout + result.stderr).strip()
    assert result.returncode == 0, f"Nu Html Checker errors:\n{report}"
