"""The moderation queue page with 10,000 comments awaiting review.

    .venv/bin/python bench/moderation_queue.py --db sqlite      # or --db postgres

Fills a fresh database (a channel, 200 members, 100 stories, 10,000 pending comments, 500
reported), then requests the channel's queue as one of its moderators through Django's test
client (middleware, the queries, the template: everything but the network), 100 times after a
warm-up, and the same page with an empty queue as the baseline (what the page costs whatever
the queue holds). Prints medians and 95th percentiles and the query plans of the page's
queries. The goal (issue 4): under 100 ms median with 10,000 pending, on both databases.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.inprocess import django_on_fresh_database, drop_database, p95  # noqa: E402

GOAL_MS = 100.0
PENDING = 10_000
REPORTED = 500
STORIES = 100
MEMBERS = 200
RUNS = 100


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--runs", type=int, default=RUNS)
    options = parser.parse_args()
    database = "masthead_bench_queue"
    django_on_fresh_database(db=options.db, database=database, prefix="masthead-bench-queue-")
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    call_command("migrate", verbosity=0)
    channel, empty_channel, moderator = seed()
    with connection.cursor() as cursor:  # what autovacuum (or SQLite's optimize) does in time
        cursor.execute("ANALYZE")
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(moderator)
    full = reverse("discussion:queue", kwargs={"channel": channel.slug})
    empty = reverse("discussion:queue", kwargs={"channel": empty_channel.slug})
    for url in (full, empty, full + "?show=reported"):
        for _ in range(5):
            assert client.get(url).status_code == 200
    timings = {
        "empty queue (baseline)": time_page(client, empty, options.runs),
        f"{PENDING:,} awaiting review": time_page(client, full, options.runs),
        f"{REPORTED} reported": time_page(client, full + "?show=reported", options.runs),
    }
    with CaptureQueriesContext(connection) as queries:
        client.get(full)
    plans = explain(connection, [q["sql"] for q in queries.captured_queries])
    drop_database(db=options.db, database=database)

    print(
        f"{options.db}, {os.cpu_count()} cores, {platform.machine()}, Python "
        f"{platform.python_version()}, {options.runs} requests each"
    )
    print("| page | median | p95 | goal |\n| --- | ---: | ---: | ---: |")
    for name, values in timings.items():
        goal = f"< {GOAL_MS:.0f} ms" if "awaiting" in name else ""
        print(f"| {name} | {statistics.median(values):.1f} ms | {p95(values):.1f} ms | {goal} |")
    print(f"\n{len(queries.captured_queries)} queries for the page with {PENDING:,} pending:")
    for sql, plan in plans:
        print(f"\n{sql[:300]}\n{plan}")
    median = statistics.median(timings[f"{PENDING:,} awaiting review"])
    if median >= GOAL_MS:
        raise SystemExit(f"median {median:.1f} ms is over the goal")


def seed() -> tuple:
    import datetime as dt

    from django.db import transaction
    from django.utils import timezone

    from masthead.accounts.models import Profile, User
    from masthead.channels.models import ChannelRole
    from masthead.channels.services import channel_create, role_flag_sync, section_create
    from masthead.discussion.models import Comment
    from masthead.stories.models import Story
    from masthead.stories.services import story_create, story_publish

    channel = channel_create(actor=None, slug="busy", name="Busy Channel")
    empty_channel = channel_create(actor=None, slug="quiet", name="Quiet Channel")
    section = section_create(actor=None, channel=channel, slug="news", name="News")
    moderator = User.objects.create_user(email="mod@bench.test", password=None)
    Profile.objects.create(user=moderator, handle="benchmod", display_name="Bench Moderator")
    for found in (channel, empty_channel):
        ChannelRole.objects.create(channel=found, user=moderator, role="moderator")
    role_flag_sync(user=moderator)
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
            story = story_create(
                actor=None, channel=channel, section=section, headline=f"Story {n}", body="Text."
            )
            story_publish(actor=None, story=story)
            stories.append(story)
        start = timezone.now() - dt.timedelta(days=3)
        comments = []
        for n in range(PENDING + REPORTED):
            story = stories[n % STORIES]
            thread = n // STORIES + 1
            reported = n >= PENDING
            comments.append(
                Comment(
                    story=story,
                    author=members[n % MEMBERS],
                    thread=thread,
                    position=1,
                    body_source=f"Comment {n} on the ferry subsidy, with a few words more.",
                    body_html=f"<p>Comment {n} on the ferry subsidy, with a few words more.</p>",
                    status="visible" if reported else "pending",
                    held_reason="" if reported else "a new member's comment",
                    open_reports=3 if reported else 0,
                    reported_at=start + dt.timedelta(seconds=n) if reported else None,
                )
            )
        Comment.objects.bulk_create(comments, batch_size=1000)
        for story in stories:
            Story.objects.filter(pk=story.pk).update(thread_count=(PENDING + REPORTED) // STORIES)
    return channel, empty_channel, moderator


def time_page(client, url: str, runs: int) -> list[float]:
    values = []
    for _ in range(runs):
        started = time.perf_counter()
        response = client.get(url)
        values.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200
    return values


def explain(connection, statements: list[str]) -> list[tuple[str, str]]:
    """The plan of each SELECT the page ran (the session and member reads included)."""
    plans = []
    with connection.cursor() as cursor:
        for sql in statements:
            if not sql.lstrip().upper().startswith("SELECT"):
                continue
            if connection.vendor == "postgresql":
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS off) " + sql)
            else:
                cursor.execute("EXPLAIN QUERY PLAN " + sql)
            rows = cursor.fetchall()
            plans.append((sql, "\n".join("  " + " ".join(str(c) for c in row) for row in rows)))
    return plans


if __name__ == "__main__":
    main()
