"""The front page's Top order: each story's engagement points and the hotness they give.

hotness = log10(points) + (published_at - EPOCH) / HOTNESS_SECONDS

A story's hotness is stored (``Story.hotness``, indexed) and changes only when its engagement
does: age is in the publication time, not in a decay recomputed by the clock, so a newer story
simply starts higher, and every HOTNESS_SECONDS of age costs a factor of ten in engagement.
The order is an ``ORDER BY hotness DESC`` over an index, never computed per request.
docs/decisions/0015-front-page-ranking.md gives the constants and why.

Who keeps it: the services that change engagement call ``stories_rank_refresh`` in their
transaction (the discussion's comment and reaction services, story_publish); a member's follow
reaches it through ``channels.signals.follow_changed`` (stories/receivers.py), which has the
worker recount the channel's recent stories (stories/tasks.py); ``RankLoop``, a
worker loop, recomputes the recent stories now and then, for whatever changed behind the
services' backs. Comments and reactions belong to an app above this one: it registers how to
count them (``engagement_counter_set``) when it loads.
"""

from __future__ import annotations

import datetime as dt
import math
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.core.cache import cache
from django.db import connection, transaction
from django.utils import timezone

from masthead.channels.models import Follow
from masthead.core import pagecache
from masthead.core.sql import column, placeholders, table
from masthead.core.worker.outage import run_rounds

from .models import Story

# --- the formula (docs/decisions/0015-front-page-ranking.md) ---------------------------------
BASE_POINTS = 1.0  # a story no one has engaged with yet ranks by its time alone (log10 1 = 0)
COMMENT_POINTS = 1.0  # each visible comment
COMMENTER_POINTS = 2.0  # each member among its commenters: many voices outweigh one loud one
REACTION_POINTS = 0.5  # each reaction to a visible comment: a click costs less than a comment
FOLLOWER_POINTS = 1.0  # times log2(1 + the channel's followers): standing, diminishing returns
HOTNESS_SECONDS = 12 * 3600  # 12 hours of age cost a factor of ten in points
EPOCH = dt.datetime(2020, 1, 1, tzinfo=dt.UTC)  # keeps the time term a small number
HOTNESS_TOLERANCE = 1e-9  # a recomputed hotness this close to the stored one is not written

# --- keeping it -----------------------------------------------------------------------------
RANK_WINDOW = dt.timedelta(days=3)  # older stories are six orders of magnitude behind a new one
RANK_LOOP_SECONDS = 300  # how often the loop re-counts the recent stories
RANK_BATCH = 200  # stories per transaction of the loop (on SQLite it holds the write lock)
# The cached Top pages are made unreachable when a score change could move their first page,
# at most once per this many seconds; a change meanwhile shows when the page's
# LISTING_SECONDS run out.
FRONT_RERANK_SECONDS = 10
FRONT_EDGE_KEY = "rank:front:edge:v1"  # the lowest hotness on Top's first page, as last shown
FRONT_RERANK_KEY = "rank:front:reranked:v1"
ROUND_KEY = "rank:round:v1"


@dataclass(frozen=True)
class Engagement:
    comments: int = 0  # visible, not deleted
    commenters: int = 0  # distinct authors of those
    reactions: int = 0  # to those


# Counts the stories' engagement (by story id) from the database; the discussion app, which
# owns comments and reactions, registers it (discussion/apps.py).
EngagementCounter = Callable[[list[int]], dict[int, Engagement]]
_counter: EngagementCounter | None = None


def engagement_counter_set(counter: EngagementCounter | None) -> None:
    global _counter
    _counter = counter


def points(engagement: Engagement, followers: int) -> float:
    return (
        BASE_POINTS
        + COMMENT_POINTS * engagement.comments
        + COMMENTER_POINTS * engagement.commenters
        + REACTION_POINTS * engagement.reactions
        + FOLLOWER_POINTS * math.log2(1 + max(followers, 0))
    )


def hotness(story_points: float, published_at: dt.datetime | None) -> float:
    """The stored sort key; a story without a publication time has none worth ranking."""
    if published_at is None:
        return 0.0
    age_term = (published_at - EPOCH).total_seconds() / HOTNESS_SECONDS
    return math.log10(max(story_points, BASE_POINTS)) + age_term


# Every comment posted runs what follows: written as SQL, one statement each (core/sql.py).


def _locked(ids: list[int]) -> list[tuple[int, dt.datetime | None, float, int]]:
    """(id, published_at, hotness, the channel's followers) of the stories, locked in id
    order until the transaction ends (SQLite: its write transaction holds the whole database
    already). The followers are no story's to lock: counting them in the same statement is
    as fresh as a follow needs."""
    s = {name: column(Story, name) for name in ("id", "channel", "published_at", "hotness")}
    follow_channel = column(Follow, "channel")
    lock = " FOR UPDATE OF s" if connection.features.has_select_for_update_of else ""
    sql = (
        f"SELECT s.{s['id']}, s.{s['published_at']}, s.{s['hotness']}, "  # noqa: S608 - names from the model
        f"(SELECT COUNT(*) FROM {table(Follow)} f WHERE f.{follow_channel} = s.{s['channel']}) "
        f"FROM {table(Story)} s WHERE s.{s['id']} IN ({placeholders(len(ids))}) "
        f"ORDER BY s.{s['id']}" + lock
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, ids)
        rows = cursor.fetchall()
    field = Story._meta.get_field("published_at")
    converters = connection.ops.get_db_converters(field.get_col(Story._meta.db_table))
    found = []
    for pk, published_at, stored, followers in rows:
        for converter in converters:  # SQLite gives text, PostgreSQL a datetime
            published_at = converter(published_at, field, connection)
        found.append((int(pk), published_at, float(stored), int(followers)))
    return found


def _store(pk: int, new_points: float, new_hotness: float) -> None:
    s = {name: column(Story, name) for name in ("id", "rank_points", "hotness")}
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table(Story)} SET {s['rank_points']} = %s, {s['hotness']} = %s "  # noqa: S608 - names from the model
            f"WHERE {s['id']} = %s",
            [new_points, new_hotness, pk],
        )


def stories_rank_refresh(*, story_ids: Iterable[int]) -> int:
    """Recompute the stories' points and hotness from the rows as they are now (their
    comments, reactions and the channel's followers, counted by the database) and store what
    changed; returns how many changed.

    The stories are locked first, in id order, and counted after: a comment's transaction
    holds its story's lock until it commits, so the counts include it (PostgreSQL's READ
    COMMITTED gives the counting statement a snapshot taken after the lock was granted).
    Inside a caller's transaction (the comment services) this runs in it.
    """
    ids = sorted(set(story_ids))
    if not ids:
        return 0
    # In the caller's transaction no savepoint is needed: a failure here fails the caller's.
    with transaction.atomic(savepoint=False):
        rows = _locked(ids)
        counted = _counter(ids) if _counter is not None else {}
        moved: list[tuple[float, float]] = []
        for pk, published_at, stored, followers in rows:
            new_points = points(counted.get(pk, Engagement()), followers)
            new_hotness = hotness(new_points, published_at)
            if math.isclose(new_hotness, stored, rel_tol=0, abs_tol=HOTNESS_TOLERANCE):
                continue
            _store(pk, new_points, new_hotness)
            moved.append((stored, new_hotness))
        if moved:
            transaction.on_commit(lambda: front_moved(moved))
    return len(moved)


def channel_rank_refresh(*, channel_id: int, now: dt.datetime | None = None) -> int:
    """The channel's recent stories, after its followers changed."""
    now = now or timezone.now()
    recent = Story.objects.filter(channel_id=channel_id, published_at__gte=now - RANK_WINDOW)
    return stories_rank_refresh(story_ids=recent.published(now).values_list("pk", flat=True))


def front_edge_remember(edge: float | None) -> None:
    """Called by the Top selector with the lowest hotness on the first page it made."""
    cache.set(FRONT_EDGE_KEY, edge, timeout=None)


def front_moved(moved: list[tuple[float, float]]) -> None:
    """After commit: make the cached Top pages unreachable if a story whose hotness moved
    from ``old`` to ``new`` was, or may now be, on the first page; at most once per
    FRONT_RERANK_SECONDS. Changes further down wait for the pages to expire (LISTING_SECONDS):
    a busy discussion re-renders the front a few times a minute, not once per comment."""
    edge = cache.get(FRONT_EDGE_KEY)
    if edge is not None and all(max(old, new) < edge for old, new in moved):
        return
    if cache.add(FRONT_RERANK_KEY, 1, timeout=FRONT_RERANK_SECONDS):
        pagecache.invalidate_paths(["/"])


def rank_round(*, now: dt.datetime | None = None) -> int:
    """Recount every story published within RANK_WINDOW; how many changed."""
    now = now or timezone.now()
    ids = list(
        Story.objects.published(now)
        .filter(published_at__gte=now - RANK_WINDOW)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    return sum(
        stories_rank_refresh(story_ids=ids[start : start + RANK_BATCH])
        for start in range(0, len(ids), RANK_BATCH)
    )


def _claimed_round() -> int:
    # Every worker runs the loop; one round per RANK_LOOP_SECONDS among them is enough.
    if not cache.add(ROUND_KEY, 1, timeout=RANK_LOOP_SECONDS - 1):
        return 0
    return rank_round()


class RankLoop:
    """The recount as a worker loop (settings.MASTHEAD_WORKER_LOOPS)."""

    @staticmethod
    def forever(stop: threading.Event) -> None:
        run_rounds(
            stop,
            name="ranking",
            work=_claimed_round,
            idle_seconds=RANK_LOOP_SECONDS,
            busy_seconds=RANK_LOOP_SECONDS,
        )

    @staticmethod
    def once() -> int:
        return rank_round()
