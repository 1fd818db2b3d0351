"""The background cost of related stories on an index of 100,000 stories, beside the index's
own work and a publication in the same run.

    .venv/bin/python bench/related.py build --db sqlite     # the 100,000 stories, indexed
    .venv/bin/python bench/related.py measure --db sqlite
    .venv/bin/python bench/related.py all --db postgres     # build, then measure

``build`` is bench/search.py's: 100,000 stories of real news text (bodies of 300 to 1,500
words, Zipf-distributed vocabulary), indexed with ``masthead reindex``; on PostgreSQL in a
database of this script's own (``masthead_bench_related``), on SQLite in
var/bench/search.sqlite3.

``measure`` (after ``ANALYZE`` on PostgreSQL, as autovacuum would have run) times, for
STORIES published stories drawn at random:

- ``related_update`` (what the worker runs after a publication or an edit: the story's list
  computed and kept, the story offered to the lists of the stories it is related to), end to
  end, **cold** (the process's kept terms emptied before each run: a worker's first task) and
  **warm** (one story after another, as a busy worker runs them), with its phases: the index
  brought up to date, the candidates from the index, the stories read, the scoring, the
  writes (the story's own list, then the offers);
- in the same run, the baselines: ``index_stories`` of the same story (the index's own work
  after a publication) and ``story_publish`` of a draft with its commit;
- what related stories add to a publication itself: ``story_publish`` with the related
  receivers connected and without them, in interleaved blocks (with them, the commit queues
  one task: a row written; the task's run is the worker's, measured above);
- the page's read: ``related_list`` for stories with lists, p50 and p95.

Prints Markdown for docs/performance.md; raw figures go to var/bench/related-<db>.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import statistics
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

import search as search_bench  # noqa: E402  (bench/search.py: the 100,000 stories)

search_bench.PG_NAME = "masthead_bench_related"  # never the search bench's own database
STORIES = 60
PUBLISHES = 120  # per variant, in blocks of BLOCK
BLOCK = 20
SEED = 16


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def summary(values: list[float]) -> dict[str, float]:
    return {
        "p50": round(statistics.median(values), 1),
        "p95": round(percentile(values, 0.95), 1),
        "mean": round(statistics.fmean(values), 1),
    }


class Phases:
    """Wall time spent in named functions of the related-stories code, per run."""

    def __init__(self) -> None:
        self.runs: list[dict[str, float]] = []

    def wrap(self, owner: Any, name: str, phase: str) -> None:
        real: Callable[..., Any] = getattr(owner, name)

        def timed(*args: Any, **kwargs: Any) -> Any:
            started = time.perf_counter()
            try:
                return real(*args, **kwargs)
            finally:
                run = self.runs[-1]
                run[phase] = run.get(phase, 0.0) + (time.perf_counter() - started) * 1000

        setattr(owner, name, timed)


def measure_updates(story_ids: list[int]) -> dict[str, Any]:
    from masthead.search import index, related, services, similarity
    from masthead.search.models import RelatedStory

    phases = Phases()
    phases.wrap(index, "index_stories", "index brought up to date")
    phases.wrap(related, "candidates", "candidates from the index")
    phases.wrap(related, "compute", "scoring")
    phases.wrap(services, "_replace", "writing its own list")
    phases.wrap(services, "_offer", "offers to the others' lists")
    results: dict[str, Any] = {}
    for mode in ("cold", "warm"):
        RelatedStory.objects.all().delete()  # each pass computes every list from nothing
        totals: list[float] = []
        cpu: list[float] = []
        phases.runs = []
        for story_id in story_ids:
            if mode == "cold":
                similarity._tokens.cache_clear()
            phases.runs.append({})
            started, used = time.perf_counter(), time.process_time()
            services.related_update(story_id)
            totals.append((time.perf_counter() - started) * 1000)
            cpu.append((time.process_time() - used) * 1000)
            phases.runs[-1]["reading the stories"] = totals[-1] - sum(phases.runs[-1].values())
        by_phase = defaultdict(list)
        for run in phases.runs:
            for phase, ms in run.items():
                by_phase[phase].append(ms)
        results[mode] = {
            "total": summary(totals),
            "cpu": summary(cpu),
            "phases": {phase: summary(values) for phase, values in by_phase.items()},
        }
    return results


def measure_baselines(story_ids: list[int]) -> dict[str, Any]:
    from masthead.search import index

    timings = []
    for story_id in story_ids:
        started = time.perf_counter()
        index.index_stories([story_id])
        timings.append((time.perf_counter() - started) * 1000)
    return {"index_stories": summary(timings)}


def _related_receivers(on: bool) -> None:
    from django.db.models.signals import post_save, pre_delete

    from masthead.search import receivers
    from masthead.stories.models import Story

    if on:
        post_save.connect(receivers.story_saved, sender=Story, dispatch_uid="search-related")
        pre_delete.connect(receivers.story_deleting, sender=Story, dispatch_uid="search-related")
    else:
        post_save.disconnect(sender=Story, dispatch_uid="search-related")
        pre_delete.disconnect(sender=Story, dispatch_uid="search-related")


def measure_publishing(rnd: random.Random) -> dict[str, Any]:
    from masthead.channels.models import Channel
    from masthead.stories.services import story_create, story_publish

    writer = search_bench.Writer(search_bench.sentences_of(search_bench.corpus_texts()[0]), rnd)
    channel = Channel.objects.get(slug="worlddesk")
    section = channel.sections.first()
    timings: dict[bool, list[float]] = {True: [], False: []}
    for block in range(PUBLISHES // BLOCK * 2):
        connected = block % 2 == 0
        _related_receivers(connected)
        for _ in range(BLOCK):
            headline, excerpt, body = writer.story()
            draft = story_create(
                actor=None,
                channel=channel,
                section=section,
                headline=headline,
                excerpt=excerpt,
                body=body,
            )
            started = time.perf_counter()
            story_publish(actor=None, story=draft)
            timings[connected].append((time.perf_counter() - started) * 1000)
    _related_receivers(True)
    return {
        "without": summary(timings[False]),
        "with": summary(timings[True]),
        "added_p50_ms": round(
            statistics.median(timings[True]) - statistics.median(timings[False]), 2
        ),
    }


def measure_reads(story_ids: list[int]) -> dict[str, Any]:
    from masthead.search.selectors import related_list
    from masthead.stories.models import Story

    stories = list(Story.objects.filter(pk__in=story_ids))
    for story in stories:
        related_list(story=story)  # warm
    timings = []
    shown = []
    for _ in range(5):
        for story in stories:
            started = time.perf_counter()
            shown.append(len(related_list(story=story)))
            timings.append((time.perf_counter() - started) * 1000)
    return {"related_list": summary(timings), "shown_mean": round(statistics.fmean(shown), 2)}


def measure(db: str) -> dict[str, Any]:
    search_bench.django_setup(db)
    from django.db import connection

    from masthead.search.models import RelatedStory
    from masthead.stories.models import Story

    if connection.vendor == "postgresql":
        # A bulk load leaves no statistics; autovacuum gathers them on an installation, and
        # without them the planner reads every published story for a page's 10 entries.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    rnd = random.Random(SEED)
    published = list(Story.objects.published().values_list("pk", flat=True))
    story_ids = rnd.sample(published, STORIES)
    results: dict[str, Any] = {
        "db": db,
        "stories_in_index": len(published),
        "vendor": connection.vendor,
        "python": platform.python_version(),
        "cores": os.cpu_count(),
    }
    results["load_before"] = os.getloadavg()[0]
    results["baselines"] = measure_baselines(story_ids)
    results["updates"] = measure_updates(story_ids)
    lists = RelatedStory.objects.filter(story_id__in=story_ids).values("story_id").distinct()
    results["stories_with_a_list"] = lists.count()
    results["related_per_list"] = round(
        RelatedStory.objects.filter(story_id__in=story_ids).count() / max(1, lists.count()), 2
    )
    results["reads"] = measure_reads(story_ids)
    results["publishing"] = measure_publishing(rnd)
    results["load_after"] = os.getloadavg()[0]
    search_bench.OUT.mkdir(parents=True, exist_ok=True)
    (search_bench.OUT / f"related-{db}.json").write_text(json.dumps(results, indent=2))
    return results


def markdown(results: dict[str, Any]) -> str:
    db = "SQLite" if results["db"] == "sqlite" else "PostgreSQL"
    lines = [
        f"### {db}: {results['stories_in_index']:,} published stories in the index",
        "",
        f"{STORIES} stories drawn at random; {results['stories_with_a_list']} of them have related "
        f"stories, {results['related_per_list']} on average (kept at most 10). Load average "
        f"{results['load_before']:.1f} before, {results['load_after']:.1f} after (2 cores).",
        "",
        "| work | p50 | p95 | mean |",
        "| --- | ---: | ---: | ---: |",
    ]

    def row(name: str, figures: dict[str, float]) -> None:
        lines.append(
            f"| {name} | {figures['p50']} ms | {figures['p95']} ms | {figures['mean']} ms |"
        )

    row(
        "baseline: `index_stories` of the story (the index's work)",
        results["baselines"]["index_stories"],
    )
    for mode in ("cold", "warm"):
        row(f"**`related_update`, {mode}**", results["updates"][mode]["total"])
        row("&nbsp;&nbsp;of which CPU time of this process", results["updates"][mode]["cpu"])
        for phase, figures in results["updates"][mode]["phases"].items():
            row(f"&nbsp;&nbsp;{phase}", figures)
    publishing = results["publishing"]
    row("`story_publish` without the related receivers (baseline)", publishing["without"])
    row("`story_publish` with them (queues the task)", publishing["with"])
    row("the page's read, `related_list`", results["reads"]["related_list"])
    lines += ["", f"Publishing: {publishing['added_p50_ms']} ms more at p50 with the receivers."]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("action", choices=["build", "measure", "all"])
    parser.add_argument("--db", choices=["sqlite", "postgres"], required=True)
    parser.add_argument("--stories", type=int, default=100_000)
    options = parser.parse_args()
    if options.action in ("build", "all"):
        search_bench.build(options.db, options.stories)
    if options.action in ("measure", "all"):
        print(markdown(measure(options.db)))


if __name__ == "__main__":
    main()
