"""One polling round of 2,000 feeds by two `masthead worker` processes.

    .venv/bin/python bench/polling.py [--db sqlite|postgres] [--feeds 2000]

A local feed server (a separate process) serves the feeds from 1,000 loopback addresses
(127.0.1.1 to 127.0.4.250, two feeds each), so the workers keep their production politeness:
two requests at once and one second between requests per host. Every feed was polled before
and carries the ETag the server gave it; 90% of the feeds have not changed and answer 304, the
other 10% have a new version with 10 new items. All feeds are due; two workers start
(`masthead worker --batch`: one round of feed polling, then the queued tasks, then exit) and
the round is timed from their start to their exit.

Checked after the round: the server saw exactly one request per feed (none polled twice, none
skipped), every feed's poll count is 1, and each changed feed's items are in the review queue.

Baseline, same run, same server: the same 2,000 conditional GETs made by a bare pool of 16
threads (the two workers' 2 x 8 polling threads), with no database and no parsing: what the
network and the server alone allow.

The goal (issue 3): one full round in under 30 s.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
GOAL_SECONDS = 30.0
HOSTS = [f"127.0.{block}.{last}" for block in range(1, 5) for last in range(1, 251)]
CHANGED_EVERY = 10  # one feed in ten has a new version
NEW_ITEMS = 10
WORKERS = 2
THREADS_PER_WORKER = 8


def feed_url(number: int, port: int) -> str:
    return f"http://{HOSTS[number % len(HOSTS)]}:{port}/feeds/{number}.xml"


def changed(number: int) -> bool:
    return number % CHANGED_EVERY == 0


# --- the feed server ---------------------------------------------------------------------


def serve(port: int) -> None:
    """Answer GET /feeds/N.xml on every address of HOSTS; GET /counts gives requests per feed."""
    counts: dict[str, int] = {}

    def feed(number: int, etag: str) -> bytes:
        items = "".join(
            f"<item><title>Bulletin {number}-{index}: harbour works, week {index}</title>"
            f"<link>http://{HOSTS[number % len(HOSTS)]}:{port}/stories/{number}-{index}</link>"
            f"<guid>urn:bench:{etag}:{number}:{index}</guid>"
            f"<description>Week {index}.</description>"
            "<pubDate>Sun, 29 Nov 2026 08:00:00 GMT</pubDate></item>"
            for index in range(NEW_ITEMS)
        )
        return (
            '<?xml version="1.0"?><rss version="2.0"><channel>'
            f"<title>Feed {number}</title><link>http://example.org/{number}</link>"
            f"<description>Bench feed</description>{items}</channel></rss>"
        ).encode()

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                lines = head.decode("latin-1").split("\r\n")
                path = lines[0].split(" ")[1]
                headers = {
                    k.strip().lower(): v.strip()
                    for k, _, v in (line.partition(":") for line in lines[1:] if line)
                }
                if path == "/counts":
                    status, body, extra = "200 OK", json.dumps(counts).encode(), ""
                    content_type = "application/json"
                else:
                    counts[path] = counts.get(path, 0) + 1
                    number = int(path.rsplit("/", 1)[1].split(".")[0])
                    etag = '"v2"' if changed(number) else '"v1"'
                    content_type = "application/rss+xml"
                    if headers.get("if-none-match") == etag:
                        status, body, extra = "304 Not Modified", b"", f"ETag: {etag}\r\n"
                    else:
                        status, body, extra = "200 OK", feed(number, etag), f"ETag: {etag}\r\n"
                writer.write(
                    f"HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\n{extra}"
                    f"Content-Length: {len(body)}\r\n\r\n".encode()
                    + body
                )
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()

    async def main() -> None:
        servers = [await asyncio.start_server(handle, host, port) for host in HOSTS]
        print("ready", flush=True)
        await asyncio.gather(*(server.serve_forever() for server in servers))

    asyncio.run(main())


# --- the round ----------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--feeds", type=int, default=2000)
    parser.add_argument("--port", type=int, default=8132)
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.serve:
        serve(options.port)
        return

    work = Path(tempfile.mkdtemp(prefix="masthead-bench-polling-"))
    env = dict(
        os.environ,
        DJANGO_SETTINGS_MODULE="masthead.settings.local",
        MASTHEAD_VAR=str(work),
        MASTHEAD_FETCH_ALLOW_NETWORKS="127.0.0.0/8",
        MASTHEAD_FEED_THREADS=str(THREADS_PER_WORKER),
        CACHE_URL=f"file://{work}/cache",
    )
    if options.db == "postgres":
        database = "masthead_bench_polling"
        subprocess.run(["dropdb", "-h", "127.0.0.1", "-U", "postgres", "--if-exists", database])
        subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", database], check=True)
        env["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:5432/{database}"
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command
    from django.utils import timezone

    from masthead.channels.services import channel_create, section_create
    from masthead.ingest.models import Candidate, Feed

    call_command("migrate", verbosity=0)
    channel = channel_create(actor=None, slug="bench", name="Bench")
    section_create(actor=None, channel=channel, slug="news", name="News")
    now = timezone.now()
    Feed.objects.bulk_create(
        Feed(
            channel=channel,
            url=feed_url(number, options.port),
            title=f"Feed {number}",
            etag='"v1"',
            next_poll_at=now - timezone.timedelta(seconds=options.feeds - number),
            last_polled_at=now - timezone.timedelta(minutes=15),
        )
        for number in range(options.feeds)
    )
    from django.db import connections

    connections.close_all()

    server = subprocess.Popen(
        [sys.executable, __file__, "--serve", "--port", str(options.port)],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert server.stdout is not None and server.stdout.readline().strip() == "ready"
        baseline = http_floor(options.feeds, options.port)
        started = time.perf_counter()
        workers = [
            subprocess.Popen(
                [str(BIN / "masthead"), "worker", "--batch", "--worker-id", f"bench-{index}"],
                env=env,
                cwd=ROOT,
                stdout=subprocess.DEVNULL,
                stderr=(work / f"worker-{index}.log").open("w"),
            )
            for index in range(WORKERS)
        ]
        codes = [worker.wait() for worker in workers]
        elapsed = time.perf_counter() - started
        with urllib.request.urlopen(f"http://127.0.1.1:{options.port}/counts") as answer:
            counts = json.load(answer)
        polls = dict(Feed.objects.values_list("url", "polls"))
        statuses = list(Feed.objects.values_list("last_status", flat=True))
        candidates = Candidate.objects.filter(channel=channel).count()
        if any(codes):
            for index in range(WORKERS):
                print((work / f"worker-{index}.log").read_text()[-3000:])
            raise SystemExit(f"a worker failed: exit codes {codes}")
    finally:
        server.terminate()
        if options.db == "postgres":
            connections.close_all()
            subprocess.run(["dropdb", "-h", "127.0.0.1", "-U", "postgres", database])
        shutil.rmtree(work, ignore_errors=True)

    # The baseline's requests are counted too; the workers' are the second request per feed.
    expected = {f"/feeds/{number}.xml" for number in range(options.feeds)}
    twice = sorted(path for path, count in counts.items() if count > 2)
    skipped = sorted(path for path in expected if counts.get(path, 0) < 2)
    not_once = [url for url, count in polls.items() if count != 1]
    not_modified = sum(1 for status in statuses if status.startswith("304"))
    wanted_candidates = sum(NEW_ITEMS for number in range(options.feeds) if changed(number))
    print(
        f"{options.feeds} feeds on {len(HOSTS)} hosts, {options.db}, {WORKERS} workers x "
        f"{THREADS_PER_WORKER} threads, {os.cpu_count()} cores, {platform.machine()}, Python "
        f"{platform.python_version()}"
    )
    print(f"baseline, bare conditional GETs by 16 threads: {baseline:.1f} s")
    print(f"one polling round: {elapsed:.1f} s (goal < {GOAL_SECONDS:.0f} s)")
    print(f"answered 304: {not_modified}; new candidates: {candidates} of {wanted_candidates}")
    print(f"polled twice: {len(twice)}; skipped: {len(skipped)}; poll count not 1: {len(not_once)}")
    print(
        json.dumps(
            {
                "feeds": options.feeds,
                "db": options.db,
                "baseline_s": round(baseline, 2),
                "round_s": round(elapsed, 2),
                "not_modified": not_modified,
                "candidates": candidates,
                "twice": len(twice),
                "skipped": len(skipped),
            }
        )
    )
    if twice or skipped or not_once or candidates != wanted_candidates:
        raise SystemExit("the round was not exact")


def http_floor(feeds: int, port: int) -> float:
    """The same conditional GETs, by a bare thread pool: no database, no parsing."""

    def get(number: int) -> int:
        etag = '"v1"'
        request = urllib.request.Request(feed_url(number, port), headers={"If-None-Match": etag})
        try:
            with urllib.request.urlopen(request, timeout=10) as answer:
                answer.read()
                return answer.status
        except urllib.error.HTTPError as error:
            return error.code

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=WORKERS * THREADS_PER_WORKER) as pool:
        list(pool.map(get, range(feeds)))
    return time.perf_counter() - started


if __name__ == "__main__":
    main()
