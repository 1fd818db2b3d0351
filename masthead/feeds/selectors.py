"""Reads behind the feeds: which stories a feed lists (the stories app's ``published()``,
newest first), when its scope last changed, and whose token an address carries."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Max, Q
from django.utils import timezone

from masthead.accounts.models import User
from masthead.stories.models import Story

from .models import FeedToken, digest_of

FEED_ITEMS = 50  # per document: a reader polling hourly misses nothing on a busy site
FEED_PAGES = 200  # JSON Feed's next_url goes back 10,000 stories; further is the archive's job
# A feed with no story yet says it was last changed then (RFC 4287 needs a time).
NEVER = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)


@dataclass(frozen=True)
class FeedPage:
    stories: list[Story]
    number: int
    has_next: bool
    # The latest change to any story the feed could list (an edit, a withdrawal, a story that
    # went back to draft) or the publication time of its newest story (a scheduled one falls
    # due): its Last-Modified, Atom <updated> and RSS <lastBuildDate>.
    updated: dt.datetime


def feed_page(
    *,
    channel_id: int | None = None,
    section_id: int | None = None,
    channel_ids: list[int] | None = None,
    number: int = 1,
) -> FeedPage | None:
    """The ``number``-th 50 newest public stories of the site (nothing given), a channel, a
    section of ``channel_id`` or a list of channels; None past the last page (page 1 always
    exists)."""
    if not 1 <= number <= FEED_PAGES:
        return None
    scope = changed_scope = Q()
    if channel_ids is not None:
        scope = changed_scope = Q(channel_id__in=channel_ids)
    elif channel_id is not None:
        scope = changed_scope = Q(channel_id=channel_id)
        if section_id is not None:
            # A story may move to another section of its channel, never to another channel:
            # the channel's latest change stands for the section's, so a section never looks
            # unchanged after a story left it.
            scope = Q(section_id=section_id)
    now = timezone.now()
    start = (number - 1) * FEED_ITEMS
    found = list(
        Story.objects.filter(scope)
        .published(now)
        .newest_first()
        .select_related("channel", "section", "source")[start : start + FEED_ITEMS + 1]
    )
    if not found and number > 1:
        return None
    changed = Story.objects.filter(changed_scope).aggregate(latest=Max("updated_at"))["latest"]
    times = [moment for moment in (changed, found[0].published_at if found else None) if moment]
    return FeedPage(
        stories=found[:FEED_ITEMS],
        number=number,
        has_next=len(found) > FEED_ITEMS,
        updated=max(times, default=NEVER).replace(microsecond=0),
    )


def feed_token_of(member: User) -> FeedToken | None:
    """The member's feed address, if they have made one."""
    return FeedToken.objects.filter(member=member).first()


def member_for_token(token: str) -> User | None:
    """The active member whose current feed address carries ``token``; None for a token that
    was reset, never existed, or belongs to a deactivated account."""
    if not token or len(token) > 64:
        return None
    found = (
        FeedToken.objects.filter(digest=digest_of(token), member__is_active=True)
        .select_related("member")
        .first()
    )
    return found.member if found is not None else None
