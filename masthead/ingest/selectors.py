"""Reads behind the review queue and the feed pages."""

from __future__ import annotations

from django.db.models import Count, QuerySet
from django.db.models.functions import Coalesce
from django.http import Http404

from masthead.channels.models import Channel

from .models import Candidate, Feed

QUEUE_PAGE = 50


def queue(*, channel: Channel, status: str = Candidate.Status.PENDING) -> QuerySet[Candidate]:
    """A channel's candidates, newest first by the time the queue shows of each: the item's
    publication, or its arrival when the publisher gave none (a feed's poll brings a day's
    items at once, so arrival alone is not their order)."""
    shown = Coalesce("item__published_at", "created_at")
    return (
        Candidate.objects.filter(channel=channel, status=status)
        .select_related("item", "feed", "submitted_by__profile")
        .order_by(shown.desc(), "-pk")
    )


def queue_counts(*, channel: Channel) -> dict[str, int]:
    counts = dict.fromkeys(Candidate.Status.values, 0)
    for row in (
        Candidate.objects.filter(channel=channel)
        .values("status")
        .order_by()
        .annotate(n=Count("pk"))
    ):
        counts[row["status"]] = row["n"]
    return counts


def candidate_get(*, channel: Channel, pk: int) -> Candidate:
    candidate = (
        Candidate.objects.select_related("item", "feed", "story", "channel")
        .filter(channel=channel, pk=pk)
        .first()
    )
    if candidate is None:
        raise Http404("No such candidate in this channel.")
    return candidate


def feeds(*, channel: Channel) -> QuerySet[Feed]:
    return Feed.objects.filter(channel=channel).order_by("state", "title", "url")


def feed_get(*, channel: Channel, pk: int) -> Feed:
    feed = Feed.objects.filter(channel=channel, pk=pk).select_related("channel").first()
    if feed is None:
        raise Http404("No such feed in this channel.")
    return feed
