"""Which stories are about the same subject as a story: the computation behind its Related
section, without writes (services.py keeps the result, selectors.py reads it for the page).

A story is scored against its candidates (stories sharing its distinctive words, found by
``candidates``) in one similarity batch with a sample of other recent stories, so that the
words every story on the subject uses are not taken for rare ones. Those above
``RELATED_THRESHOLD`` are related; the ``RELATED_KEPT`` closest are kept, the page shows the
newest of them that are still public (selectors.related_list). Copies of the story (the same
original article, the same words) are never related to it. docs/decisions/0016-related-stories.md
says how the threshold was chosen and what was measured.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
from django.utils import timezone

from masthead.stories.models import Story

from . import similarity
from .index import html_text
from .selectors import related_candidates

RELATED_THRESHOLD = 0.25  # best mean F0.5 on the Lee and SemEval pairs (decision 0016)
RELATED_KEPT = 10  # a list keeps this many, so a withdrawn one leaves the page still full
CANDIDATES = 50  # stories scored closely per computation: what the index ranks best
BACKGROUND = 50  # other recent stories in the batch, for the words' document frequencies
BACKGROUND_WINDOW = 4  # latest rows read per background story wanted (drafts, candidates)
# The first characters of headline, excerpt and body: the lead says which story it is, the
# corpora the threshold was chosen on are texts of 500 to 1,150 characters, and a story's
# computation costs the same whatever its length.
TEXT_CHARS = 1500
# The same words with other capitals (an entity weighs more) score a little under 1.
COPY_SCORES_FROM = 0.9
TEXT_FIELDS = ("id", "headline", "excerpt", "body", "original_url", "status", "published_at")


def text_of(story: Story) -> str:
    """What a story is compared by: its headline, excerpt and body, as plain text, cut to
    about TEXT_CHARS at a word boundary."""
    # A body's markup is a fraction of it: four times TEXT_CHARS of it hold the text wanted.
    body = html_text(story.body[: 4 * TEXT_CHARS])
    text = "\n".join(part for part in (story.headline, story.excerpt, body) if part.strip())
    if len(text) <= TEXT_CHARS:
        return text
    cut = text[:TEXT_CHARS]
    return cut[: cut.rfind(" ")] if " " in cut[TEXT_CHARS // 2 :] else cut


def version_of(story: Story) -> str:
    """What a computation for ``story`` depended on: a later run for a story whose version
    has moved on writes nothing (the change that moved it queued a run of its own)."""
    live = story.status in Story.LIVE_STATUSES
    parts = (story.headline, story.excerpt, story.body, story.original_url, str(live))
    return hashlib.blake2b("\x00".join(parts).encode(), digest_size=16).hexdigest()


def candidates(story: Story, *, limit: int = CANDIDATES) -> list[int]:
    """Ids of published stories that may be about the same subject, best first, without the
    story itself: those sharing its most distinctive words, as the search index ranks them."""
    return related_candidates(story, limit=limit)


def background(*, exclude: Iterable[int], limit: int = BACKGROUND) -> list[int]:
    """Ids of the latest published stories not in ``exclude`` (by id: the latest written):
    a cheap sample of what the site writes about, for the batch's document frequencies.

    The latest BACKGROUND_WINDOW rows are read along the primary key and filtered here: asked
    to filter and order at once, SQLite reads every published story by its status index and
    sorts them."""
    left_out = set(exclude)
    now = timezone.now()
    rows = Story.objects.order_by("-pk").values_list("pk", "status", "published_at")
    return [
        pk
        for pk, status, published_at in rows[: limit * BACKGROUND_WINDOW]
        if pk not in left_out
        and status in Story.LIVE_STATUSES
        and published_at is not None
        and published_at <= now
    ][:limit]


def _terms(text: str) -> tuple[str, ...]:
    return tuple(token.term for token in similarity.tokens(text))


def is_copy(story: Story, other: Story, *, texts: dict[int, str], score: float) -> bool:
    """``other`` is the same piece as ``story``: the same original article (curated by
    two channels) or the same words (a story posted twice), whatever its markup or case.
    Texts with the same words score nearly 1, so only those are read word by word."""
    if story.original_url and story.original_url == other.original_url:
        return True
    return score >= COPY_SCORES_FROM and _terms(texts[story.pk]) == _terms(texts[other.pk])


@dataclass(frozen=True)
class Scored:
    story_id: int
    score: float


@dataclass(frozen=True)
class Computed:
    """A story's related stories (closest first, at most RELATED_KEPT), and the score of
    every candidate, related or not, which decides whether the story joins their lists."""

    version: str
    related: list[Scored]
    scores: dict[int, float]
    # The candidates the story is offered to: its list's, and the copies left out of it.
    reach: frozenset[int] = frozenset()


def compute(story: Story, others: Sequence[Story], *, background_texts: Sequence[str]) -> Computed:
    """Score ``story`` against ``others`` (its candidates), with ``background_texts`` in the
    batch for the statistics only. Copies of the story score 0 and are never related."""
    texts = {other.pk: text_of(other) for other in others}
    texts[story.pk] = text_of(story)
    batch = similarity.Batch([texts[story.pk], *texts.values(), *background_texts])
    rows = np.array([batch.index[texts[other.pk]] for other in others], dtype=np.int64)
    found = batch.scores(np.full(len(rows), batch.index[texts[story.pk]]), rows)
    scores = {
        other.pk: 0.0 if is_copy(story, other, texts=texts, score=score) else float(score)
        for other, score in zip(others, found, strict=True)
        if other.pk != story.pk
    }
    ranked = sorted(scores.items(), key=lambda item: (-item[1], item[0]))
    by_pk = {other.pk: other for other in others}
    related: list[Scored] = []
    reach: set[int] = set()
    seen: set[object] = set()  # a list names one of several copies of a piece, the closest
    for pk, score in ranked:
        if score < RELATED_THRESHOLD or len(related) == RELATED_KEPT:
            break
        reach.add(pk)
        keys = {_terms(texts[pk])} | ({by_pk[pk].original_url} if by_pk[pk].original_url else set())
        if not keys & seen:
            related.append(Scored(pk, score))
        seen |= keys
    return Computed(version_of(story), related, scores, frozenset(reach))


def merged(current: Sequence[Scored], *, story_id: int, score: float | None) -> list[Scored]:
    """A list with ``story_id`` offered at ``score`` (None: taken out): closest first, at
    most RELATED_KEPT; a newcomer weaker than a full list's weakest stays out."""
    entries = [entry for entry in current if entry.story_id != story_id]
    if score is not None and score >= RELATED_THRESHOLD:
        entries.append(Scored(story_id, score))
    entries.sort(key=lambda entry: (-entry.score, entry.story_id))
    return entries[:RELATED_KEPT]
