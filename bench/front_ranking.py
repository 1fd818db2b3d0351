"""What the ranked front page costs: Top against Latest, and a comment's recount.

    .venv/bin/python bench/front_ranking.py --db sqlite      # or --db postgres

Fills a fresh database (10 channels, 10,000 published stories over 60 days, 100 members,
their comments on the newest stories), then, alternating the two in each round so that the
machine's changing speed falls on both alike:

- the front page through Django's test client (middleware, queries, template; the page cache
  is a WSGI layer in front and not in the way): Top (``/``, ranked, varied, pinned) against
  Latest (``/latest``, newest first: the page as it was before ranking), first page and
  fifth page;
- posting a comment (``comment_create``, the service a post runs) with the recount of the
  story's rank, against the same post with the recount switched off.

Prints medians and 95th percentiles, and the query plan of Top's ranked ids.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.inprocess import django_on_fresh_database, drop_database, p95  # noqa: E402

CHANNELS = 10
STORIES = 10_000
MEMBERS = 100
RUNS = 200


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--runs", type=int, default=RUNS)
    options = parser.parse_args()
    database = "masthead_bench_front"
    django_on_fresh_database(db=options.db, database=database, prefix="masthead-bench-front-")
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    call_command("migrate", verbosity=0)
    members, recent = seed()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    client = Client(HTTP_HOST="127.0.0.1")
    pages = {
        "Latest, page 1 (baseline)": "/latest",
        "Top, page 1": "/",
        "Latest, page 5 (baseline)": "/latest?page=5",
        "Top, page 5": "/?page=5",
    }
    for url in pages.values():
        for _ in range(5):
            assert client.get(url).status_code == 200
    page_times = alternate(
        {name: (lambda url=url: client.get(url)) for name, url in pages.items()}, options.runs
    )
    post_times = time_posts(members, recent, options.runs)
    plan = explain_top(connection)
    drop_database(db=options.db, database=database)

    print(
        f"{options.db}, {os.cpu_count()} cores, {platform.machine()}, Python "
        f"{platform.python_version()}, {STORIES:,} stories, {options.runs} rounds"
    )
    print("| measurement | median | p95 |\n| --- | ---: | ---: |")
    for name, values in {**page_times, **post_times}.items():
        print(f"| {name} | {statistics.median(values):.2f} ms | {p95(values):.2f} ms |")
    print(f"\nTop's ranked ids:\n{plan}")


def seed() -> tuple[list, list]:
    import datetime as dt

    from django.db import transaction
    from django.utils import timezone

    from masthead.accounts.models import Profile, User
    from masthead.channels.services import channel_create, section_create
    from masthead.discussion.services import comment_create
    from masthead.stories import ranking
    from masthead.stories.models import Story

    now = timezone.now()
    sections = []
    for n in range(CHANNELS):
        channel = channel_create(actor=None, slug=f"channel-{n}", name=f"Channel {n}")
        sections.append(section_create(actor=None, channel=channel, slug="news", name="News"))
    with transaction.atomic():
        members = User.objects.bulk_create(
            User(email=f"m{n}@bench.test", password="!")  # noqa: S106 - "!": unusable
            for n in range(MEMBERS)
        )
        Profile.objects.bulk_create(
            Profile(user=m, handle=f"member{n}", display_name=f"Member {n}")
            for n, m in enumerate(members)
        )
        stories = []
        for n in range(STORIES):
            section = sections[(n * 7) % CHANNELS]
            published = now - dt.timedelta(minutes=9 * n + 5)  # 10,000 over ~62 days
            stories.append(
                Story(
                    channel_id=section.channel_id,
                    section=section,
                    headline=f"Story {n}",
                    slug=f"story-{n}",
                    body="<p>Text.</p>",
                    excerpt="An excerpt of the story.",
                    status=Story.Status.PUBLISHED,
                    published_at=published,
                    hotness=ranking.hotness(1.0, published),
                )
            )
        Story.objects.bulk_create(stories, batch_size=1000)
    recent = list(Story.objects.order_by("-published_at")[:60])
    for n, story in enumerate(recent[:40]):  # a few discussions on the newest stories
        for m in range(n % 8):
            comment_create(actor=members[(n + m) % MEMBERS], story=story, body=f"Comment {m}.")
    return members, recent


def alternate(actions: dict[str, Callable[[], object]], runs: int) -> dict[str, list[float]]:
    times: dict[str, list[float]] = {name: [] for name in actions}
    for _ in range(runs):
        for name, action in actions.items():
            started = time.perf_counter()
            action()
            times[name].append((time.perf_counter() - started) * 1000)
    return times


def time_posts(members: list, recent: list, runs: int) -> dict[str, list[float]]:
    from masthead.discussion.services import comment_create, common

    real = common.ranking.stories_rank_refresh
    counter = iter(range(10**9))

    def post(refresh: Callable[..., int]) -> None:
        n = next(counter)
        common.ranking.stories_rank_refresh = refresh  # type: ignore[assignment]
        try:
            comment_create(
                actor=members[n % MEMBERS], story=recent[n % len(recent)], body=f"Post {n}."
            )
        finally:
            common.ranking.stories_rank_refresh = real  # type: ignore[assignment]

    return alternate(
        {
            "a comment posted, without the recount (baseline)": lambda: post(lambda **kw: 0),
            "a comment posted, with the recount": lambda: post(real),
        },
        runs,
    )


def explain_top(connection: object) -> str:
    from masthead.stories.front import TOP_ORDER
    from masthead.stories.models import Story

    query = Story.objects.published().order_by(*TOP_ORDER).values_list("pk", "channel_id")[:100]
    return str(query.explain())


if __name__ == "__main__":
    main()
