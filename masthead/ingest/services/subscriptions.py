"""A channel's feed subscriptions: subscribing by a page or feed URL (with discovery),
adding, changing and removing feeds."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from masthead.accounts.models import User
from masthead.channels.models import Channel
from masthead.core.canonical import canonical_url
from masthead.core.http import FetchError, Response, fetch
from masthead.stories.services import check_can_curate

from ..feeds import FeedError, ParsedFeed, discover_feeds, parse_feed
from ..models import Feed

FEED_MAX_BYTES = 10 * 1024 * 1024  # a feed with a year of full-text items is still smaller


@dataclass(frozen=True)
class _Read:
    response: Response
    parsed: ParsedFeed | None
    error: FeedError | None


def _read(address: str) -> _Read:
    try:
        response = fetch(address, expect="feed", max_bytes=FEED_MAX_BYTES)
    except FetchError as error:
        raise ValidationError(
            _("The feed could not be fetched: %(reason)s") % {"reason": error}
        ) from error
    try:
        parsed = parse_feed(response.content, url=response.url, content_type=response.content_type)
    except FeedError as error:
        return _Read(response, None, error)
    return _Read(response, parsed, None)


def feed_subscribe(
    *, actor: User | None, channel: Channel, url: str, fetch_articles: bool = False, title: str = ""
) -> Feed:
    """Subscribe the channel to a feed. A web page's address is followed to the feed it
    announces (<link rel="alternate">), once.

    Everything is fetched before the short transaction that stores the subscription: a slow
    site holds up no other writer. Two subscriptions to one address at once make one feed."""
    if actor is not None:
        check_can_curate(actor, channel)  # before anything is fetched on their behalf
    address = canonical_url(url)
    existing = Feed.objects.filter(channel=channel, url=address).first()
    if existing is not None:
        return existing
    read = _read(address)
    if read.parsed is None:
        found = discover_feeds(read.response.content, base_url=read.response.url)
        if not found:
            raise ValidationError(_("No feed there: %(reason)s") % {"reason": read.error})
        address, title = canonical_url(found[0].url), title or found[0].title
        existing = Feed.objects.filter(channel=channel, url=address).first()
        if existing is not None:
            return existing
        read = _read(address)
        if read.parsed is None:
            raise ValidationError(
                _("The page announces %(url)s, which is not a feed: %(reason)s")
                % {"url": address, "reason": read.error}
            )
    parsed = read.parsed
    with transaction.atomic():
        if actor is not None:
            check_can_curate(actor, channel)
        feed, _created = Feed.objects.get_or_create(
            channel=channel,
            url=canonical_url(read.response.url),
            defaults={
                "title": (title or parsed.title)[:300],
                "site_url": parsed.link[:2000],
                "fetch_articles": fetch_articles,
                "last_warning": parsed.problem[:2000],
                "created_by": actor,
                "next_poll_at": timezone.now(),
            },
        )
    return feed


@transaction.atomic
def feed_add(
    *, actor: User | None, channel: Channel, url: str, title: str = "", site_url: str = ""
) -> tuple[Feed, bool]:
    """Subscribe without fetching (OPML imports): the first poll reads the feed. Returns
    (feed, created); the channel's unique address makes a second add find the first."""
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
    """Change what the curator may change of a feed, on the feed as it is now: what a worker
    wrote meanwhile (its polling state) stays, and a feed removed meanwhile stays removed."""
    check_can_curate(actor, feed.channel)
    fresh = Feed.objects.select_for_update().filter(pk=feed.pk).first()
    if fresh is None:
        raise ValidationError(_("This feed is no longer subscribed."), code="removed")
    changed: set[str] = set()
    if fetch_articles is not None:
        fresh.fetch_articles = fetch_articles
        changed.add("fetch_articles")
    if state is not None:
        if state not in {Feed.State.ACTIVE, Feed.State.PAUSED}:
            raise ValidationError(_("A feed can be paused or resumed."), code="state")
        if state == Feed.State.ACTIVE and fresh.state != Feed.State.ACTIVE:
            fresh.errors_in_a_row, fresh.failing_since = 0, None  # resumed: a fresh start
            changed |= {"errors_in_a_row", "failing_since"}
        fresh.state = state
        changed.add("state")
    if poll_now:
        fresh.next_poll_at = timezone.now()
        changed.add("next_poll_at")
    if changed:
        fresh.save(update_fields=sorted(changed))
    return fresh


@transaction.atomic
def feed_remove(*, actor: User, feed: Feed) -> bool:
    """Unsubscribe; False if the feed was removed already (two curators at once)."""
    check_can_curate(actor, feed.channel)
    _total, deleted = Feed.objects.filter(pk=feed.pk).delete()
    return deleted.get(Feed._meta.label, 0) > 0


def check_can_manage_feeds(actor: User, channel: Channel) -> None:
    if not actor.is_authenticated:
        raise PermissionDenied
    check_can_curate(actor, channel)
