"""Search at scale: 100,000 stories on either engine, queries through the selector, reindex
rate, and what the index hooks add to publishing, each beside its baseline in the same run.

    .venv/bin/python bench/search.py build --db sqlite      # or --db postgres
    .venv/bin/python bench/search.py measure --db sqlite
    .venv/bin/python bench/search.py all --db postgres      # build, then measure

``build`` makes a bench database of its own (never the dev database: var/bench/search.sqlite3,
or PostgreSQL database ``masthead_bench_search``), migrates it, writes 100,000 stories
(``--stories``) and indexes them with ``masthead reindex``, timed. It prints the
DATABASE_URL, so the search page's HTTP benchmark can serve the same stories.

The stories are made of real news text: sentences of the PolNeAR articles, the Lee corpus and
the English SemEval-2022 pairs (../shared/data), drawn at random into bodies of 300 to 1,500
words, one sentence in three with a word swapped for one drawn from the corpus's own word
frequencies (a Zipf distribution, as all text has), so that words are spread across stories
as in a large archive rather than repeated in whole sentences only. Headlines are sentences
of 6 to 14 words; bylines and publishers are the corpus's; 10 channels of 5 sections.

``measure`` runs, through ``masthead.search.selectors.search`` with snippets, query classes of
1, 2 and 3 words (common and rare: by document frequency), a phrase and a channel filter,
each 60 different queries, after a warm-up pass; p50 and p95 per class. Then publishing (a
draft made beforehand; ``story_publish`` timed with its commit and what runs after it), and an
edit of a story's body, with the index hooks (triggers and receivers) and without them,
interleaved in blocks. Prints Markdown for docs/performance.md; raw figures to var/bench/.
"""

from __future__ import annotations

import argparse
import csv
import html
import json
import os
import platform
import random
import re
import resource
import statistics
import subprocess
import sys
import time
import uuid
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
DATA = Path(os.environ.get("MASTHEAD_SHARED", ROOT.parent / "shared")) / "data"
OUT = ROOT / "var" / "bench"
SQLITE_PATH = OUT / "search.sqlite3"
PG_NAME = "masthead_bench_search"
PG_SERVER = os.environ.get("BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432")
QUERIES_PER_CLASS = 60
PUBLISHES = 120  # per variant, in blocks of BLOCK
BLOCK = 20
SEED = 10

CHANNELS = [
    ("worlddesk", "World Desk", ["Politics", "Diplomacy", "Conflict", "Economy", "Climate"]),
    ("capitol", "Capitol Report", ["Congress", "Courts", "Campaigns", "Policy", "Lobbying"]),
    ("metro", "Metro Daily", ["City Hall", "Transit", "Schools", "Housing", "Crime"]),
    ("markets", "Markets Now", ["Stocks", "Energy", "Trade", "Banking", "Tech"]),
    ("science", "Science Weekly", ["Health", "Space", "Environment", "Research", "Medicine"]),
    ("sport", "Sport Line", ["Football", "Cricket", "Tennis", "Olympics", "Rugby"]),
    ("culture", "Culture Club", ["Books", "Film", "Music", "Art", "Theatre"]),
    ("factcheck", "Fact Check", ["Claims", "Viral", "Statistics", "Quotes", "Corrections"]),
    ("region", "Regional Wire", ["North", "South", "East", "West", "Coast"]),
    ("opinion", "Opinion Forum", ["Columns", "Letters", "Editorials", "Debate", "Analysis"]),
]
PUBLISHERS = {
    "breitbart": ("Breitbart", "breitbart.com"),
    "west-journal": ("The Western Journal", "westernjournal.com"),
    "wash-post": ("The Washington Post", "washingtonpost.com"),
    "usa-today": ("USA Today", "usatoday.com"),
    "politico": ("Politico", "politico.com"),
    "nyt": ("The New York Times", "nytimes.com"),
    "huff-post": ("HuffPost", "huffpost.com"),
    "parc": ("Wall Street Journal", "wsj.com"),
}
_SENTENCE_END = re.compile(r"(?:(?<=[.!?])|(?<=[.!?][\"\u201d\u2019)]))\s+(?=[A-Z\u201c\"])")
_WORD = re.compile(r"[^\W_]+")


# ---------------------------------------------------------------------------- the corpus


def corpus_texts() -> tuple[list[str], list[str]]:
    """Real news texts and the bylines the corpus names."""
    texts: list[str] = []
    polnear = DATA / "quotes" / "polnear"
    for split in ("train", "dev"):
        texts += [
            p.read_text(encoding="utf-8") for p in sorted((polnear / split / "text").glob("*.txt"))
        ]
    lee = DATA / "similarity" / "lee-corpus"
    for name in ("lee_background.cor", "lee.cor"):
        texts += (lee / name).read_text(encoding="utf-8", errors="replace").splitlines()
    with (DATA / "similarity" / "semeval2022-task8" / "training_set.csv").open(
        encoding="utf-8"
    ) as f:
        for row in csv.DictReader(f):
            if row["lang1"] == "en" and row["lang2"] == "en":
                texts += [row["text1"], row["text2"]]
    with (polnear / "metadata.tsv").open(encoding="utf-8") as f:
        authors = sorted(
            {row["author"] for row in csv.DictReader(f, delimiter="\t")}
            - {"", "None", "AP", "UPI", "AFP", "Reuters"}
        )
    return texts, authors


def sentences_of(texts: list[str]) -> list[str]:
    out = []
    for text in texts:
        for sentence in _SENTENCE_END.split(" ".join(text.split())):
            words = len(sentence.split())
            if 5 <= words <= 60:
                out.append(sentence)
    return sorted(set(out))


class Writer:
    """Story text drawn from the corpus (module docstring)."""

    def __init__(self, sentences: list[str], rnd: random.Random) -> None:
        self.sentences = sentences
        self.headlines = [s.rstrip(".") for s in sentences if 6 <= len(s.split()) <= 14]
        counts = Counter(w for s in sentences for w in _WORD.findall(s))
        self.vocabulary = list(counts)
        self.weights = [counts[w] for w in self.vocabulary]
        self.rnd = rnd
        self.swaps: list[str] = []

    def _swap(self) -> str:
        if not self.swaps:
            self.swaps = self.rnd.choices(self.vocabulary, self.weights, k=100_000)
        return self.swaps.pop()

    def sentence(self) -> str:
        sentence = self.rnd.choice(self.sentences)
        if self.rnd.random() < 1 / 3:
            words = sentence.split()
            words[self.rnd.randrange(len(words))] = self._swap()
            sentence = " ".join(words)
        return sentence

    def story(self) -> tuple[str, str, str]:
        """Headline, excerpt, body (HTML paragraphs) of 300 to 1,500 words."""
        target = self.rnd.randint(300, 1500)
        paragraphs: list[str] = []
        words = 0
        current: list[str] = []
        while words < target:
            sentence = self.sentence()
            current.append(html.escape(sentence, quote=False))
            words += len(sentence.split())
            if len(current) >= self.rnd.randint(2, 5):
                paragraphs.append("<p>" + " ".join(current) + "</p>")
                current = []
        if current:
            paragraphs.append("<p>" + " ".join(current) + "</p>")
        first = re.sub(r"<[^>]+>", "", paragraphs[0])
        excerpt = html.unescape(_SENTENCE_END.split(first)[0])
        return self.rnd.choice(self.headlines), excerpt, "\n".join(paragraphs)


# ---------------------------------------------------------------------------- databases


def database_url(db: str) -> str:
    return f"sqlite:///{SQLITE_PATH}" if db == "sqlite" else f"{PG_SERVER}/{PG_NAME}"


def django_setup(db: str) -> None:
    os.environ["DATABASE_URL"] = database_url(db)
    os.environ["DJANGO_SETTINGS_MODULE"] = "masthead.settings.local"
    os.environ["MASTHEAD_DEBUG"] = "false"
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def fresh_database(db: str) -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    if db == "sqlite":
        for suffix in ("", "-wal", "-shm"):
            Path(f"{SQLITE_PATH}{suffix}").unlink(missing_ok=True)
        return
    import psycopg

    with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{PG_NAME}"')
        conn.execute(f'CREATE DATABASE "{PG_NAME}"')


def masthead(db: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "DATABASE_URL": database_url(db),
        "DJANGO_SETTINGS_MODULE": "masthead.settings.local",
    }
    return subprocess.run(
        [str(BIN / "masthead"), *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )


def build(db: str, stories: int) -> dict[str, Any]:
    fresh_database(db)
    masthead(db, "migrate", "--no-input")
    django_setup(db)
    from django.db import connection, transaction
    from django.utils import timezone

    from masthead.channels.services import channel_create, section_create
    from masthead.core import public_id
    from masthead.stories.models import Source, Story
    from masthead.stories.services import slug_for

    rnd = random.Random(SEED)
    texts, authors = corpus_texts()
    writer = Writer(sentences_of(texts), rnd)
    places = []
    for slug, name, sections in CHANNELS:
        channel = channel_create(actor=None, slug=slug, name=name)
        for position, section_name in enumerate(sections):
            section = section_create(
                actor=None,
                channel=channel,
                slug=slug_for(section_name),
                name=section_name,
                position=position,
            )
            places.append((channel, section))
    sources = [Source.objects.create(name=n, domain=d) for n, d in PUBLISHERS.values()]
    now = timezone.now()
    started = time.monotonic()
    batch: list[Story] = []
    for n in range(stories):
        channel, section = rnd.choice(places)
        headline, excerpt, body = writer.story()
        curated = rnd.random() < 0.4
        source = rnd.choice(sources) if curated else None
        roll = rnd.random()
        status = Story.Status.PUBLISHED
        published = now - timedelta(seconds=rnd.randint(3600, 3 * 365 * 86400))
        if roll < 0.01:
            status, published = Story.Status.SCHEDULED, now + timedelta(days=rnd.randint(1, 30))
        elif roll < 0.02:
            status = Story.Status.DRAFT
        batch.append(
            Story(
                public_id=public_id.new(),
                channel=channel,
                section=section,
                kind=Story.Kind.CURATED if curated else Story.Kind.ORIGINAL,
                status=status,
                headline=headline[:300],
                slug=slug_for(headline),
                byline=rnd.choice(authors),
                published_at=published,
                body=body,
                excerpt=excerpt,
                source=source,
                original_url=f"https://{source.domain}/{uuid.UUID(int=rnd.getrandbits(128)).hex}"
                if source
                else "",
            )
        )
        if len(batch) == 2000 or n == stories - 1:
            with transaction.atomic():
                Story.objects.bulk_create(batch)
            batch = []
            print(f"\r{n + 1:,} stories written", end="", file=sys.stderr, flush=True)
    written = time.monotonic() - started
    print(f"\n{stories:,} stories written in {written:.0f} s", file=sys.stderr)
    connection.close()
    facts = {"stories": stories, "database_url": database_url(db), **measure_reindex(db)}
    (OUT / f"search-build-{db}.json").write_text(json.dumps(facts, indent=2))
    print(f"DATABASE_URL={facts['database_url']}")
    return facts


def clear_index(db: str) -> None:
    """Every document gone, at once (a bench database only)."""
    import importlib

    from django.db import connection

    migration = importlib.import_module("masthead.search.migrations.0001_initial")
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("TRUNCATE search_document, search_pending, search_reindex_run")
            return
        cursor.execute("DROP TRIGGER search_document_delete")
        cursor.execute("DELETE FROM search_document")
        cursor.execute("DELETE FROM search_pending")
        cursor.execute("DELETE FROM search_reindex_run")
        cursor.execute("INSERT INTO search_fts (search_fts) VALUES ('delete-all')")
        cursor.execute(next(s for s in migration.SQLITE if "search_document_delete" in s))


def _timed_reindex(db: str) -> tuple[float, float, str]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.monotonic()
    done = masthead(db, "reindex", "--restart")
    seconds = time.monotonic() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return seconds, cpu, done.stdout.strip()


def measure_reindex(db: str) -> dict[str, Any]:
    """``masthead reindex`` into an empty index, then again over an index that is up to date
    (each story read, compared, left alone); wall time and the command's own CPU time (the
    machine is shared: CPU time is what another machine of its kind would need at least)."""
    from django.db import connection

    from masthead.stories.models import Story

    stories = Story.objects.count()
    clear_index(db)
    connection.close()
    load = os.getloadavg()[0]
    seconds, cpu, said = _timed_reindex(db)
    print(said, file=sys.stderr)
    again, again_cpu, _said = _timed_reindex(db)
    return {
        "reindex_seconds": round(seconds, 1),
        "reindex_rate": round(stories / seconds),
        "reindex_cpu_seconds": round(cpu, 1),
        "reindex_load_before": round(load, 1),
        "reindex_again_seconds": round(again, 1),
        "reindex_again_rate": round(stories / again),
        "reindex_again_cpu_seconds": round(again_cpu, 1),
    }


# ---------------------------------------------------------------------------- measuring


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def query_classes(rnd: random.Random) -> dict[str, list[dict[str, Any]]]:
    """Queries by class, chosen the same way on both engines (the same seed, the same
    stories): words counted in a sample of 2,000 stories, "common" in at least 5% of them
    (5,000 of 100,000 stories and more), "rare" in one or two (about 50 to 100 stories)."""
    from masthead.search.models import Document
    from masthead.search.query import STOP_WORDS

    total = Document.objects.count()
    ids = sorted(rnd.sample(range(1, total + 1), min(2000, total)))
    sample = list(
        Document.objects.filter(story_id__in=ids)
        .order_by("story_id")
        .values_list("headline", "body")
    )
    held: Counter[str] = Counter()
    for headline, body in sample:
        held.update(
            {
                w.lower()
                for w in _WORD.findall(f"{headline} {body}")
                if w.lower() not in STOP_WORDS and len(w) > 2 and w.isalpha()
            }
        )
    common = sorted(w for w, n in held.items() if n >= len(sample) * 0.05)
    rare = sorted(w for w, n in held.items() if n <= 2)
    phrases: list[str] = []
    for _headline, body in sample[:400]:
        tokens = _WORD.findall(body)
        for i in range(0, len(tokens) - 3, 97):
            pair = tokens[i : i + 2]
            if all(t.lower() not in STOP_WORDS and len(t) > 3 for t in pair):
                phrases.append('"' + " ".join(pair) + '"')
    channels = [slug for slug, _name, _sections in CHANNELS]
    picks = QUERIES_PER_CLASS

    def some(pool: list[str], k: int) -> list[str]:
        return [" ".join(rnd.sample(pool, k)) for _ in range(picks)]

    return {
        "1 word, common": [{"q": q} for q in some(common, 1)],
        "1 word, rare": [{"q": q} for q in some(rare, 1)],
        "2 words, common": [{"q": q} for q in some(common, 2)],
        "2 words, common + rare": [
            {"q": f"{rnd.choice(common)} {rnd.choice(rare)}"} for _ in range(picks)
        ],
        "3 words, common": [{"q": q} for q in some(common, 3)],
        "phrase (2 words)": [{"q": q} for q in rnd.sample(phrases, min(picks, len(phrases)))],
        "1 common word + channel": [
            {"q": rnd.choice(common), "channel": rnd.choice(channels)} for _ in range(picks)
        ],
        "2 common words, newest first": [{"q": q, "sort": "newest"} for q in some(common, 2)],
    }


def measure_queries(rnd: random.Random) -> list[dict[str, Any]]:
    from masthead.search.selectors import search

    rows = []
    for name, queries in query_classes(rnd).items():
        for args in queries:  # warm-up: the same queries, once
            search(**args)
        times, cpu, totals = [], [], []
        for args in queries:
            started, started_cpu = time.perf_counter(), time.process_time()
            results = search(**args)
            times.append((time.perf_counter() - started) * 1000)
            cpu.append((time.process_time() - started_cpu) * 1000)
            totals.append(results.total)
            assert results.error is None, (args, results.error)
            assert all(hit.snippet for hit in results.hits)
        rows.append(
            {
                "class": name,
                "queries": len(queries),
                "median_matches": statistics.median(totals),
                "p50_ms": round(_percentile(times, 0.5), 2),
                "p95_ms": round(_percentile(times, 0.95), 2),
                # This process's own CPU (on SQLite, the engine's too): what a machine to
                # itself would need at least, where the shared one's wall time is not.
                "cpu_p50_ms": round(_percentile(cpu, 0.5), 2),
                "cpu_p95_ms": round(_percentile(cpu, 0.95), 2),
                "example": queries[0],
            }
        )
        print(f"{name}: p50 {rows[-1]['p50_ms']} ms, p95 {rows[-1]['p95_ms']} ms", file=sys.stderr)
    return rows


def _hooks(on: bool) -> None:
    """The index's triggers and receivers in place or not (a bench database only)."""
    import importlib

    from django.db import connection
    from django.db.models.signals import post_save

    from masthead.search import receivers

    migration = importlib.import_module("masthead.search.migrations.0001_initial")
    from masthead.channels.models import Channel, Section
    from masthead.stories.models import Source, Story

    for model in (Story, Channel, Section, Source):
        uid = f"search-{model.__name__}"
        if on:
            post_save.connect(receivers.saved, sender=model, dispatch_uid=uid)
        else:
            post_save.disconnect(sender=model, dispatch_uid=uid)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            for table in (
                "stories_story",
                "channels_channel",
                "channels_section",
                "stories_source",
            ):
                cursor.execute(f"ALTER TABLE {table} {'ENABLE' if on else 'DISABLE'} TRIGGER USER")
            return
        marking = [
            s
            for s in migration.SQLITE
            if "ON stories_story" in s or "ON channels_" in s or "ON stories_source" in s
        ]
        for statement in marking:
            name = statement.split()[2]
            cursor.execute(f"DROP TRIGGER IF EXISTS {name}")
            if on:
                cursor.execute(statement)


def measure_writes(rnd: random.Random) -> list[dict[str, Any]]:
    from masthead.channels.models import Channel
    from masthead.stories.services import story_create, story_publish, story_update

    writer = Writer(sentences_of(corpus_texts()[0]), rnd)
    channel = Channel.objects.get(slug="worlddesk")
    section = channel.sections.first()
    timings: dict[tuple[str, bool], list[float]] = {}
    for block in range(PUBLISHES // BLOCK * 2):
        hooked = block % 2 == 0
        _hooks(hooked)
        drafts = []
        for _ in range(BLOCK):
            headline, excerpt, body = writer.story()
            drafts.append(
                story_create(
                    actor=None,
                    channel=channel,
                    section=section,
                    headline=headline,
                    excerpt=excerpt,
                    body=body,
                )
            )
        if hooked:
            from masthead.search.index import index_pending

            index_pending()  # the drafts' own documents: made when they were saved
        for story in drafts:
            started = time.perf_counter()
            story_publish(actor=None, story=story)
            timings.setdefault(("publish", hooked), []).append(
                (time.perf_counter() - started) * 1000
            )
        for story in drafts:
            _headline, _excerpt, body = writer.story()
            started = time.perf_counter()
            story_update(actor=None, story=story, body=body)
            timings.setdefault(("edit body", hooked), []).append(
                (time.perf_counter() - started) * 1000
            )
    _hooks(True)
    rows = []
    for action in ("publish", "edit body"):
        before, after = timings[(action, False)], timings[(action, True)]
        rows.append(
            {
                "action": action,
                "without_p50_ms": round(statistics.median(before), 2),
                "with_p50_ms": round(statistics.median(after), 2),
                "added_p50_ms": round(statistics.median(after) - statistics.median(before), 2),
                "without_mean_ms": round(statistics.fmean(before), 2),
                "with_mean_ms": round(statistics.fmean(after), 2),
                "n": len(before),
            }
        )
        print(rows[-1], file=sys.stderr)
    return rows


def measure(db: str, part: str = "all") -> dict[str, Any]:
    django_setup(db)
    from masthead.search.index import index_pending

    index_pending()  # anything left marked by the build
    rnd = random.Random(SEED + 1)
    results = {
        "db": db,
        "when": datetime.now(UTC).isoformat(timespec="minutes"),
        "machine": f"{os.cpu_count()} cores, {platform.machine()}, "
        f"Python {platform.python_version()}",
        "queries": measure_queries(rnd) if part in ("all", "queries") else [],
        "writes": measure_writes(rnd) if part in ("all", "writes") else [],
    }
    build_facts = OUT / f"search-build-{db}.json"
    if build_facts.exists():
        results["build"] = json.loads(build_facts.read_text())
    results["load_average"] = [round(x, 1) for x in os.getloadavg()]
    (OUT / f"search-measure-{db}-{part}.json").write_text(
        json.dumps(results, indent=2, default=str)
    )
    print(markdown(results))
    return results


def markdown(results: dict[str, Any]) -> str:
    lines = [
        f"### {results['db']} ({results['when']}, {results['machine']})",
        "",
        f"Load average during the run: {results.get('load_average')}.",
        "",
        "| query class | matches (median) | p50 | p95 | CPU p50 | CPU p95 | goal p95 |",
        "| --- | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for row in results["queries"]:
        lines.append(
            f"| {row['class']} | {row['median_matches']:,.0f} | {row['p50_ms']:.1f} ms | "
            f"{row['p95_ms']:.1f} ms | {row['cpu_p50_ms']:.1f} ms | "
            f"{row['cpu_p95_ms']:.1f} ms | 15 ms |"
        )
    lines += [
        "",
        "| write | without index hooks (p50) | with (p50) | added | goal |",
        "| --- | ---: | ---: | ---: | --- |",
    ]
    for row in results["writes"]:
        goal = "+2 ms" if row["action"] == "publish" else ""
        lines.append(
            f"| {row['action']} | {row['without_p50_ms']:.2f} ms | {row['with_p50_ms']:.2f} ms | "
            f"{row['added_p50_ms']:+.2f} ms | {goal} |"
        )
    if "build" in results:
        b = results["build"]
        lines += [
            "",
            f"`masthead reindex` of {b['stories']:,} stories into an empty index: "
            f"{b['reindex_seconds']} s, **{b['reindex_rate']:,} stories/s** (goal 1,000/s), "
            f"{b.get('reindex_cpu_seconds', '?')} s of the command's CPU; again over the "
            f"up-to-date index: {b.get('reindex_again_seconds', '?')} s.",
        ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("action", choices=["build", "reindex", "measure", "all"])
    parser.add_argument("--db", choices=["sqlite", "postgres"], required=True)
    parser.add_argument("--stories", type=int, default=100_000)
    parser.add_argument("--part", choices=["all", "queries", "writes"], default="all")
    args = parser.parse_args()
    if args.action in ("build", "all"):
        build(args.db, args.stories)
    if args.action == "reindex":
        django_setup(args.db)
        facts = json.loads((OUT / f"search-build-{args.db}.json").read_text())
        facts.update(measure_reindex(args.db))
        (OUT / f"search-build-{args.db}.json").write_text(json.dumps(facts, indent=2))
        print(json.dumps(facts, indent=2))
    if args.action == "all":
        # A fresh process: the build's Django is set up for writing, with its caches warm.
        subprocess.run([sys.executable, __file__, "measure", "--db", args.db], check=True)
    elif args.action == "measure":
        measure(args.db, args.part)


if __name__ == "__main__":
    main()
