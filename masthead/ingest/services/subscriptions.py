"""A channel's feed subscriptions: subscribing by a page or feed URL (with discovery),
adding, changing and removing feeds."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from masthead.accounts.models import User
from masthead.channels.models import Channel
from masthead.core.canonical import canonical_url
from masthead.core.http import FetchError, fetch
from masthead.stories.services import check_can_curate

from ..feeds import FeedError, discover_feeds, parse_feed
from ..models import Feed

FEED_MAX_BYTES = 10 * 1024 * 1024  # a feed with a year of full-text items is still smaller


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


def check_can_manage_feeds(actor: User, channel: Channel) -> None:
    if not actor.is_authenticated:
        raise PermissionDenied
    check_can_curate(actor, channel)
