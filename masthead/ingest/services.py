"""Writes for curating from the web: items, candidates in review queues, feed subscriptions
and their polling. Stories are created only through masthead.stories.services.

Work that goes to the network runs in the background (ingest/tasks.py) and is enqueued after
the commit that asked for it.
"""

from __future__ import annotations

import datetime as dt
import io
import logging
import uuid
from dataclasses import dataclass, field
from typing import IO, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.translation import gettext as _

from masthead.accounts.models import User
from masthead.channels.models import Channel, Section
from masthead.core.canonical import canonical_url
from masthead.core.http import FetchError, fetch
from masthead.stories.models import Story
from masthead.stories.services import check_can_curate, story_create, story_publish

from . import similarity
from .extract import Extracted, extract
from .feeds import FeedError, FeedItem, discover_feeds, parse_feed
from .models import MAX_POLL_SECONDS, MIN_POLL_SECONDS, Candidate, Feed, Item

logger = logging.getLogger(__name__)

FEED_MAX_BYTES = 10 * 1024 * 1024  # a feed with a year of full-text items is still smaller
IMAGE_MAX_BYTES = 8 * 1024 * 1024
CLAIM_SECONDS = 300  # a worker's claim on a feed; a worker killed mid-poll frees it by then
NEAR_DUPLICATE_DAYS = 14  # an item is compared with items first seen this recently
DEAD_AFTER_DAYS = 14  # a feed failing this long is marked dead and no longer polled
BACKOFF_MAX_SECONDS = 24 * 3600


# --- items -----------------------------------------------------------------------------------


def _text_of(title: str, summary_html: str) -> str:
    return f"{title} {strip_tags(summary_html)}"


def _near_duplicate(value: int | None) -> Item | None:
    if value is None:
        return None
    b0, b1, b2, b3 = similarity.bands(value)
    since = timezone.now() - dt.timedelta(days=NEAR_DUPLICATE_DAYS)
    for other in (
        Item.objects.filter(first_seen_at__gte=since, simhash__isnull=False)
        .filter(Q(band0=b0) | Q(band1=b1) | Q(band2=b2) | Q(band3=b3))
        .only("id", "simhash")[:50]
    ):
        if (
            other.simhash is not None
            and similarity.distance(value, other.simhash) <= similarity.NEAR_BITS
        ):
            return Item.objects.get(pk=other.pk)
    return None


def _set_simhash(item: Item, value: int | None) -> None:
    item.simhash = value
    item.band0, item.band1, item.band2, item.band3 = (
        similarity.bands(value) if value is not None else (None, None, None, None)
    )


def item_find_or_create(
    *,
    url: str,
    guid: str = "",
    title: str = "",
    summary: str = "",
    author: str = "",
    publisher: str = "",
    published_at: dt.datetime | None = None,
    image_url: str = "",
) -> tuple[Item, bool]:
    """The installation's item for an article: found by canonical URL, then by feed GUID, then
    by near-duplicate text; created otherwise. Returns (item, created)."""
    canonical = canonical_url(url) if url else ""
    if canonical:
        found = Item.objects.filter(url=canonical).first()
        if found is not None:
            return found, False
    if guid:
        found = Item.objects.filter(guid=guid[:500]).first()
        if found is not None:
            return found, False
    value = similarity.simhash(_text_of(title, summary))
    found = _near_duplicate(value)
    if found is not None:
        return found, False
    item = Item(
        url=canonical or f"urn:masthead:guid:{uuid.uuid5(uuid.NAMESPACE_URL, guid)}",
        guid=guid[:500],
        title=title[:500],
        summary=summary,
        author=author[:300],
        publisher=publisher[:200],
        published_at=published_at,
        image_url=image_url[:2000],
    )
    _set_simhash(item, value)
    try:
        with transaction.atomic():
            item.save()
    except IntegrityError:  # another worker made it a moment ago
        return Item.objects.get(url=item.url), False
    return item, True


def item_fetch(item_id: int) -> Item:
    """Fetch and extract an item's article (a background task). A failure is recorded on the
    item with its reason, for the curator to read."""
    item = Item.objects.get(pk=item_id)
    try:
        response = fetch(item.url, expect="html", robots=True)
        fields = extract(response.content, url=response.url)
    except FetchError as error:
        Item.objects.filter(pk=item.pk).update(
            fetch_state=Item.Fetch.FAILED, fetch_error=str(error), fetched_at=timezone.now()
        )
        item.refresh_from_db()
        return item
    except Exception as error:
        logger.exception("extraction failed for %s", item.url)
        Item.objects.filter(pk=item.pk).update(
            fetch_state=Item.Fetch.FAILED,
            fetched_at=timezone.now(),
            fetch_error=_("The page could not be read: %(error)s") % {"error": error},
        )
        item.refresh_from_db()
        return item
    return _apply_extraction(item, fields)


@transaction.atomic
def _apply_extraction(item: Item, fields: Extracted) -> Item:
    item = Item.objects.select_for_update().get(pk=item.pk)
    item.extracted = fields.as_json()
    item.fetch_state, item.fetch_error, item.fetched_at = Item.Fetch.DONE, "", timezone.now()
    item.title = item.title or fields.headline[:500]
    item.author = item.author or fields.byline[:300]
    item.publisher = fields.publisher[:200] or item.publisher
    item.published_at = item.published_at or fields.published
    item.image_url = item.image_url or fields.image[:2000]
    if fields.canonical_url:
        try:
            canonical = canonical_url(fields.canonical_url)
        except ValidationError:
            canonical = ""
        # The page's own canonical address wins, unless another item already has it.
        if canonical and canonical != item.url and not Item.objects.filter(url=canonical).exists():
            item.url = canonical
    value = similarity.simhash(fields.body_text)
    if value is not None:
        _set_simhash(item, value)
    item.save()
    return item


def _enqueue_fetch(item: Item) -> None:
    from .tasks import fetch_item

    if item.fetch_state in {Item.Fetch.QUEUED, Item.Fetch.DONE}:
        return
    Item.objects.filter(pk=item.pk).update(fetch_state=Item.Fetch.QUEUED, fetch_error="")
    item_id = item.pk
    transaction.on_commit(lambda: fetch_item.enqueue(item_id))


# --- candidates and the review queue ----------------------------------------------------------


@dataclass
class Submission:
    """What became of a URL a curator submitted."""

    candidate: Candidate | None = None
    story_here: Story | None = None  # already curated in this channel
    stories_elsewhere: list[Story] = field(default_factory=list)  # curated by other channels


def stories_for_url(url: str) -> list[Story]:
    return list(Story.objects.filter(original_url=url).select_related("channel", "section"))


@transaction.atomic
def candidate_submit(
    *, actor: User, channel: Channel, url: str, section: Section | None = None
) -> Submission:
    """A curator pastes an article's address: it is fetched and extracted in the background
    and waits as a candidate; an article this channel already curated points to its story."""
    check_can_curate(actor, channel)
    canonical = canonical_url(url)
    existing = stories_for_url(canonical)
    here = next((story for story in existing if story.channel_id == channel.pk), None)
    if here is not None:
        return Submission(story_here=here)
    item, _created = item_find_or_create(url=canonical)
    candidate, _new = Candidate.objects.get_or_create(
        channel=channel, item=item, defaults={"submitted_by": actor, "section": section}
    )
    if candidate.status == Candidate.Status.DISMISSED:
        candidate.status = Candidate.Status.PENDING
        candidate.save(update_fields=["status"])
    if item.fetch_state != Item.Fetch.DONE:
        item.fetch_state = Item.Fetch.NOT_ASKED  # a failed fetch is tried again on request
        _enqueue_fetch(item)
    return Submission(
        candidate=candidate, stories_elsewhere=[s for s in existing if s.channel_id != channel.pk]
    )


def candidate_refetch(*, actor: User, candidate: Candidate) -> None:
    check_can_curate(actor, candidate.channel)
    item = candidate.item
    item.fetch_state = Item.Fetch.NOT_ASKED
    with transaction.atomic():
        _enqueue_fetch(item)


def candidate_initial(candidate: Candidate) -> dict[str, Any]:
    """The curated-story form, filled from what the item knows: the extraction, else the feed."""
    item = candidate.item
    data = item.extracted or {}
    published = data.get("published")
    moment = dt.datetime.fromisoformat(published) if published else item.published_at
    return {
        "original_url": item.url if item.url.startswith("http") else "",
        "source_name": data.get("publisher") or item.publisher,
        "headline": data.get("headline") or item.title,
        "byline": data.get("byline") or item.author,
        "excerpt": data.get("excerpt") or strip_tags(item.summary)[:600],
        "image_url": data.get("image") or item.image_url,
        "image_caption": data.get("image_caption", ""),
        "image_credit": data.get("image_credit", ""),
        "published": moment,
        "section": candidate.section_id,
    }


@transaction.atomic
def candidate_accept(
    *,
    actor: User,
    candidate: Candidate,
    action: str = "publish",
    publish_at: dt.datetime | None = None,
    image: IO[bytes] | None = None,
    image_url: str = "",
    source_name: str = "",
    **fields: Any,
) -> Story:
    """The curator's story from a candidate: a curated story linking to the original, its lead
    photo uploaded or copied from the original page (through the guarded client).
    ``action`` is "publish" (now), "schedule" (at ``publish_at``) or "draft"."""
    check_can_curate(actor, candidate.channel)
    if candidate.status == Candidate.Status.ACCEPTED and candidate.story_id:
        raise ValidationError(_("This candidate is already a story."))
    if image is None and image_url:
        image = _download_image(image_url)
    story = story_create(
        actor=actor,
        channel=candidate.channel,
        kind=Story.Kind.CURATED,
        image=image,
        source_name=source_name,
        **fields,
    )
    if action == "publish":
        story_publish(actor=actor, story=story)
    elif action == "schedule":
        story_publish(actor=actor, story=story, at=publish_at)
    candidate.status, candidate.story = Candidate.Status.ACCEPTED, story
    candidate.decided_at, candidate.decided_by = timezone.now(), actor
    candidate.save(update_fields=["status", "story", "decided_at", "decided_by"])
    return story


def _download_image(url: str) -> IO[bytes] | None:
    """The lead photo of an article, or None if it cannot be had (the story goes without)."""
    try:
        response = fetch(url, expect="image", max_bytes=IMAGE_MAX_BYTES)
    except FetchError as error:
        logger.info("lead image %s not copied: %s", url, error)
        return None
    return io.BytesIO(response.content)


@transaction.atomic
def candidates_dismiss(*, actor: User, channel: Channel, ids: list[int]) -> int:
    check_can_curate(actor, channel)
    return Candidate.objects.filter(
        channel=channel, pk__in=ids, status=Candidate.Status.PENDING
    ).update(status=Candidate.Status.DISMISSED, decided_at=timezone.now(), decided_by=actor)


# --- feeds -----------------------------------------------------------------------------------


@transaction.atomic
def feed_subscribe(
    *, actor: User | None, channel: Channel, url: str, fetch_articles: bool = False, title: str = ""
) -> Feed:
    """Subscribe the channel to a feed. A web page's address is followed to the feed it
    announces (<link rel="alternate">)."""
    if actor is not None:
        check_can_curate(actor, channel)
    address = canonical_url(url)
    existing = Feed.objects.filter(channel=channel, url=address).first()
    if existing is not None:
        return existing
    try:
        response = fetch(address, expect="feed", max_bytes=FEED_MAX_BYTES)
    except FetchError as error:
        raise ValidationError(
            _("The feed could not be fetched: %(reason)s") % {"reason": error}
        ) from error
    try:
        parsed = parse_feed(response.content, url=response.url, content_type=response.content_type)
    except FeedError as error:
        found = discover_feeds(response.content, base_url=response.url)
        if not found:
            raise ValidationError(_("No feed there: %(reason)s") % {"reason": error}) from error
        return feed_subscribe(
            actor=actor,
            channel=channel,
            url=found[0].url,
            fetch_articles=fetch_articles,
            title=title or found[0].title,
        )
    feed, _created = Feed.objects.get_or_create(
        channel=channel,
        url=canonical_url(response.url),
        defaults={
            "title": (title or parsed.title)[:300],
            "site_url": parsed.link[:2000],
            "fetch_articles": fetch_articles,
            "created_by": actor,
            "next_poll_at": timezone.now(),
        },
    )
    return feed


@transaction.atomic
def feed_add(
    *, actor: User | None, channel: Channel, url: str, title: str = "", site_url: str = ""
) -> tuple[Feed, bool]:
    """Subscribe without fetching (OPML imports): the first poll reads the feed."""
    if actor is not None:
        check_can_curate(actor, channel)
    return Feed.objects.get_or_create(
        channel=channel,
        url=canonical_url(url),
        defaults={
            "title": title[:300],
            "site_url": site_url[:2000],
            "created_by": actor,
            "next_poll_at": timezone.now(),
        },
    )


@transaction.atomic
def feed_update(
    *,
    actor: User,
    feed: Feed,
    fetch_articles: bool | None = None,
    state: str | None = None,
    poll_now: bool = False,
) -> Feed:
    check_can_curate(actor, feed.channel)
    if fetch_articles is not None:
        feed.fetch_articles = fetch_articles
    if state is not None:
        feed.state = state
        if state == Feed.State.ACTIVE:
            feed.errors_in_a_row, feed.failing_since = 0, None
    if poll_now:
        feed.next_poll_at = timezone.now()
    feed.save()
    return feed


@transaction.atomic
def feed_remove(*, actor: User, feed: Feed) -> None:
    check_can_curate(actor, feed.channel)
    feed.delete()


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
    the next poll scheduled from how the feed behaved."""
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
        _poll_done(feed, now, status=_("304 not modified"), changed=False)
        return PollResult(status="not_modified")
    try:
        parsed = parse_feed(response.content, url=response.url, content_type=response.content_type)
    except FeedError as error:
        return _poll_failed(feed, FetchError(str(error), code="not_feed"), now)
    # The new items and the feed's new state in one transaction: one commit for the poll, and
    # a worker killed midway leaves the feed as it was, to be polled again in full.
    with transaction.atomic():
        new = sum(1 for entry in parsed.items if _take_item(feed, entry))
        status = _("200, %(count)s new") % {"count": new}
        if parsed.problem:
            status += " " + _("(%(problem)s)") % {"problem": parsed.problem[:200]}
        _poll_done(
            feed,
            now,
            status=status,
            changed=new > 0,
            new=new,
            etag=response.headers.get("etag", ""),
            last_modified=response.headers.get("last-modified", ""),
            title=parsed.title,
            site_url=parsed.link,
        )
    return PollResult(status="ok", new=new)


def _take_item(feed: Feed, entry: FeedItem) -> bool:
    """A feed entry into the channel's queue, unless the channel has it already."""
    with transaction.atomic():
        try:
            item, _created = item_find_or_create(
                url=entry.url,
                guid=entry.guid,
                title=entry.title,
                summary=entry.summary_html,
                author=entry.author,
                publisher=feed.title,
                published_at=entry.published,
                image_url=entry.image_url,
            )
        except ValidationError:
            return False  # an entry without a usable address or id
        _candidate, created = Candidate.objects.get_or_create(
            channel_id=feed.channel_id, item=item, defaults={"feed": feed}
        )
        if created and feed.fetch_articles and item.url.startswith("http"):
            _enqueue_fetch(item)
    return created


def _poll_done(
    feed: Feed,
    now: dt.datetime,
    *,
    status: str,
    changed: bool,
    new: int = 0,
    etag: str = "",
    last_modified: str = "",
    title: str = "",
    site_url: str = "",
) -> None:
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
    if new:
        updates.update(item_count=F("item_count") + new, last_new_item_at=now)
    if etag or last_modified:
        updates.update(etag=etag[:500], last_modified=last_modified[:100])
    if title and not feed.title:
        updates["title"] = title[:300]
    if site_url and not feed.site_url:
        updates["site_url"] = site_url[:2000]
    Feed.objects.filter(pk=feed.pk).update(**updates)


def _poll_failed(feed: Feed, error: FetchError, now: dt.datetime) -> PollResult:
    errors = feed.errors_in_a_row + 1
    if error.retry_after is not None and error.status in {429, 503}:
        wait = error.retry_after  # the server said when
    else:
        wait = min(BACKOFF_MAX_SECONDS, feed.interval * 2 ** min(errors, 10))
    failing_since = feed.failing_since or now
    dead = now - failing_since >= dt.timedelta(days=DEAD_AFTER_DAYS)
    Feed.objects.filter(pk=feed.pk).update(
        next_poll_at=now + dt.timedelta(seconds=max(wait, MIN_POLL_SECONDS / 5)),
        claimed_until=None,
        claimed_by="",
        last_polled_at=now,
        last_status=_("failed"),
        last_error=str(error)[:2000],
        errors_in_a_row=errors,
        failing_since=failing_since,
        polls=F("polls") + 1,
        state=Feed.State.DEAD if dead else feed.state,
    )
    return PollResult(status="dead" if dead else "failed", error=str(error))


def check_can_manage_feeds(actor: User, channel: Channel) -> None:
    if not actor.is_authenticated:
        raise PermissionDenied
    check_can_curate(actor, channel)
