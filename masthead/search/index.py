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

from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from masthead.core.worker.outage import run_rounds
from masthead.stories.models import Story

from .models import Document, Pending

BATCH_SIZE = 500  # stories a transaction re-indexes: about 0.3 s of the database's write lock
INLINE_BATCHES = 2  # after a commit, in the request: one story's edit at once, a rename's later
LOOP_SECONDS = 30  # the worker looks for stories marked by writes that sent no signal
DOCUMENT_FIELDS = ("headline", "excerpt", "byline", "source", "place", "body", "indexed_at")

# A tag, its quoted attribute values may hold ">"; comments and the text of elements that are
# not prose are dropped whole.
_TAG = re.compile(r"""<(?:[^>"']|"[^"]*"|'[^']*')*>""")
_DROPPED = re.compile(
    r"<!--.*?(?:-->|$)|<(script|style|template|noscript)\b.*?(?:</\1\s*>|$)",
    re.DOTALL | re.IGNORECASE,
)
_BLOCK = re.compile(
    r"</?(?:p|div|h[1-6]|li|ul|ol|blockquote|pre|br|hr|tr|td|th|table|figure|figcaption|dd|dt)\b",
    re.IGNORECASE,
)
_SPACES = re.compile(r"[ \t\r\f\v]+")
_LINES = re.compile(r"\s*\n\s*")


def html_text(body: str) -> str:
    """The text of a story body: blocks end a line, inline tags leave their words joined
    (``<b>Erdo</b>ğan`` is one word), character references decoded."""
    if "<" not in body and "&" not in body:
        return body.strip()
    text = _DROPPED.sub(" ", body)
    text = _BLOCK.sub(lambda m: "\n" + m.group(), text)
    text = html.unescape(_TAG.sub("", text))
    text = _SPACES.sub(" ", text)
    return _LINES.sub("\n", text).strip()


def document_fields(story: Story) -> dict[str, object]:
    """What the index holds of a story (with its channel, section and source loaded)."""
    source = story.source
    return {
        "headline": story.headline,
        "excerpt": story.excerpt,
        "byline": story.byline,
        "source": f"{source.name} {source.domain}" if source is not None else "",
        "place": f"{story.section.name} {story.channel.name}",
        "body": html_text(story.body),
        "indexed_at": timezone.now(),
    }


def _locked(ids: Iterable[int]) -> list[Story]:
    return list(
        Story.objects.select_for_update(of=("self",), no_key=True)
        .select_related("channel", "section", "source")
        .filter(pk__in=list(ids))
        .order_by("pk")
    )


def _write(ids: list[int]) -> int:
    """Rebuild the documents of ``ids`` inside the caller's transaction; a story gone has its
    document removed. Returns the number of documents written."""
    stories = _locked(ids)
    Document.objects.bulk_create(
        [Document(story_id=story.pk, **document_fields(story)) for story in stories],
        update_conflicts=True,
        unique_fields=["story"],
        update_fields=list(DOCUMENT_FIELDS),
    )
    gone = set(ids) - {story.pk for story in stories}
    if gone:
        Document.objects.filter(story_id__in=gone).delete()
    return len(stories)


def index_stories(ids: Iterable[int]) -> int:
    """Rebuild these stories' documents from their rows as they are now, a batch per
    transaction; the number rebuilt."""
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


def index_pending(*, batches: int | None = None) -> int:
    """Rebuild the documents of the stories marked pending, oldest ids first, ``batches`` at
    most (None: until none is left); the number of stories seen. A mark made while its story
    was being rebuilt is kept, so the next round rebuilds it again."""
    seen = 0
    rounds = 0
    while batches is None or rounds < batches:
        rounds += 1
        with transaction.atomic():
            marked = dict(
                Pending.objects.order_by("story_id").values_list("story_id", "marks")[:BATCH_SIZE]
            )
            if not marked:
                break
            _write(list(marked))
            by_marks: dict[int, list[int]] = defaultdict(list)
            for story_id, marks in marked.items():
                by_marks[marks].append(story_id)
            condition = Q()
            for marks, story_ids in by_marks.items():
                condition |= Q(marks=marks, story_id__in=story_ids)
            Pending.objects.filter(condition).delete()
        seen += len(marked)
    return seen


def drain() -> None:
    """Rebuild what is marked: a few batches now, the rest in the background."""
    index_pending(batches=INLINE_BATCHES)
    if Pending.objects.exists():
        from .tasks import index_pending_task  # tasks import this module

        index_pending_task.enqueue()


def index_pending_soon() -> None:
    """Once the current transaction commits, ``drain``: queued once per transaction, however
    many rows it saves (a savepoint rolled back takes its queued drain along, and the next
    save queues another)."""
    if connection.in_atomic_block and any(entry[1] is drain for entry in connection.run_on_commit):
        return
    transaction.on_commit(drain, robust=True)


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
