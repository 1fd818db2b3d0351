"""Reads behind the front page's Top tab and a channel's page: ranked or newest stories with
the editors' pins in their places.

Top is published stories by stored hotness (ranking.py), with two rules for its first
VARIETY_WINDOW places: pinned stories take their places, and the rest hold at most
PER_CHANNEL stories of one channel while others are there to take a place. A channel's page
is its newest stories with its curators' pins in their places. The first places are arranged
in Python from a few ids (``arrange``); everything after them is a plain ordered query, so
pages of any depth cost what they cost before. Latest is stories.selectors.story_list_front.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, cast, overload

from django.core.paginator import Page, Paginator
from django.db.models import Q, QuerySet
from django.utils import timezone

from masthead.channels.models import Channel

from . import ranking
from .models import PIN_PLACES, Story, StoryPin
from .selectors import STORIES_PER_PAGE, _listing

VARIETY_WINDOW = 10  # the first ten of Top...
PER_CHANNEL = 3  # ...hold at most three stories of one channel
CANDIDATES = 100  # the best-ranked stories the first ten are chosen from
TOP_ORDER = ("-hotness", "-published_at", "-id")

Ranked = list[tuple[int, int]]  # (story id, channel id), best first


def arrange(
    ranked: Ranked, pinned: dict[int, tuple[int, int]], *, window: int, per_channel: int
) -> list[int]:
    """The story ids of the first ``window`` places: each pinned story (``pinned``: place ->
    (story id, channel id)) at its place, the others filled in ``ranked`` order, skipping a
    story whose channel holds ``per_channel`` places already while another can take it. A
    pinned story counts toward its channel's places and is never moved by them. Places left
    without a story close up."""
    slots: list[int | None] = [None] * window
    per: Counter[int] = Counter()
    for place, (story_id, channel_id) in pinned.items():
        if 1 <= place <= window:
            slots[place - 1] = story_id
            per[channel_id] += 1
    held = {story_id for story_id in slots if story_id is not None}
    queue = [(story_id, channel_id) for story_id, channel_id in ranked if story_id not in held]
    for index in range(window):
        if slots[index] is not None or not queue:
            continue
        pick = next((n for n, (_s, c) in enumerate(queue) if per[c] < per_channel), 0)
        story_id, channel_id = queue.pop(pick)
        slots[index] = story_id
        per[channel_id] += 1
    return [story_id for story_id in slots if story_id is not None]


def _pins_shown(*, channel: Channel | None, now: dt.datetime) -> QuerySet[StoryPin]:
    """The pins that hold a place of the front page (``channel`` None) or a channel's page.
    An expired pin, or one of a story readers cannot see, is none."""
    pins = StoryPin.objects.filter(
        Q(expires_at__isnull=True) | Q(expires_at__gt=now),
        channel=channel,
        story__status__in=Story.LIVE_STATUSES,
        story__published_at__lte=now,
    )
    if channel is not None:  # a story moved to another channel since leaves its old page
        pins = pins.filter(story__channel=channel)
    return pins


def pins_active(*, channel: Channel | None, now: dt.datetime) -> dict[int, tuple[int, int]]:
    """The live pins of the front page (``channel`` None) or a channel's page: place ->
    (story id, channel id)."""
    rows = _pins_shown(channel=channel, now=now).values_list(
        "place", "story_id", "story__channel_id"
    )
    return {place: (story_id, channel_id) for place, story_id, channel_id in rows}


@dataclass(frozen=True)
class TakenPlace:
    place: int
    story_id: int
    headline: str
    expires_at: dt.datetime | None


def places_taken(*, channel: Channel | None, now: dt.datetime | None = None) -> list[TakenPlace]:
    """For the pin form: the places of the front page (``channel`` None) or a channel's page
    that a pin holds now, by place, with the story that holds each (pinning another story
    there takes the place over)."""
    rows = (
        _pins_shown(channel=channel, now=now or timezone.now())
        .order_by("place")
        .values_list("place", "story_id", "story__headline", "expires_at")
    )
    return [TakenPlace(*row) for row in rows]


class Arranged:
    """The stories of a list as Paginator slices them: the arranged first places (``head``,
    story ids), then ``rest`` (an ordered queryset, the head left out)."""

    def __init__(self, head: list[int], rest: QuerySet[Story], listing: QuerySet[Story]) -> None:
        self.head_ids = head
        self.rest = rest.exclude(pk__in=head) if head else rest
        self._listing = listing
        self._head: list[Story] | None = None

    def head(self) -> list[Story]:
        if self._head is None:
            chosen = self._listing.filter(pk__in=self.head_ids) if self.head_ids else []
            found = {story.pk: story for story in chosen}
            self._head = [found[pk] for pk in self.head_ids if pk in found]
        return self._head

    def count(self) -> int:
        return len(self.head_ids) + self.rest.count()

    def __len__(self) -> int:
        return self.count()

    def __iter__(self) -> Iterator[Story]:
        yield from self.head()
        yield from self.rest

    @overload
    def __getitem__(self, index: int) -> Story: ...
    @overload
    def __getitem__(self, index: slice) -> list[Story]: ...
    def __getitem__(self, index: int | slice) -> Story | list[Story]:
        if isinstance(index, int):
            return self[index : index + 1][0]
        start, stop = index.start or 0, index.stop
        size = len(self.head_ids)
        taken = self.head()[start:stop] if start < size else []
        if stop is None or stop > size:
            rest_start = max(start - size, 0)
            rest = self.rest[rest_start : None if stop is None else stop - size]
            taken = [*taken, *rest]
        return taken


class PinnedPage(Page[Story]):
    """A page of Top or of a channel: ``pinned`` holds the ids of the stories a pin in force
    keeps at their place, for the page to say so."""

    def __init__(self, *args: Any, pinned: frozenset[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.pinned = pinned


class _PinnedPaginator(Paginator[Story]):
    def __init__(self, stories: Any, per_page: int, *, pinned: frozenset[int]) -> None:
        super().__init__(stories, per_page)
        self.pinned = pinned

    def _get_page(self, *args: Any, **kwargs: Any) -> PinnedPage:
        return PinnedPage(*args, pinned=self.pinned, **kwargs)


def _pinned_page(
    stories: Any, number: int | str | None, pinned: dict[int, tuple[int, int]]
) -> PinnedPage:
    ids = frozenset(story_id for story_id, _channel in pinned.values())
    found = _PinnedPaginator(stories, STORIES_PER_PAGE, pinned=ids).get_page(number)
    return cast(PinnedPage, found)  # _get_page made it


def story_list_top(*, page: int | str | None = 1, now: dt.datetime | None = None) -> PinnedPage:
    """The front page's Top tab."""
    now = now or timezone.now()
    ranked: Ranked = list(
        Story.objects.published(now)
        .order_by(*TOP_ORDER)
        .values_list("pk", "channel_id")[:CANDIDATES]
    )
    pinned = pins_active(channel=None, now=now)
    head = arrange(ranked, pinned, window=VARIETY_WINDOW, per_channel=PER_CHANNEL)
    listing = _listing(Story.objects.all(), now)
    stories = Arranged(head, listing.order_by(*TOP_ORDER), listing)
    result = _pinned_page(stories, page, pinned)
    if result.number == 1:
        shown = [s.hotness for s in result.object_list if s.pk not in result.pinned]
        ranking.front_edge_remember(min(shown) if shown else None)
    return result


def story_list_channel_pinned(
    *, channel: Channel, page: int | str | None = 1, now: dt.datetime | None = None
) -> PinnedPage:
    """A channel's page: its newest stories, its curators' pins in their places."""
    now = now or timezone.now()
    listing = _listing(Story.objects.filter(channel=channel), now)
    pinned = pins_active(channel=channel, now=now)
    if not pinned:
        return _pinned_page(listing, page, pinned)
    newest_ids = (
        Story.objects.published(now)
        .filter(channel=channel)
        .newest_first()
        .values_list("pk", flat=True)[: PIN_PLACES + len(pinned)]
    )
    newest: Ranked = [(story_id, channel.pk) for story_id in newest_ids]
    head = arrange(newest, pinned, window=PIN_PLACES, per_channel=PIN_PLACES)
    return _pinned_page(Arranged(head, listing, listing), page, pinned)


def pins_of_channel(
    *, channel: Channel, now: dt.datetime | None = None
) -> dict[int, list[StoryPin]]:
    """For the curators' desk: the pins in force of the channel's stories, on its page and on
    the front page, by story id."""
    now = now or timezone.now()
    pins = StoryPin.objects.filter(
        Q(expires_at__isnull=True) | Q(expires_at__gt=now), story__channel=channel
    ).order_by("channel_id", "place")
    found: dict[int, list[StoryPin]] = {}
    for pin in pins:
        found.setdefault(pin.story_id, []).append(pin)
    return found
