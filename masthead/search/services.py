"""Writes of related stories: a story's list computed and kept, the story offered to the lists
of the stories it is related to, and taken out of every list when it stops being public.

``related_update`` runs in the background (tasks.py) after a story is published or edited:
it reads fresh rows, scores outside any transaction (related.py), then writes in short
transactions that hold the lists' stories locked: its own list in one, the lists it is
offered to in another, their stories locked in the order of their ids (every transaction here
that locks several stories does so), so two writers of one list take turns and writers of
crossing lists cannot deadlock. A run whose story has
changed since it read it (another version of its text, or no longer public) writes nothing:
the change queued a run of its own. ``related_forget`` runs inside the transaction that
withdraws, unpublishes or deletes a story (receivers.py).

A list that changes bumps its story's revision, which the story page's caches are keyed by,
and drops the story's cached anonymous page after commit. See
docs/decisions/0016-related-stories.md.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from functools import partial

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from masthead.core import pagecache
from masthead.stories.models import Story

from . import index, related
from .models import RelatedStory
from .related import Scored

URL_FIELDS = ("public_id", "slug", "channel__slug", "section__slug")


def related_update(story_id: int) -> int:
    """Compute the story's related stories and keep them; offer the story to the lists of
    those it is related to, and take it out of the lists it no longer belongs in. Returns
    how many lists changed (the story's own included)."""
    started = timezone.now()
    story = Story.objects.filter(pk=story_id).only(*related.TEXT_FIELDS).first()
    if story is None or story.status not in Story.LIVE_STATUSES:
        with transaction.atomic():
            return related_forget(story_id)
    # Its candidates are found by its words in the index: the words it has now, whether or
    # not the index's own work after the commit has run yet.
    index.index_stories([story_id])
    listing = _listing(story_id)
    wanted = [*related.candidates(story), *listing]
    others = list(
        Story.objects.filter(pk__in=wanted, status__in=Story.LIVE_STATUSES).only(
            *related.TEXT_FIELDS
        )
    )
    extra = related.background(exclude=[story_id, *wanted])
    texts = [
        related.text_of(other)
        for other in Story.objects.filter(pk__in=extra).only(*related.TEXT_FIELDS)
    ]
    computed = related.compute(story, others, background_texts=texts)
    changed = int(_replace(story_id, computed, started=started))
    # The stories of its list and the copies left out of it (each is a page of its own), and
    # the lists that hold it now: re-scored, or taken out.
    offers = {pk: computed.scores.get(pk) for pk in [*computed.reach, *listing]}
    return changed + _offer(offers, offered=story_id, version=computed.version)


def related_forget(story_id: int) -> int:
    """The story is no longer public (withdrawn, back to draft, being deleted): it leaves
    every list and loses its own, in the caller's transaction; the pages of the lists it
    left change after commit. Returns how many lists it left."""
    listing = _listing(story_id)
    RelatedStory.objects.filter(Q(story_id=story_id) | Q(related_id=story_id)).delete()
    if listing:
        # After commit: the stories whose lists changed are not locked by this transaction,
        # so two stories related to each other withdrawn at once cannot deadlock.
        transaction.on_commit(partial(_pages_changed, listing), robust=True)
    return len(listing)


def related_refresh(story_ids: Iterable[int] | None = None) -> int:
    """Compute the lists of the given stories, or of every public story (an installation
    that had none, the demo): the number of lists that changed."""
    if story_ids is None:
        story_ids = Story.objects.filter(status__in=Story.LIVE_STATUSES).values_list(
            "pk", flat=True
        )
    return sum(related_update(pk) for pk in list(story_ids))


def _listing(story_id: int) -> list[int]:
    """The stories whose lists hold this one."""
    return list(
        RelatedStory.objects.filter(related_id=story_id)
        .order_by("story_id")
        .values_list("story_id", flat=True)
    )


def _locked(story_id: int) -> Story | None:
    return (
        Story.objects.select_for_update(of=("self",))
        .select_related("channel", "section")
        .only(*related.TEXT_FIELDS, *URL_FIELDS)
        .filter(pk=story_id)
        .first()
    )


def _current(story_id: int) -> list[RelatedStory]:
    return list(RelatedStory.objects.filter(story_id=story_id).order_by("rank"))


def _replace(story_id: int, computed: related.Computed, *, started: dt.datetime) -> bool:
    """Keep ``computed`` as the story's list, if the story is still what was computed."""
    with transaction.atomic():
        story = _locked(story_id)
        if story is None or related.version_of(story) != computed.version:
            return False
        rows = _current(story_id)
        # Offered by a story published while this one was being computed: its run saw this
        # story, this run did not see it.
        newer = [
            Scored(row.related_id, row.score)
            for row in rows
            if row.scored_at >= started and row.related_id not in computed.scores
        ]
        entries = sorted(
            [*computed.related, *newer], key=lambda entry: (-entry.score, entry.story_id)
        )
        return _write(story, _public(entries)[: related.RELATED_KEPT], rows)


def _offer(offers: dict[int, float | None], *, offered: int, version: str) -> int:
    """Offer story ``offered`` to the lists of the stories in ``offers``, each at its score
    (None: take it out), if ``offered`` is still the version that was scored; only public
    stories' lists. One transaction, the lists' stories locked in the order of their ids (as
    every transaction here that locks more than one story), so runs that offer to crossing
    lists take turns instead of deadlocking. Returns how many lists changed."""
    if not offers:
        return 0
    with transaction.atomic():
        now = Story.objects.filter(pk=offered).only(*related.TEXT_FIELDS).first()
        if now is None or related.version_of(now) != version:
            return 0
        stories = list(
            Story.objects.select_for_update(of=("self",))
            .select_related("channel", "section")
            .only("status", *URL_FIELDS)
            .filter(pk__in=list(offers), status__in=Story.LIVE_STATUSES)
            .order_by("pk")
        )
        rows: dict[int, list[RelatedStory]] = defaultdict(list)
        for row in RelatedStory.objects.filter(story_id__in=[s.pk for s in stories]).order_by(
            "story_id", "rank"
        ):
            rows[row.story_id].append(row)
        changed = 0
        for story in stories:
            current = [Scored(row.related_id, row.score) for row in rows[story.pk]]
            entries = related.merged(current, story_id=offered, score=offers[story.pk])
            changed += _write(story, entries, rows[story.pk])
        return changed


def _public(entries: Sequence[Scored]) -> list[Scored]:
    """The entries whose stories are public now (read in the writing transaction)."""
    live = set(
        Story.objects.filter(
            pk__in=[entry.story_id for entry in entries], status__in=Story.LIVE_STATUSES
        ).values_list("pk", flat=True)
    )
    return [entry for entry in entries if entry.story_id in live]


def _write(story: Story, entries: Sequence[Scored], rows: Sequence[RelatedStory]) -> bool:
    """Replace the locked story's list by ``entries`` (closest first) unless it is the same."""
    if [(r.related_id, round(r.score, 6)) for r in rows] == [
        (e.story_id, round(e.score, 6)) for e in entries
    ]:
        return False
    now = timezone.now()
    # An entry keeps the time it was scored at unless its score changed.
    scored = {(row.related_id, row.score): row.scored_at for row in rows}
    RelatedStory.objects.filter(story_id=story.pk).delete()
    RelatedStory.objects.bulk_create(
        RelatedStory(
            story_id=story.pk,
            related_id=entry.story_id,
            score=entry.score,
            rank=rank,
            scored_at=scored.get((entry.story_id, entry.score), now),
        )
        for rank, entry in enumerate(entries, start=1)
    )
    if [r.related_id for r in rows] != [e.story_id for e in entries]:
        Story.objects.filter(pk=story.pk).update(revision=F("revision") + 1)
        path = story.get_absolute_url()
        transaction.on_commit(lambda: pagecache.invalidate_paths([path]))
    return True


def _pages_changed(story_ids: list[int]) -> None:
    """The stories' lists changed outside their own computation: their pages are rendered
    again (a new revision for the caches keyed by it, the anonymous pages dropped)."""
    with transaction.atomic():
        stories = list(
            Story.objects.select_for_update(of=("self",))
            .select_related("channel", "section")
            .only(*URL_FIELDS)
            .filter(pk__in=story_ids)
            .order_by("pk")
        )
        Story.objects.filter(pk__in=[story.pk for story in stories]).update(
            revision=F("revision") + 1
        )
    pagecache.invalidate_paths([story.get_absolute_url() for story in stories])
