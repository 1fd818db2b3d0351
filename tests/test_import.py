"""`masthead import`: the reference capture becomes its story page, WARC pages become curated
stories, OPML lists become subscriptions; nothing twice, a summary, a failing exit code, and an
import killed half-way finishes on the next run."""

from __future__ import annotations

import io
import os
from pathlib import Path
from typing import Any

import pytest
from bs4 import BeautifulSoup
from django.conf import settings as django_settings
from django.core.management import call_command
from django.db import connection
from django.test import Client
from PIL import Image
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from conftest import SHARED, kill_midway, require_tool, shared_data
from masthead.channels.services import channel_create, section_create
from masthead.ingest.models import Feed, ImportRecord
from masthead.stories.models import Story

SEED = SHARED / "seed" / "000_27479a841d66c344.txt"


@pytest.fixture
def globallead(db: Any) -> Any:
    channel = channel_create(actor=None, slug="globallead", name="Global Lead")
    section_create(actor=None, channel=channel, slug="politics", name="Politics")
    return channel


def run_import(*args: str) -> tuple[int, str]:
    out = io.StringIO()
    try:
        call_command("import", *args, stdout=out, stderr=io.StringIO())
    except SystemExit as exit_:
        return int(exit_.code or 0), out.getvalue()
    return 0, out.getvalue()


@pytest.mark.django_db
def test_the_reference_capture_becomes_its_story_page(globallead: Any, client: Client) -> None:
    require_tool("../shared/seed", SEED.exists(), f"the reference capture at {SEED}")
    code, summary = run_import(str(SEED), "--channel", "globallead")
    assert code == 0 and "Created 1:" in summary
    story = Story.objects.get()
    assert story.get_absolute_url() in summary
    main = BeautifulSoup(client.get(story.get_absolute_url()).content, "html.parser").main
    assert main.h1.get_text() == "Putin Puts North Korea Ties Before Missile Threat"
    assert main.select_one(".byline").get_text(strip=True) == "By Ilya Arkhipov"
    assert main.select_one(".dateline time").get_text() == "July 25, 2017, 2:01 PM PDT"
    caption = main.select_one("figure figcaption").get_text(" ", strip=True)
    assert "North Korea's Mangyongbong-92 ferry in Vladivostok, Russia, on May 18, 2017" in caption
    assert "Photographer: Yuri Smityuk/TASS/Getty Images" in caption
    assert [h.get_text() for h in main.select(".story-body h2")] == [
        "Migrant Workers",
        "Russia, China",
    ]
    comment = main.select_one("#comment-1-1")
    assert comment.select_one(".comment-number").get_text() == "No. 1-1"
    assert comment.select_one(".handle").get_text() == "@charlieh"
    assert "Lets hope for the best for every country" in comment.get_text()

    code, summary = run_import(str(SEED), "--channel", "globallead")
    assert code == 0 and "Created 0:" in summary and "Already present: 1" in summary
    assert Story.objects.count() == 1 and story.comments.count() == 1


def jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (900, 600), "teal").save(out, "JPEG")
    return out.getvalue()


def write_warc(path: Path, pages: list[tuple[str, bytes, str]]) -> None:
    with path.open("wb") as output:
        writer = WARCWriter(output, gzip=True)
        for uri, body, content_type in pages:
            headers = StatusAndHeaders(
                "200 OK", [("Content-Type", content_type)], protocol="HTTP/1.1"
            )
            writer.write_record(
                writer.create_warc_record(
                    uri, "response", payload=io.BytesIO(body), http_headers=headers
                )
            )


def article(n: int, *, with_time: bool = True, published: str = "") -> bytes:
    published = published or f"2021-03-0{n % 9 + 1}T08:00:00+01:00"
    time_meta = (
        f'<meta property="article:published_time" content="{published}">' if with_time else ""
    )
    paragraphs = "".join(
        f"<p>Story {n}, paragraph {k}: the harbour authority met again and "
        f"the ferry timetable was the first item on a long agenda.</p>"
        for k in range(5)
    )
    return (
        f'<html><head><title>Harbour Story {n}</title><meta property="og:site_name" '
        f'content="Harbour Post"><meta property="og:image" '
        f'content="https://post.example/img/{n}.jpg">{time_meta}</head><body><article>'
        f"<h1>Harbour Story {n}</h1>{paragraphs}</article></body></html>"
    ).encode()


@pytest.mark.django_db
def test_a_warc_archive_becomes_curated_stories(globallead: Any, tmp_path: Path) -> None:
    warc = tmp_path / "pages.warc.gz"
    write_warc(
        warc,
        [
            ("https://post.example/story-1?utm_source=x", article(1), "text/html; charset=utf-8"),
            ("https://post.example/img/1.jpg", jpeg(), "image/jpeg"),
            ("https://post.example/story-2", article(2, with_time=False), "text/html"),
            ("https://post.example/feed.css", b"body{}", "text/css"),
        ],
    )
    code, summary = run_import(str(warc), "--channel", "globallead", "--section", "politics")
    assert code == 0, summary
    first = Story.objects.get(original_url="https://post.example/story-1")
    assert first.kind == "curated" and first.status == "published" and first.image
    assert first.source.name == "Harbour Post"
    second = Story.objects.get(original_url="https://post.example/story-2")
    assert second.status == "draft" and "no publication time" in summary
    assert run_import(str(warc), "--channel", "globallead")[1].count("Already present: 2") == 1


@pytest.mark.django_db
def test_an_archived_page_that_gives_only_a_date_shows_no_made_up_time(
    globallead: Any, tmp_path: Path, client: Client
) -> None:
    warc = tmp_path / "dated.warc.gz"
    write_warc(
        warc, [("https://post.example/dated", article(3, published="2017-07-25"), "text/html")]
    )
    assert run_import(str(warc), "--channel", "globallead")[0] == 0
    story = Story.objects.get(original_url="https://post.example/dated")
    assert story.status == "published" and story.original_published_at is None
    assert "12:00 AM" not in client.get(story.get_absolute_url()).content.decode()


@pytest.mark.django_db
def test_an_archived_page_is_extracted_and_its_photo_decoded_with_no_transaction_open(
    globallead: Any, tmp_path: Path, monkeypatch: Any
) -> None:
    from masthead.ingest import importers
    from masthead.stories.tests.test_photo_transactions import photo_work, transaction_open

    work = photo_work(monkeypatch)
    extract = importers.extract

    def extracting(*args: Any, **kwargs: Any) -> Any:
        work.append(("extract", transaction_open()))
        return extract(*args, **kwargs)

    monkeypatch.setattr(importers, "extract", extracting)
    warc = tmp_path / "pages.warc.gz"
    write_warc(
        warc,
        [
            ("https://post.example/story-1", article(1), "text/html"),
            ("https://post.example/img/1.jpg", jpeg(), "image/jpeg"),
        ],
    )
    code, summary = run_import(str(warc), "--channel", "globallead")
    assert code == 0, summary
    assert work == [("extract", False), ("decode", False), ("store", False)]
    assert Story.objects.get().image


@pytest.mark.django_db
def test_a_page_imported_by_another_run_while_this_one_prepared_it_is_imported_once(
    globallead: Any, tmp_path: Path, monkeypatch: Any
) -> None:
    """The same archive imported twice at once: the second run does the page while the first
    extracts it. The first then finds it done, and keeps no copy of its photo."""
    from masthead.ingest import importers

    warc = tmp_path / "pages.warc.gz"
    write_warc(
        warc,
        [
            ("https://post.example/story-1", article(1), "text/html"),
            ("https://post.example/img/1.jpg", jpeg(), "image/jpeg"),
        ],
    )
    extract = importers.extract
    runs: list[tuple[int, str]] = []
    calls: list[int] = []

    def extracting(*args: Any, **kwargs: Any) -> Any:
        calls.append(0)
        if len(calls) == 1:
            runs.append(run_import(str(warc), "--channel", "globallead"))
        return extract(*args, **kwargs)

    monkeypatch.setattr(importers, "extract", extracting)
    code, summary = run_import(str(warc), "--channel", "globallead")
    assert (code, runs[0][0]) == (0, 0)
    assert "Created 1:" in runs[0][1] and "Already present: 1" in summary, summary
    story = Story.objects.get()
    media = Path(django_settings.MEDIA_ROOT)
    assert [p.relative_to(media).as_posix() for p in media.rglob("*.jpg")] == [story.image.name]


@pytest.mark.django_db
def test_opml_lists_become_subscriptions(globallead: Any) -> None:
    opml = shared_data("feeds/netnewswire/Tests/RSParserTests/Resources/Subs.opml")
    code, summary = run_import(str(opml), "--channel", "globallead")
    assert code == 0
    count = Feed.objects.filter(channel=globallead).count()
    assert count > 100 and f"Created {count}:" in summary
    run_import(str(opml), "--channel", "globallead")
    assert Feed.objects.filter(channel=globallead).count() == count


@pytest.mark.django_db
def test_failures_are_listed_and_the_exit_code_says_so(globallead: Any, tmp_path: Path) -> None:
    junk = tmp_path / "notes.txt"
    junk.write_text("Just some notes, not a capture of anything.\n")
    broken = tmp_path / "broken.txt"
    broken.write_text("A Headline Here\n\nBy Some One\n\nJuly 25, 2017, 2:01 PM XYZ\n\nText.\n")
    code, summary = run_import(
        str(junk), str(broken), str(tmp_path / "missing.warc"), "--channel", "globallead"
    )
    assert code == 1
    assert "Failed: 3" in summary
    assert "notes.txt is not a text capture, a WARC file or an OPML list" in summary
    assert "XYZ" in summary and "missing.warc: no such file" in summary
    with pytest.raises(Exception, match="No channel 'nowhere'"):
        call_command("import", str(junk), "--channel", "nowhere")


@pytest.mark.django_db(transaction=True)
def test_an_import_killed_half_way_finishes_on_the_next_run(
    globallead: Any, tmp_path: Path
) -> None:
    pages = [(f"https://post.example/story-{n}", article(n), "text/html") for n in range(40)]
    warc = tmp_path / "many.warc.gz"
    write_warc(warc, pages)
    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        database_url = f"sqlite:///{settings['NAME']}"
    else:
        database_url = (
            f"postgres://{settings['USER']}:{settings['PASSWORD'] or ''}@"
            f"{settings['HOST']}:{settings['PORT'] or 5432}/{settings['NAME']}"
        )
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DJANGO_SETTINGS_MODULE": "masthead.settings.test",
    }
    kill_midway(
        ["import", str(warc), "--channel", "globallead"],
        env,
        lambda: ImportRecord.objects.count() >= 5,
        frozen_table=ImportRecord._meta.db_table,
    )
    done_before = ImportRecord.objects.count()
    assert 5 <= done_before < 40
    assert Story.objects.count() == done_before  # each record committed whole, or not at all
    code, summary = run_import(str(warc), "--channel", "globallead")
    assert code == 0
    assert f"Already present: {done_before}" in summary
    assert Story.objects.count() == 40
    assert Story.objects.values("original_url").distinct().count() == 40
