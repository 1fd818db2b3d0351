"""What a channel's full sitemap file costs to make: 50,000 stories (the protocol's limit per
file), rendered without the page cache, as after every invalidation of the channel.

    .venv/bin/python bench/sitemaps.py --db sqlite      # or --db postgres

Builds its own database (var/bench/sitemaps.sqlite3, or PostgreSQL ``masthead_bench_sitemaps``)
with one channel of 50,000 published stories, then times, RUNS times each and interleaved:

- the baseline: the selector's one query for the stories' columns (``values_list`` of the
  50,000 rows), the least any sitemap of these stories must do;
- ``channel_urls``: that query and the URLs with their times built in Python;
- the whole view: the selector and the Jinja2 template, through Django's test client (no
  page cache: that is the cost a crawler's first request after a change pays).

Prints a Markdown table for docs/performance.md.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
SQLITE_PATH = ROOT / "var/bench/sitemaps.sqlite3"
PG_SERVER = "postgres://postgres@127.0.0.1:5432"
PG_NAME = "masthead_bench_sitemaps"
STORIES = 50_000
RUNS = 7


def database_url(db: str) -> str:
    return f"sqlite:///{SQLITE_PATH}" if db == "sqlite" else f"{PG_SERVER}/{PG_NAME}"


def build(db: str) -> None:
    SQLITE_PATH.parent.mkdir(parents=True, exist_ok=True)
    if db == "sqlite":
        for suffix in ("", "-wal", "-shm"):
            Path(f"{SQLITE_PATH}{suffix}").unlink(missing_ok=True)
    else:
        import psycopg

        with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{PG_NAME}"')
            conn.execute(f'CREATE DATABASE "{PG_NAME}"')
    subprocess.run(
        [str(BIN / "masthead"), "migrate", "--no-input"],
        cwd=ROOT,
        env=os.environ,
        check=True,
        capture_output=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    options = parser.parse_args()
    os.environ["DATABASE_URL"] = database_url(options.db)
    os.environ["DJANGO_SETTINGS_MODULE"] = "masthead.settings.local"
    os.environ["MASTHEAD_DEBUG"] = "false"
    build(options.db)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    import datetime as dt

    from django.db import connection
    from django.test import Client
    from django.utils import timezone

    from masthead.channels.services import channel_create, section_create
    from masthead.core import public_id
    from masthead.discovery import selectors
    from masthead.stories.models import Story

    channel = channel_create(actor=None, slug="globallead", name="Global Lead")
    section = section_create(actor=None, channel=channel, slug="politics", name="Politics")
    start = timezone.now() - dt.timedelta(days=400)
    Story.objects.bulk_create(
        (
            Story(
                public_id=public_id.new(),
                channel=channel,
                section=section,
                headline=f"Harbour Report Number {n}",
                slug=f"harbour-report-number-{n}",
                status=Story.Status.PUBLISHED,
                published_at=start + dt.timedelta(minutes=10 * n),
            )
            for n in range(STORIES - 2)  # the channel page and its section fill the file
        ),
        batch_size=2_000,
    )
    if options.db == "postgres":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")

    def query() -> None:
        rows = (
            Story.objects.filter(channel=channel)
            .published()
            .order_by("pk")
            .values_list("section__slug", "slug", "public_id", "updated_at", "published_at")
        )
        assert len(list(rows[: selectors.SITEMAP_URLS])) == STORIES - 2

    def urls() -> None:
        assert len(selectors.channel_urls(channel, 1) or []) == STORIES

    client = Client()

    def view() -> None:
        response = client.get("/globallead/sitemap.xml", HTTP_HOST="127.0.0.1")
        assert response.status_code == 200 and response.content.count(b"<url>") == STORIES
        timings["bytes"] = [len(response.content)]

    timings: dict[str, list[float]] = {"query": [], "urls": [], "view": [], "bytes": []}
    for _run in range(RUNS):
        for name, step in (("query", query), ("urls", urls), ("view", view)):
            began = time.perf_counter()
            step()
            timings[name].append(time.perf_counter() - began)
    size = int(timings.pop("bytes")[0])
    base = statistics.median(timings["query"])
    print(
        f"\n{options.db}, {STORIES:,} stories in one file ({size:,} bytes); "
        f"{RUNS} runs, median (min-max). Python {platform.python_version()}, "
        f"{len(os.sched_getaffinity(0))} cores.\n"
    )
    print("| step | median | range | x the query |")
    print("| --- | ---: | ---: | ---: |")
    labels = {
        "query": "the stories' columns, one query (baseline)",
        "urls": "`channel_urls`: the query and the URLs",
        "view": "the whole view: selector and template",
    }
    for name, values in timings.items():
        median = statistics.median(values)
        print(
            f"| {labels[name]} | {median * 1000:,.0f} ms | {min(values) * 1000:,.0f}-"
            f"{max(values) * 1000:,.0f} ms | {median / base:.1f} |"
        )


if __name__ == "__main__":
    main()
