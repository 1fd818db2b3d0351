"""Keeping the index in step with the stories: each story's document rebuilt from its row as
it is now.

Database triggers (migrations/0001_initial.py) mark a story in ``search_pending`` whenever
its text or the name of its channel, section or source changes, by whatever path the row is
written (services, the admin, ``QuerySet.update``, a channel renamed). ``index_pending`` then
rebuilds the marked stories' documents; it runs after the commit that marked them
(receivers.py), in the worker's loop (``PendingLoop``, for writes that send no signal), and
from ``masthead reindex --pending``. ``index_stories`` rebuilds given stories, and
``masthead reindex`` every story, batch by batch.

A batch is one short transaction: the stories' rows are read locked (``FOR NO KEY UPDATE`` on
PostgreSQL; SQLite's write lock holds the whole database anyway), so a document is built
from what the row holds once any write in progress has committed, and two re-indexes of one
story, or a re-index and an edit, cannot leave an older text behind. Documents are upserted.
"""

from __future__ import annotations

import html
import re
import threading
from collections import defaultdict
from collections.abc import Iterable
from functools import partial
from typing import Any

from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from masthead.core.worker.outage import run_rounds
from masthead.stories.models import Story

from .engines import engine
from .models import Document, Pending

BATCH_SIZE = 500  # stories a transaction re-indexes: about 0.3 s of the database's write lock
LOOP_SECONDS = 30  # the worker looks for stories marked by writes that sent no signal
TEXT_FIELDS = ("headline", "excerpt", "byline", "source", "place", "body")

# A tag, its quoted attribute values may hold ">"; comments and the text of elements that are
# not prose are dropped whole.
_TAG = re.compile(r"""<[^>"']*(?:(?:"[^"]*"|'[^']*')[^>"']*)*>""")
_DROPPED = re.compile(
    r"<!--.*?(?:-->|$)|<(script|style|template|noscript)\b.*?(?:</\1\s*>|$)",
    re.DOTALL | re.IGNORECASE,
)
_NOT_PROSE = re.compile(r"<(?:!--|script|style|template|noscript)", re.IGNORECASE)


def html_text(body: str) -> str:
    """The text of a story body, on one line: every tag is a space (a word split by an inline
    tag, ``<b>Erdo</b>ğan``, is too rare in news prose to pay for telling tags apart),
    character references decoded."""
    if "<" in body:
        text = _DROPPED.sub(" ", body) if _NOT_PROSE.search(body) else body
        body = _TAG.sub(" ", text)
    if "&" in body:
        body = html.unescape(body)
    return " ".join(body.split())


# What a document is made of: the story's row and the names it points to. Read with SQL of
# its own: the ORM's preparation of 500 ids and 500 rows cost as much as indexing them.
_READ = (
    "SELECT s.id, s.headline, s.excerpt, s.byline, src.name, src.domain, sec.name, ch.name, "
    "s.body FROM stories_story s "
    "JOIN channels_section sec ON sec.id = s.section_id "
    "JOIN channels_channel ch ON ch.id = s.channel_id "
    "LEFT JOIN stories_source src ON src.id = s.source_id "
    "WHERE s.id IN ({marks}) ORDER BY s.id"
)
# On PostgreSQL the rows are locked as services lock them; SQLite's transaction holds the
# database's write lock already.
_LOCK = {"postgresql": " FOR NO KEY UPDATE OF s"}
_HELD = "SELECT story_id, {names} FROM search_document WHERE story_id IN ({marks})"


def document_text(
    headline: str,
    excerpt: str,
    byline: str,
    source_name: str | None,
    source_domain: str | None,
    section_name: str,
    channel_name: str,
    body: str,
) -> tuple[str, ...]:
    """A document's text columns (TEXT_FIELDS, in order) from what its story holds."""
    source = f"{source_name} {source_domain}" if source_domain else ""
    return (headline, excerpt, byline, source, f"{section_name} {channel_name}", html_text(body))


def _rows(sql: str, ids: list[int], **parts: str) -> list[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(sql.format(marks=", ".join(["%s"] * len(ids)), **parts), ids)
        return cursor.fetchall()


def _locked(ids: list[int]) -> list[tuple[Any, ...]]:
    return _rows(_READ + _LOCK.get(connection.vendor, ""), ids)


_UPSERT = (  # noqa: S608 - constants and placeholders only
    "INSERT INTO search_document (story_id, {names}, indexed_at) VALUES ({marks}) "
    "ON CONFLICT (story_id) DO UPDATE SET {updates}, indexed_at = excluded.indexed_at"
).format(
    names=", ".join(TEXT_FIELDS),
    marks=", ".join(["%s"] * (len(TEXT_FIELDS) + 2)),
    updates=", ".join(f"{name} = excluded.{name}" for name in TEXT_FIELDS),
)


Prepared = dict[int, tuple[tuple[Any, ...], tuple[str, ...]]]  # id: (row read, its text)


def prepare(ids: list[int]) -> Prepared:
    """The documents of ``ids`` computed from their rows read without a lock, for a later
    ``write_batch`` to use where the locked row is still the same (``masthead reindex``
    prepares the next batch while the database writes this one)."""
    if not ids:
        return {}
    return {row[0]: (tuple(row[1:]), document_text(*row[1:])) for row in _rows(_READ, ids)}


def _write(ids: list[int], prepared: Prepared | None = None) -> int:
    """Rebuild the documents of ``ids`` inside the caller's transaction: those whose text
    changed, or that have none, are written; a story gone has its document removed. Returns
    the number of documents written. Rows, not model instances: this is the loop that
    ``masthead reindex`` runs 100,000 times."""
    rows = _locked(ids)
    prepared = prepared or {}
    held = {row[0]: row[1:] for row in _rows(_HELD, ids, names=", ".join(TEXT_FIELDS))}
    old: list[tuple[int, tuple[str, ...]]] = []
    new: list[tuple[int, tuple[str, ...]]] = []
    for pk, *columns in rows:
        ready = prepared.get(pk)
        values = ready[1] if ready and ready[0] == tuple(columns) else document_text(*columns)
        before = held.get(pk)
        if before != values:
            new.append((pk, values))
            if before is not None:
                old.append((pk, before))
    if new:
        now = connection.ops.adapt_datetimefield_value(timezone.now())
        with connection.cursor() as cursor:
            cursor.executemany(_UPSERT, [(pk, *values, now) for pk, values in new])
        engine().documents_written(old, new)
    gone = set(ids) - {row[0] for row in rows}
    if gone:
        Document.objects.filter(story_id__in=gone).delete()
    return len(new)


def index_stories(ids: Iterable[int]) -> int:
    """Rebuild these stories' documents from their rows as they are now, a batch per
    transaction; the number whose text had changed."""
    ids = sorted(set(ids))
    written = 0
    for start in range(0, len(ids), BATCH_SIZE):
        with transaction.atomic():
            written += _write(ids[start : start + BATCH_SIZE])
    return written


def index_story(story: Story) -> None:
    """Rebuild one story's document from its row (never from this instance, which may be
    older than the row)."""
    index_stories([story.pk])


def _unmark(marked: dict[int, int]) -> None:
    """Remove the marks seen (story id: marks when read); a mark made since stays."""
    by_marks: dict[int, list[int]] = defaultdict(list)
    for story_id, marks in marked.items():
        by_marks[marks].append(story_id)
    condition = Q()
    for marks, story_ids in by_marks.items():
        condition |= Q(marks=marks, story_id__in=story_ids)
    if condition:
        Pending.objects.filter(condition).delete()


def write_batch(ids: list[int], prepared: Prepared | None = None) -> int:
    """Rebuild the documents of ``ids`` and clear their marks, inside the caller's
    transaction (``masthead reindex`` commits its checkpoint with it)."""
    marked = dict(
        _rows("SELECT story_id, marks FROM search_pending WHERE story_id IN ({marks})", ids)
    )
    written = _write(ids, prepared)
    _unmark(marked)
    return written


def index_pending(*, batches: int | None = None) -> int:
    """Rebuild the documents of the stories marked pending, oldest ids first, ``batches`` at
    most (None: until none is left); the number of stories seen. A mark made while its story
    was being rebuilt is kept, so the next round rebuilds it again."""
    seen = 0
    rounds = 0
    while batches is None or rounds < batches:
        rounds += 1
        if not Pending.objects.exists():  # the common case, without opening a transaction
            break
        with transaction.atomic():
            marked = dict(
                Pending.objects.order_by("story_id").values_list("story_id", "marks")[:BATCH_SIZE]
            )
            if not marked:
                break
            _write(list(marked))
            _unmark(marked)
        seen += len(marked)
    return seen


def index_marked(ids: Iterable[int]) -> int:
    """Rebuild the documents of those of ``ids`` that are marked pending, and clear their
    marks; the number seen. What a request's own writes marked, and nothing else: a backlog
    (a channel renamed, a bulk update) is the worker's."""
    ids = sorted(set(ids))[:BATCH_SIZE]
    if not Pending.objects.filter(story_id__in=ids).exists():
        return 0  # the common case (a publish changes no text): one query, no transaction
    with transaction.atomic():
        marked = dict(
            _rows("SELECT story_id, marks FROM search_pending WHERE story_id IN ({marks})", ids)
        )
        if marked:
            _write(sorted(marked))
            _unmark(marked)
    return len(marked)


def index_pending_soon(story_id: int | None = None) -> None:
    """Once the current transaction commits: the story's document rebuilt then, while the
    request answers (a story is found by its new words the moment its edit is visible); or,
    for a name that many stories show (a channel's, a section's, a publisher's), the marked
    stories rebuilt by the worker. A transaction that saves a story twice queues two; the
    second finds nothing marked."""
    if story_id is None:
        from .tasks import index_pending_task  # tasks import this module

        transaction.on_commit(index_pending_task.enqueue, robust=True)
    else:
        transaction.on_commit(partial(index_marked, [story_id]), robust=True)


class PendingLoop:
    """Stories marked by writes that sent no signal (``QuerySet.update``, SQL by hand), and
    any a crash left marked: each worker looks every ``LOOP_SECONDS`` (settings
    .MASTHEAD_WORKER_LOOPS)."""

    @staticmethod
    def forever(stop: threading.Event) -> None:
        run_rounds(stop, name="search index", work=index_pending, idle_seconds=LOOP_SECONDS)

    @staticmethod
    def once() -> int:
        return index_pending()
