"""Masthead's performance goals, each measured side by side with its baseline in one run.

    .venv/bin/python bench/run.py --db sqlite      # or --db postgres; --cache redis|file
    .venv/bin/python bench/run.py --suite distribution   # each feed and the sitemaps
    .venv/bin/python bench/run.py --suite api            # the API's reads and posting

Starts, on this machine: ``masthead serve`` (production settings, granian), the minimal
Django view under the same granian flags (bench/minimal_app.py), and nginx serving the story
page's bytes as a static file; then wrk measures each (one wrk thread, so the load generator
takes one core at most and all servers face the same client). Prints a Markdown table for
docs/performance.md and writes the raw numbers to var/bench/.

Needs: wrk and nginx (apt-get install wrk nginx-light), Redis for --cache redis, PostgreSQL
for --db postgres.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import secrets
import shutil
import signal
import subprocess
import sys
import textwrap
import time
import urllib.request
from contextlib import ExitStack, contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
PORTS = {"masthead": 8100, "minimal": 8101, "nginx": 8102}
GOALS = {"anonymous": 0.25, "member": 0.03, "posting": 200.0, "api_read": 0.25}
BASELINES = {"nginx_static", "minimal_django"}


def sh(*args: str, env: dict[str, str] | None = None, **kw: Any) -> str:
    result = subprocess.run(
        args, env=env, cwd=ROOT, capture_output=True, text=True, check=False, **kw
    )
    if result.returncode:
        raise SystemExit(f"{' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout


@contextmanager
def process(args: list[str], *, env: dict[str, str], log: Path):
    with log.open("w") as out:
        proc = subprocess.Popen(
            args, env=env, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    try:
        yield proc
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)


def wait_for(url: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"{url} did not answer within {timeout} s")


def wrk(
    url: str,
    *,
    duration: int,
    connections: int,
    headers: dict[str, str] | None = None,
    script: list[str] | None = None,
) -> dict[str, float]:
    args = ["wrk", "-t1", f"-c{connections}", f"-d{duration}s", "--latency"]
    for name, value in (headers or {}).items():
        args += ["-H", f"{name}: {value}"]
    if script:
        args += ["-s", script[0], url, "--", *script[1:]]
    else:
        args.append(url)
    out = sh(*args)
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    total = int(re.search(r"(\d+) requests in", out).group(1))
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    errors = re.search(r"Socket errors: (.*)", out)
    p50 = re.search(r"50%\s+([\d.]+\w+)", out).group(1)
    p99 = re.search(r"99%\s+([\d.]+\w+)", out).group(1)
    return {
        "rps": rps,
        "requests": total,
        "non_2xx_3xx": int(bad.group(1)) if bad else 0,
        "socket_errors": errors.group(1) if errors else "",
        "p50": p50,
        "p99": p99,
    }


def machine() -> dict[str, str]:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    return {
        "cpu": cpu,
        "cores": str(len(os.sched_getaffinity(0))),
        "memory_gb": str(round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30)),
        "os": platform.platform(),
        "python": platform.python_version(),
        "granian": sh(str(BIN / "granian"), "--version").strip(),
        "nginx": subprocess.run(["nginx", "-v"], capture_output=True, text=True).stderr.strip(),
        "wrk": subprocess.run(["wrk", "-v"], capture_output=True, text=True).stdout.split("\n")[0],
    }


def nginx_conf(workdir: Path, workers: int) -> Path:
    conf = workdir / "nginx.conf"
    conf.write_text(
        textwrap.dedent(f"""
        worker_processes {workers};
        pid {workdir}/nginx.pid;
        error_log {workdir}/nginx-error.log;
        events {{ worker_connections 1024; }}
        http {{
            access_log off;
            default_type text/html;
            sendfile on;
            tcp_nopush on;
            keepalive_requests 100000;
            server {{
                listen 127.0.0.1:{PORTS["nginx"]};
                root {workdir}/static;
            }}
        }}
    """)
    )
    return conf


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--cache", choices=["redis", "file"], default="redis")
    parser.add_argument("--duration", type=int, default=10, help="seconds per measurement")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--workers", type=int, default=len(os.sched_getaffinity(0)))
    parser.add_argument(
        "--threads",
        type=int,
        default=None,
        help="blocking threads per worker (default: masthead serve's)",
    )
    parser.add_argument(
        "--only", default="", help="comma-separated measurements to run (default: all)"
    )
    parser.add_argument(
        "--suite",
        choices=["story", "distribution", "api"],
        default="story",
        help="story: the story page and posting; distribution: each feed and the sitemaps, "
        "cached, beside nginx serving the same bytes; api: the API's story list and comments "
        "beside the minimal Django view, and posting through the API beside the form",
    )
    parser.add_argument(
        "--postgres-url", default="postgres://postgres@127.0.0.1:5432/masthead_bench"
    )
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/7")
    parser.add_argument(
        "--comments", type=int, default=200, help="comments on the story (4 per thread)"
    )
    parser.add_argument(
        "--prepare-only",
        action="store_true",
        help="make the database and exit (for profiling by hand)",
    )
    options = parser.parse_args()

    workdir = Path("/tmp") / f"masthead-bench-{options.db}-{options.cache}"
    shutil.rmtree(workdir, ignore_errors=True)
    (workdir / "static").mkdir(parents=True)
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "masthead.settings.production",
        "SECRET_KEY": secrets.token_urlsafe(64),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "0",
        "MASTHEAD_VAR": str(workdir),
        "BENCH_FACTS": str(workdir / "facts.json"),
        "BENCH_COMMENTS": str(options.comments),
        "BENCH_MORE_STORIES": {"distribution": "60", "api": "20"}.get(options.suite, "0"),
        "BENCH_API_TOKENS": "1" if options.suite == "api" else "",
        # The limits stay on (their cost is part of every post) but out of the way.
        "MASTHEAD_RATE_LIMITS": "comment:member=1000000/60,comment:ip=1000000/60",
        "PYTHONPATH": str(ROOT),
    }
    if options.cache == "redis":
        env["CACHE_URL"] = options.redis_url
        import redis

        redis.Redis.from_url(options.redis_url).flushdb()
    else:
        env["CACHE_URL"] = f"file://{workdir}/cache"
    if options.db == "postgres":
        env["DATABASE_URL"] = options.postgres_url
        base, _, name = options.postgres_url.rpartition("/")
        import psycopg

        with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
            conn.execute(f'CREATE DATABASE "{name}"')

    masthead = str(BIN / "masthead")
    print(f"Preparing {workdir} ({options.db}, {options.cache} cache)...", flush=True)
    sh(masthead, "migrate", "-v0", env=env)
    sh(masthead, "shell", "-c", (ROOT / "bench/seed.py").read_text(), env=env)
    facts = json.loads((workdir / "facts.json").read_text())
    sessions = workdir / "sessions.lua"
    sessions.write_text(
        "return {\n"
        + "".join(
            f'  {{sid = "{s["sessionid"]}", csrf = "{s["csrftoken"]}"}},\n'
            for s in facts["posters"]
        )
        + "}\n"
    )
    tokens = workdir / "api_tokens.lua"
    tokens.write_text(
        "return {\n" + "".join(f'  "{token}",\n' for token in facts["api_posters"]) + "}\n"
    )

    (workdir / "env.json").write_text(
        json.dumps({k: v for k, v in env.items() if k not in os.environ or k == "PYTHONPATH"})
    )
    if options.prepare_only:
        print(f"Prepared {workdir}; facts in {workdir / 'facts.json'}")
        return
    flags = ["--workers", str(options.workers)]
    results: dict[str, Any] = {"machine": machine(), "options": vars(options)}
    with ExitStack() as stack:
        stack.enter_context(
            process(
                [
                    masthead,
                    "serve",
                    "--port",
                    str(PORTS["masthead"]),
                    *flags,
                    *(["--threads", str(options.threads)] if options.threads else []),
                ],
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
        story = base + facts["story_url"]
        wait_for(base + "/healthz")
        wait_for(f"http://127.0.0.1:{PORTS['minimal']}/")
        with urllib.request.urlopen(story) as response:
            page = response.read()
        (workdir / "static/story.html").write_bytes(page)
        conf = nginx_conf(workdir, options.workers)
        sh("nginx", "-c", str(conf), "-p", str(workdir))
        stack.callback(
            lambda: subprocess.run(
                ["nginx", "-c", str(conf), "-p", str(workdir), "-s", "stop"], check=False
            )
        )
        wait_for(f"http://127.0.0.1:{PORTS['nginx']}/story.html")
        results["page_bytes"] = len(page)

        run = {"duration": options.duration, "connections": options.connections}
        if options.suite == "distribution":
            results["distribution"] = distribution(base, workdir, options, run)
            report_distribution(results)
            return save(results, options)
        if options.suite == "api":
            results["api"] = api_suite(base, facts, options, run, workdir, masthead, env)
            report_api(results)
            return save(results, options)
        member = lambda who: {"Cookie": f"sessionid={facts[who]['sessionid']}"}  # noqa: E731
        measurements = {
            "nginx_static": (f"http://127.0.0.1:{PORTS['nginx']}/story.html", {}),
            "anonymous_cached": (story, {}),
            "minimal_django": (f"http://127.0.0.1:{PORTS['minimal']}/", {}),
            "member_no_comments": (story, member("lurker")),
            "member_with_comments": (story, member("commenter")),
        }
        wanted = set(filter(None, options.only.split(","))) | BASELINES
        for name, (url, headers) in measurements.items():
            if options.only and name not in wanted:
                continue
            print(f"  {name}...", flush=True)
            wrk(url, headers=headers, duration=2, connections=options.connections)  # warm up
            results[name] = wrk(url, headers=headers, **run)

        if options.only and "posting" not in wanted:
            return report(results)
        before = count_comments(masthead, env, facts["story_id"])
        print("  posting...", flush=True)
        post_url = f"{base}/stories/{facts['story_public_id']}/comments/"
        results["posting"] = wrk(
            post_url,
            script=[
                str(ROOT / "bench/post_comment.lua"),
                str(sessions),
                post_url.removeprefix(base),
            ],
            **run,
        )
        time.sleep(1)  # let requests in flight when wrk stopped finish
        after = count_comments(masthead, env, facts["story_id"])
        results["posting"].update(after)
        results["posting"]["created"] = after["comments"] - before["comments"]

    report(results)
    save(results, options)


def save(results: dict[str, Any], options: argparse.Namespace) -> None:
    out = ROOT / "var/bench"
    out.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    name = f"{stamp}-{options.suite}-{options.db}-{options.cache}.json"
    (out / name).write_text(json.dumps(results, indent=2))


# Each feed and the sitemaps, as a reader or crawler polls them: anonymous, from the cache.
DISTRIBUTION = {
    "site_rss": "/rss.xml",
    "site_atom": "/atom.xml",
    "site_json": "/feed.json",
    "channel_rss": "/globallead/rss.xml",
    "section_atom": "/globallead/politics/atom.xml",
    "sitemap_index": "/sitemap.xml",
    "channel_sitemap": "/globallead/sitemap.xml",
    "news_sitemap": "/sitemap-news.xml",
}


def distribution(
    base: str, workdir: Path, options: argparse.Namespace, run: dict[str, int]
) -> dict[str, Any]:
    """For each document: nginx serving its bytes as a file, then Masthead serving it from
    the page cache, one right after the other (the pair shares the machine's state)."""
    found: dict[str, Any] = {}
    wanted = set(filter(None, options.only.split(",")))
    for name, path in DISTRIBUTION.items():
        if wanted and name not in wanted:
            continue
        with urllib.request.urlopen(base + path) as response:
            body = response.read()
        (workdir / "static" / name).write_bytes(body)
        static = f"http://127.0.0.1:{PORTS['nginx']}/{name}"
        pair: dict[str, Any] = {"path": path, "bytes": len(body)}
        for server, url in (("nginx", static), ("masthead", base + path)):
            print(f"  {name} ({server})...", flush=True)
            wrk(url, duration=2, connections=options.connections)  # warm up
            pair[server] = wrk(url, **run)
        found[name] = pair
    return found


def report_distribution(results: dict[str, Any]) -> None:
    goal = GOALS["anonymous"]
    print(f"\nMachine: {results['machine']}\nOptions: {results['options']}\n")
    print(
        "| document | bytes | nginx requests/s | Masthead requests/s | p50 | p99 "
        "| non-2xx/3xx | ratio |"
    )
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |")
    for pair in results["distribution"].values():
        ours, theirs = pair["masthead"], pair["nginx"]
        print(
            f"| `{pair['path']}` | {pair['bytes']:,} | {theirs['rps']:,.0f} | {ours['rps']:,.0f} "
            f"| {ours['p50']} | {ours['p99']} | {ours['non_2xx_3xx']} "
            f"| {ours['rps'] / theirs['rps']:.2f} x nginx (goal {goal}) |"
        )


# The API's reads, uncached (an API answer is rendered for each request; its ETag spares the
# bytes of a repeated one, which wrk does not send): a page of the story list, and the 200
# comments of the benchmark's story on one page.
API_READS = {
    "api_stories": ("/api/v1/stories?limit=20", 20),
    "api_comments": ("/api/v1/stories/{public_id}/comments?limit=200", 200),
}


def api_suite(
    base: str,
    facts: dict[str, Any],
    options: argparse.Namespace,
    run: dict[str, int],
    workdir: Path,
    masthead: str,
    env: dict[str, str],
) -> dict[str, Any]:
    """The minimal Django view, then each API read, one after the other; then posting
    through the form and through the API with tokens, each counted in the database."""
    found: dict[str, Any] = {}
    reads = {"minimal_django": (f"http://127.0.0.1:{PORTS['minimal']}/", None)}
    for name, (path, items) in API_READS.items():
        url = base + path.format(public_id=facts["story_public_id"])
        with urllib.request.urlopen(url) as response:
            shown = len(json.loads(response.read())["items"])
        if shown != items:
            raise SystemExit(f"{url} lists {shown} items, not {items}")
        reads[name] = (url, items)
    for name, (url, items) in reads.items():
        print(f"  {name}...", flush=True)
        wrk(url, duration=2, connections=options.connections)  # warm up
        found[name] = {**wrk(url, **run), "url": url.removeprefix(base), "items": items}
    story = facts["story_public_id"]
    form = f"{base}/stories/{story}/comments/"
    api = f"{base}/api/v1/stories/{story}/comments"
    postings = {
        "form_posting": (form, "bench/post_comment.lua", workdir / "sessions.lua"),
        "api_posting": (api, "bench/post_comment_api.lua", workdir / "api_tokens.lua"),
    }
    for name, (url, lua, accounts) in postings.items():
        before = count_comments(masthead, env, facts["story_id"])
        print(f"  {name}...", flush=True)
        found[name] = wrk(
            url, script=[str(ROOT / lua), str(accounts), url.removeprefix(base)], **run
        )
        time.sleep(1)  # let requests in flight when wrk stopped finish
        after = count_comments(masthead, env, facts["story_id"])
        found[name].update(after)
        found[name]["created"] = after["comments"] - before["comments"]
        found[name]["acknowledged"] = found[name]["requests"] - found[name]["non_2xx_3xx"]
    return found


def report_api(results: dict[str, Any]) -> None:
    found, goal = results["api"], GOALS["api_read"]
    baseline = found["minimal_django"]["rps"]
    print(f"\nMachine: {results['machine']}\nOptions: {results['options']}\n")
    print("| measurement | requests/s | p50 | p99 | non-2xx/3xx | ratio |")
    print("| --- | ---: | ---: | ---: | ---: | --- |")
    for name in ("minimal_django", *API_READS):
        row = found[name]
        ratio = (
            "baseline"
            if name == "minimal_django"
            else f"{row['rps'] / baseline:.2f} x minimal Django (goal {goal})"
        )
        print(
            f"| {name} `{row['url']}` | {row['rps']:,.0f} | {row['p50']} | {row['p99']} "
            f"| {row['non_2xx_3xx']} | {ratio} |"
        )
    print(
        "\n| posting, 32 members | requests/s | p50 | p99 | acknowledged | comments made "
        "| distinct numbers | refused |"
    )
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for name in ("form_posting", "api_posting"):
        row = found[name]
        print(
            f"| {name} | {row['rps']:,.0f} | {row['p50']} | {row['p99']} | {row['acknowledged']:,} "
            f"| {row['created']:,} | {row['distinct_numbers']:,} of {row['comments']:,} "
            f"| {row['non_2xx_3xx']} |"
        )
    form, api = found["form_posting"]["rps"], found["api_posting"]["rps"]
    print(f"\nAPI posting: {api / form:.2f} x the form's rate (goal: at least 1.00)")


def count_comments(masthead: str, env: dict[str, str], story_id: int) -> dict[str, Any]:
    code = textwrap.dedent(f"""
        import json
        from django.db.models import Count
        from masthead.discussion.models import Comment
        from masthead.stories.models import Story
        rows = Comment.objects.filter(story_id={story_id})
        numbers = rows.values("thread", "position").distinct().count()
        story = Story.objects.get(pk={story_id})
        print(json.dumps({{"comments": rows.count(), "distinct_numbers": numbers,
                          "comment_count_field": story.comment_count}}))
    """)
    return json.loads(sh(masthead, "shell", "-c", code, env=env).strip().splitlines()[-1])


def report(results: dict[str, Any]) -> None:
    nginx, minimal = results["nginx_static"]["rps"], results["minimal_django"]["rps"]
    rows = [
        ("nginx_static", "nginx, the page as a static file (baseline)", lambda r: ""),
        (
            "anonymous_cached",
            "anonymous story page, cached",
            lambda r: f"{r['rps'] / nginx:.2f} x nginx (goal {GOALS['anonymous']})",
        ),
        ("minimal_django", "minimal Django view (baseline)", lambda r: ""),
        (
            "member_no_comments",
            "member story page, none of the comments theirs",
            lambda r: f"{r['rps'] / minimal:.3f} x minimal (goal {GOALS['member']})",
        ),
        (
            "member_with_comments",
            "member story page, 1 in 40 of the comments theirs",
            lambda r: f"{r['rps'] / minimal:.3f} x minimal",
        ),
        (
            "posting",
            "posting a comment through the form",
            lambda r: f"{r['rps']:.0f}/s (goal {GOALS['posting']:.0f}/s)",
        ),
    ]
    print(f"\nPage: {results['page_bytes']:,} bytes. Machine: {results['machine']}")
    print(f"Options: {results['options']}\n")
    print("| measurement | requests/s | p50 | p99 | non-2xx/3xx | ratio |")
    print("| --- | ---: | ---: | ---: | ---: | --- |")
    for name, label, ratio in rows:
        if name in results:
            r = results[name]
            print(
                f"| {label} | {r['rps']:,.0f} | {r['p50']} | {r['p99']} "
                f"| {r['non_2xx_3xx']} | {ratio(r)} |"
            )
    posting = results.get("posting")
    if posting:
        print(
            f"\nPosting: {posting['requests']} requests answered, {posting['non_2xx_3xx']} "
            f"refused; {posting['created']} comments created; {posting['distinct_numbers']} "
            f"distinct numbers for {posting['comments']} comments; the story's count field "
            f"says {posting['comment_count_field']}."
        )


if __name__ == "__main__":
    main()
