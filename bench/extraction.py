"""The URL-curation pipeline against trafilatura alone, on the 990 labelled pages.

    .venv/bin/python bench/extraction.py [--pages N]

Baseline: ``trafilatura.extract(html)`` on each page, from memory. Pipeline, as a worker runs
it for a submitted or feed URL: fetch the page from a local web server (a separate process,
so serving costs the worker nothing), extract it (masthead/ingest/extract.py), look for a
near-duplicate, store the item and its candidate. Both in one process, after a warm-up of
both, page by page in turn (trafilatura on a page, then the pipeline on it), so that the
machine's changing speed falls on both alike. The goal (issue 3): the pipeline at least
0.85 x trafilatura's pages/s per worker.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EVAL = ROOT.parent / "shared/data/extraction/trafilatura-eval/tests"
GOAL = 0.85


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pages", type=int, default=0, help="use the first N pages (0: all)")
    parser.add_argument("--port", type=int, default=8131)
    options = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="masthead-bench-extraction-"))
    os.environ.update(
        DJANGO_SETTINGS_MODULE="masthead.settings.local",
        MASTHEAD_VAR=str(work),
        MASTHEAD_FETCH_ALLOW_NETWORKS="127.0.0.0/8",
        MASTHEAD_FETCH_HOST_DELAY="0",
        CACHE_URL="locmem://",
    )
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    logging.disable(logging.WARNING)  # trafilatura logs every page it finds odd
    from django.core.management import call_command

    call_command("migrate", verbosity=0)

    import trafilatura

    from masthead.channels.services import channel_create, section_create
    from masthead.ingest import jobs, services
    from masthead.ingest.models import Candidate
    from masthead.ingest.tests.corpus import labelled_pages

    pages = list(labelled_pages(EVAL))
    if options.pages:
        pages = pages[: options.pages]
    site = work / "site"
    site.mkdir()
    documents = []
    for number, page in enumerate(pages):
        html = page.html()
        (site / f"{number}.html").write_bytes(html)
        documents.append((f"http://127.0.0.1:{options.port}/{number}.html", html))
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "http.server",
            str(options.port),
            "--bind",
            "127.0.0.1",
            "--directory",
            str(site),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        _wait(f"http://127.0.0.1:{options.port}/0.html")
        channel = channel_create(actor=None, slug="bench", name="Bench")
        section_create(actor=None, channel=channel, slug="news", name="News")

        # Warm both sides up first, on every page: a worker is a long-lived process, and the
        # first dates it parses make dateparser compile its languages' patterns, about 7 s
        # once per process, which would otherwise be counted as per-page cost.
        from masthead.ingest.extract import extract

        for _url, html in documents:
            trafilatura.extract(html)
            extract(html)
        # Then page by page, trafilatura and the pipeline in turn on the same page, so a
        # slower minute of this shared machine slows both sides alike.
        first = ours = 0.0
        for url, html in documents:
            started = time.perf_counter()
            trafilatura.extract(html)
            first += time.perf_counter() - started
            started = time.perf_counter()
            item, _created = services.item_find_or_create(url=url)
            Candidate.objects.get_or_create(channel=channel, item=item)
            jobs.item_fetch(item.pk)
            ours += time.perf_counter() - started
    finally:
        server.terminate()
        shutil.rmtree(work, ignore_errors=True)
    count = len(documents)
    base_rate = count / first
    our_rate = count / ours
    print(
        f"{count} pages, {platform.processor() or platform.machine()}, Python "
        f"{platform.python_version()}, trafilatura {trafilatura.__version__}"
    )
    print(f"trafilatura.extract alone: {base_rate:.1f} pages/s")
    print(f"pipeline (fetch, extract, deduplicate, store): {our_rate:.1f} pages/s")
    print(f"ratio: {our_rate / base_rate:.2f} (goal {GOAL})")
    print(
        json.dumps(
            {
                "pages": count,
                "baseline_pages_per_s": round(base_rate, 2),
                "pipeline_pages_per_s": round(our_rate, 2),
                "ratio": round(our_rate / base_rate, 3),
            }
        )
    )


def _wait(url: str) -> None:
    for _ in range(100):
        try:
            urllib.request.urlopen(url, timeout=1).close()
            return
        except OSError:
            time.sleep(0.1)
    raise SystemExit(f"{url} did not answer")


if __name__ == "__main__":
    main()
