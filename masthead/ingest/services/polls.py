"""Polling feeds: workers claim due feeds, poll them with conditional requests, take new
items into the subscribed channel's review queue, and back off from failing feeds."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from masthead.core.http import FetchError, fetch

from ..feeds import FeedError, FeedItem, parse_feed
from ..models import MAX_POLL_SECONDS, MIN_POLL_SECONDS, Candidate, Feed
from .items import enqueue_fetch, item_find_or_create
from .subscriptions import FEED_MAX_BYTES

CLAIM_SECONDS = 300  # a worker's claim on a feed; a worker killed mid-poll frees it by then
DEAD_AFTER_DAYS = 14  # a feed failing this long is marked dead and no longer polled
BACKOFF_MAX_SECONDS = 24 * 3600


def feeds_claim(*, worker: str, limit: int, now: dt.datetime | None = None) -> list[Feed]:
    """Claim up to ``limit`` due feeds for ``worker``; a claimed feed is polled by nobody else
    until the claim runs out (CLAIM_SECONDS)."""
    now = now or timezone.now()
    with transaction.atomic():
        # FOR UPDATE SKIP LOCKED on PostgreSQL: workers claim different feeds at once. SQLite
        # ignores it; its write lock, taken at BEGIN IMMEDIATE, serializes the claims instead.
        due = list(
            Feed.objects.select_for_update(skip_locked=True)
            .filter(state=Feed.State.ACTIVE, next_poll_at__lte=now)
            .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))
            .order_by("next_poll_at")
            .values_list("pk", flat=True)[:limit]
        )
        Feed.objects.filter(pk__in=due).update(
            claimed_until=now + dt.timedelta(seconds=CLAIM_SECONDS), claimed_by=worker
        )
    return list(Feed.objects.filter(pk__in=due, claimed_by=worker).select_related("channel"))


@dataclass
class PollResult:
    status: str
    new: int = 0
    error: str = ""


def feed_poll(feed: Feed, *, worker: str = "") -> PollResult:
    """Poll one feed that this worker has claimed: conditional GET, new items to candidates,
    the next poll scheduled from how the feed behaved.

    The fetch comes first, outside any transaction; what it brought is stored on the feed as
    it is then (locked), so a curator's change made during the fetch stays, and the items of a
    feed removed during the fetch are not taken."""
    headers = {}
    if feed.etag:
        headers["If-None-Match"] = feed.etag
    if feed.last_modified:
        headers["If-Modified-Since"] = feed.last_modified
    now = timezone.now()
    try:
        response = fetch(feed.url, expect="feed", max_bytes=FEED_MAX_BYTES, headers=headers)
    except FetchError as error:
        return _poll_failed(feed, error, now)
    if response.status == 304:
        with transaction.atomic():
            fresh = _locked(feed)
            if fresh is None:
                return PollResult(status="removed")
            _poll_done(fresh, now, status=_("304 not modified"), changed=False)
        return PollResult(status="not_modified")
    try:
        parsed = parse_feed(response.content, url=response.url, content_type=response.content_type)
    except FeedError as error:
        return _poll_failed(feed, FetchError(str(error), code="not_feed"), now)
    # The new items and the feed's new state in one transaction: one commit for the poll, and
    # a worker killed midway leaves the feed as it was, to be polled again in full.
    with transaction.atomic():
        fresh = _locked(feed)
        if fresh is None:
            return PollResult(status="removed")
        new = sum(1 for entry in parsed.items if _take_item(fresh, entry))
        _poll_done(
            fresh,
            now,
            status=_("200, %(count)s new") % {"count": new},
            changed=new > 0,
            new=new,
            warning=parsed.problem,
            etag=response.headers.get("etag", ""),
            last_modified=response.headers.get("last-modified", ""),
            title=parsed.title,
            site_url=parsed.link,
        )
    return PollResult(status="ok", new=new)


def _locked(feed: Feed) -> Feed | None:
    """The feed as it is now, locked until the poll's commit; None if it was removed."""
    return Feed.objects.select_for_update().filter(pk=feed.pk).first()


def _take_item(feed: Feed, entry: FeedItem) -> bool:
    """A feed entry into the channel's queue, unless the channel has it already."""
    with transaction.atomic():
        try:
            item, _created = item_find_or_create(
                url=entry.url,
                feed_url=feed.url,
                guid=entry.guid,
                title=entry.title,
                summary=entry.summary_html,
                author=entry.author,
                publisher=feed.title,
                published_at=entry.published,
                image_url=entry.image_url,
            )
        except ValidationError:
            return False  # an entry whose address cannot be used
        _candidate, created = Candidate.objects.get_or_create(
            channel_id=feed.channel_id, item=item, defaults={"feed": feed}
        )
        if created and feed.fetch_articles and item.url.startswith("http"):
            enqueue_fetch(item)
    return created


def _poll_done(
    feed: Feed,
    now: dt.datetime,
    *,
    status: str,
    changed: bool,
    new: int = 0,
    warning: str | None = None,
    etag: str = "",
    last_modified: str = "",
    title: str = "",
    site_url: str = "",
) -> None:
    """Record a poll that worked on ``feed``, the row locked by the caller. ``warning`` is
    what was wrong with the document read (None: none was read, the last warning stands)."""
    # A feed that changed is asked sooner next time, a quiet one later, within bounds.
    interval = feed.interval // 2 if changed else int(feed.interval * 1.25)
    interval = max(MIN_POLL_SECONDS, min(MAX_POLL_SECONDS, interval))
    updates: dict[str, Any] = {
        "interval": interval,
        "next_poll_at": now + dt.timedelta(seconds=interval),
        "claimed_until": None,
        "claimed_by": "",
        "last_polled_at": now,
        "last_status": status,
        "last_error": "",
        "errors_in_a_row": 0,
        "failing_since": None,
        "polls": F("polls") + 1,
    }
    if warning is not None:
        updates["last_warning"] = warning[:2000]
    if new:
        updates.update(item_count=F("item_count") + new, last_new_item_at=now)
    if etag or last_modified:
        updates.update(etag=etag[:500], last_modified=last_modified[:100])
    if title and not feed.title:
        updates["title"] = title[:300]
    if site_url and not feed.site_url:
        updates["site_url"] = site_url[:2000]
    Feed.objects.filter(pk=feed.pk).update(**updates)


@transaction.atomic
def _poll_failed(feed: Feed, error: FetchError, now: dt.datetime) -> PollResult:
    fresh = _locked(feed)
    if fresh is None:
        return PollResult(status="removed", error=str(error))
    errors = fresh.errors_in_a_row + 1
    if error.retry_after is not None and error.status in {429, 503}:
        wait = error.retry_after  # the server said when
    else:
        wait = min(BACKOFF_MAX_SECONDS, fresh.interval * 2 ** min(errors, 10))
    failing_since = fresh.failing_since or now
    # Only an active feed dies: one a curator paused meanwhile stays paused.
    dead = fresh.state == Feed.State.ACTIVE and (
        now - failing_since >= dt.timedelta(days=DEAD_AFTER_DAYS)
    )
    Feed.objects.filter(pk=fresh.pk).update(
        next_poll_at=now + dt.timedelta(seconds=max(wait, MIN_POLL_SECONDS / 5)),
        claimed_until=None,
        claimed_by="",
        last_polled_at=now,
        last_status=_("failed"),
        last_error=str(error)[:2000],
        errors_in_a_row=errors,
        failing_since=failing_since,
        polls=F("polls") + 1,
        state=Feed.State.DEAD if dead else fresh.state,
    )
    return PollResult(status="dead" if dead else "failed", error=str(error))
