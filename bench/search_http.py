"""The search page through HTTP: ``masthead serve`` answering varied common two-word searches
over 100,000 stories, beside the minimal Django view, in the same run.

    .venv/bin/python bench/search.py build --db sqlite        # once: the 100,000 stories
    .venv/bin/python bench/search_http.py --db sqlite         # or --db postgres

Serves the database ``bench/search.py build`` made (``--database-url`` for another) with
production settings and the Redis page cache, and the minimal Django view
(bench/minimal_app.py) under the same granian flags; wrk (one thread) asks each in turn. The
search page is asked a different query on every request (``--queries`` of them, never
repeated within a run), so no answer comes from the page cache: every one is a miss, rendered
and stored, and the Lua script counts the cache's answers to show it. The queries are pairs of
common words (each in at least 5% of the stories, as bench/search.py's "2 words, common"),
so every page ranks many matches and cuts 20 snippets. Prints a Markdown table for
docs/performance.md; raw figures to var/bench/.

Needs wrk (apt-get install wrk) and Redis (``--redis-url``; the database given is emptied).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import re
import secrets
import shutil
import subprocess
import sys
from contextlib import ExitStack
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.run import process, wait_for, wrk  # noqa: E402 - after the path is set

BIN = Path(sys.executable).parent
OUT = ROOT / "var" / "bench"
PORTS = {"masthead": 8110, "minimal": 8111}  # beside bench/run.py's 8100-8102
GOAL = 0.25  # x the minimal Django view's requests/s (issue 10)
COMMON_SHARE = 0.05  # a common word is in at least this share of the stories
COMMON_WORDS = 300
SAMPLE = 400  # stories read to find the common words (their share of the sample)
SEED = 20


def machine() -> dict[str, str]:
    """bench/run.py's description of the machine, without nginx (not needed here)."""
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    version = subprocess.run(["wrk", "-v"], capture_output=True, text=True, check=False)
    return {
        "cpu": cpu,
        "cores": str(len(os.sched_getaffinity(0))),
        "memory_gb": str(round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30)),
        "os": platform.platform(),
        "python": platform.python_version(),
        "wrk": version.stdout.split("\n")[0],
    }


def default_database_url(db: str) -> str:
    facts = OUT / f"search-build-{db}.json"
    if not facts.exists():
        raise SystemExit(f"No {facts}: run bench/search.py build --db {db} first.")
    return str(json.loads(facts.read_text())["database_url"])


def common_pairs(env: dict[str, str], count: int) -> list[str]:
    """``count`` different pairs of common words: words held by at least COMMON_SHARE of a
    sample of the indexed stories (in a process of its own: the database is the served one).
    The engine's own counts stop at a thousand, so they cannot tell 5% of 100,000."""
    code = f"""
import json, random, re
from masthead.search.models import Document
from masthead.search.query import STOP_WORDS
rnd = random.Random({SEED})
ids = list(Document.objects.values_list("story_id", flat=True))
sample = Document.objects.filter(story_id__in=rnd.sample(ids, {SAMPLE})).values_list(
    "headline", "body"
)
held = {{}}  # word -> sampled stories holding it
for headline, body in sample:
    for w in set(re.findall(r"[^\\W\\d_]+", (headline + " " + body).lower())):
        if w not in STOP_WORDS and len(w) > 2:
            held[w] = held.get(w, 0) + 1
common = sorted(
    (w for w, n in held.items() if n >= {SAMPLE} * {COMMON_SHARE}), key=lambda w: -held[w]
)[:{COMMON_WORDS}]
print(json.dumps({{"total": len(ids), "common": common}}))
"""
    result = subprocess.run(
        [str(BIN / "masthead"), "shell", "-c", code],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode:
        raise SystemExit(f"reading the common words failed:\n{result.stderr[-3000:]}")
    out = result.stdout
    found = json.loads(out.strip().splitlines()[-1])
    common = found["common"]
    if len(common) * (len(common) - 1) / 2 < 2 * count:
        raise SystemExit(f"only {len(common)} common words in {found['total']} stories")
    rnd = random.Random(SEED)
    pairs: set[str] = set()
    while len(pairs) < count:
        first, second = rnd.sample(common, 2)
        pairs.add(f"{first} {second}")
    ordered = sorted(pairs)
    rnd.shuffle(ordered)
    return ordered


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--database-url", default=None, help="default: bench/search.py's")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/6")
    parser.add_argument("--duration", type=int, default=15, help="seconds per measurement")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=len(os.sched_getaffinity(0)))
    parser.add_argument("--queries", type=int, default=20_000, help="distinct searches")
    parser.add_argument(
        "--floor", action="store_true", help="also the page without a search, not cached"
    )
    options = parser.parse_args()

    workdir = Path("/tmp") / f"masthead-bench-search-http-{options.db}"
    shutil.rmtree(workdir, ignore_errors=True)
    workdir.mkdir(parents=True)
    database_url = options.database_url or default_database_url(options.db)
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "masthead.settings.production",
        "SECRET_KEY": secrets.token_urlsafe(64),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "0",
        "MASTHEAD_VAR": str(workdir),
        "DATABASE_URL": database_url,
        "CACHE_URL": options.redis_url,
        "PYTHONPATH": str(ROOT),
    }
    import redis

    redis.Redis.from_url(options.redis_url).flushdb()
    print(f"Reading common words from {database_url}...", flush=True)
    pairs = common_pairs(env, options.queries)
    paths = workdir / "paths.txt"
    paths.write_text("".join(f"/search?{urlencode({'q': pair})}\n" for pair in pairs))
    warm_paths = workdir / "warm.txt"  # other pairs' pages: warm the server, not the cache
    warm_paths.write_text(
        "".join(f"/search?{urlencode({'q': pair, 'sort': 'newest'})}\n" for pair in pairs[:2000])
    )

    flags = ["--workers", str(options.workers)]
    results: dict[str, Any] = {
        "machine": machine(),
        "options": vars(options),
        "database_url": database_url,
        "queries": len(pairs),
        "example_queries": pairs[:5],
    }
    script = str(ROOT / "bench/search_page.lua")
    with ExitStack() as stack:
        stack.enter_context(
            process(
                [str(BIN / "masthead"), "serve", "--port", str(PORTS["masthead"]), *flags],
                env=env,
                log=workdir / "masthead.log",
            )
        )
        stack.enter_context(
            process(
                [
                    str(BIN / "granian"),
                    "--interface",
                    "wsgi",
                    "--no-ws",
                    "--port",
                    str(PORTS["minimal"]),
                    *flags,
                    "--blocking-threads",
                    "2",
                    "--backpressure",
                    "512",
                    "--log-level",
                    "warning",
                    "bench.minimal_app:application",
                ],
                env=env,
                log=workdir / "minimal.log",
            )
        )
        base = f"http://127.0.0.1:{PORTS['masthead']}"
        minimal = f"http://127.0.0.1:{PORTS['minimal']}/"
        wait_for(base + "/healthz", timeout=60)
        wait_for(minimal)
        run = {"duration": options.duration, "connections": options.connections}
        print("  minimal_django...", flush=True)
        wrk(minimal, duration=2, connections=options.connections)
        results["minimal_django"] = wrk(minimal, **run)
        if options.floor:
            # The same page without a search: what Django, the page's queries and the template
            # cost without the engine (an unknown parameter keeps each out of the cache).
            floor = workdir / "floor.txt"
            floor.write_text("".join(f"/search?q=&n={n}\n" for n in range(options.queries)))
            print("  search_prompt (first; no search, not cached)...", flush=True)
            results["search_prompt"] = search_wrk(base, script, floor, **run)
        print("  search_page (every request a different query)...", flush=True)
        wrk(base + "/", script=[script, str(warm_paths)], duration=3, connections=4)
        results["search_page"] = search_wrk(base, script, paths, **run)

    report(results)
    OUT.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    (OUT / f"{stamp}-search-http-{options.db}.json").write_text(json.dumps(results, indent=2))


def search_wrk(base: str, script: str, paths: Path, **run: Any) -> dict[str, Any]:
    """wrk's figures for the search page, with the Lua script's count of cache answers."""
    args = ["wrk", "-t1", f"-c{run['connections']}", f"-d{run['duration']}s", "--latency"]
    args += ["--timeout", "10s"]  # a slow search is counted, not dropped as a socket error
    out = subprocess.run(
        [*args, "-s", script, base + "/", "--", str(paths)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    found = wrk_figures(out)
    counts = re.search(
        r"cache: hit=(\d+) miss=(\d+) uncached=(\d+) status: 200=(\d+) other=(\d+)", out
    )
    if counts is None:
        raise SystemExit(f"the Lua script printed no counts:\n{out}")
    found.update(
        zip(
            ("cache_hits", "cache_misses", "uncached", "status_200", "status_other"),
            map(int, counts.groups()),
            strict=True,
        )
    )
    return found


def wrk_figures(out: str) -> dict[str, Any]:
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    total = int(re.search(r"(\d+) requests in", out).group(1))  # type: ignore[union-attr]
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {
        "rps": rps,
        "requests": total,
        "non_2xx_3xx": int(bad.group(1)) if bad else 0,
        "p50": re.search(r"50%\s+([\d.]+\w+)", out).group(1),  # type: ignore[union-attr]
        "p99": re.search(r"99%\s+([\d.]+\w+)", out).group(1),  # type: ignore[union-attr]
    }


def report(results: dict[str, Any]) -> None:
    minimal, search = results["minimal_django"], results["search_page"]
    ratio = search["rps"] / minimal["rps"]
    print(f"\nMachine: {results['machine']}")
    print(
        f"Options: {results['options']}; {results['queries']:,} distinct queries, e.g. "
        f"{results['example_queries'][:3]}\n"
    )
    print("| measurement | requests/s | p50 | p99 | non-2xx/3xx | ratio |")
    print("| --- | ---: | ---: | ---: | ---: | --- |")
    print(
        f"| minimal Django view (baseline) | {minimal['rps']:,.0f} | {minimal['p50']} "
        f"| {minimal['p99']} | {minimal['non_2xx_3xx']} | |"
    )
    print(
        f"| search page, a different common two-word query each request | {search['rps']:,.0f} "
        f"| {search['p50']} | {search['p99']} | {search['non_2xx_3xx']} "
        f"| {ratio:.2f} x minimal (goal {GOAL}) |"
    )
    prompt = results.get("search_prompt")
    if prompt:
        print(
            f"| search page without a search (the prompt), not cached | {prompt['rps']:,.0f} "
            f"| {prompt['p50']} | {prompt['p99']} | {prompt['non_2xx_3xx']} "
            f"| {prompt['rps'] / minimal['rps']:.2f} x minimal |"
        )
    print(
        f"\nPage cache answers to the search requests: {search['cache_hits']} hits, "
        f"{search['cache_misses']} misses, {search['uncached']} not cacheable; "
        f"{search['status_200']} answered 200, {search['status_other']} otherwise."
    )


if __name__ == "__main__":
    main()
