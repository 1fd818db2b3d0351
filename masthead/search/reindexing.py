"""``masthead reindex``: every story's document rebuilt, in id order, a batch per transaction.

Safe while the site serves: each batch is one short transaction (readers are never blocked;
a writer waits for one batch at most), and the index stays usable throughout, since
documents are replaced one by one rather than dropped and rebuilt. Resumable: the batch and
the checkpoint (``ReindexRun``: the last id done) commit together, so a run that is killed
goes on, next time, after the last batch it finished, and a finished run starts again from
the beginning.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from django.db import connection, transaction
from django.utils import timezone

from masthead.channels.models import Channel
from masthead.stories.models import Story

from .index import prepare, write_batch
from .models import ReindexRun

REINDEX_BATCH = (
    500  # stories a transaction: FTS5 flushes a segment per commit; a writer waits for one
)


@dataclass
class Progress:
    done: int  # stories done in this scope, earlier runs included
    total: int  # stories in this scope
    resumed_after: int  # the id an interrupted run had reached (0: from the start)


def scope_of(channel: Channel | None) -> str:
    return "all" if channel is None else f"channel:{channel.slug}"


def reindex(
    *,
    channel: Channel | None = None,
    batch: int = REINDEX_BATCH,
    restart: bool = False,
    report: Callable[[Progress], None] = lambda progress: None,
) -> Progress:
    """Rebuild the documents of every story (of ``channel``), going on from where an
    interrupted run stopped unless ``restart``; ``report`` is called after each batch."""
    scope = scope_of(channel)
    now = timezone.now()
    run, _created = ReindexRun.objects.get_or_create(
        scope=scope, defaults={"started_at": now, "updated_at": now}
    )
    if restart or run.finished_at is not None:
        run.last_id, run.done, run.started_at, run.finished_at = 0, 0, now, None
        run.updated_at = now
        run.save()
    stories = Story.objects.all() if channel is None else Story.objects.filter(channel=channel)
    progress = Progress(
        done=run.done,
        total=run.done + stories.filter(pk__gt=run.last_id).count(),
        resumed_after=run.last_id,
    )
    report(progress)

    def ids_after(after: int) -> list[int]:
        return list(
            stories.filter(pk__gt=after).order_by("pk").values_list("pk", flat=True)[:batch]
        )

    # The next batch's text is made (Python's work) by a thread of its own while the
    # database writes this one (sqlite3 and psycopg let go of the interpreter meanwhile).
    # It reads without a lock: the writer uses what it made only where the locked row is
    # still the same.
    with ThreadPoolExecutor(max_workers=1) as ahead:
        ids = ids_after(run.last_id)
        coming = ahead.submit(prepare, ids)
        while ids:
            prepared = coming.result()
            following = ids_after(ids[-1])
            coming = ahead.submit(prepare, following)
            with transaction.atomic():
                write_batch(ids, prepared)
                progress.done += len(ids)
                ReindexRun.objects.filter(scope=scope).update(
                    last_id=ids[-1], done=progress.done, updated_at=timezone.now()
                )
            progress.total = max(progress.total, progress.done)
            report(progress)
            ids = following
        coming.result()
        ahead.submit(lambda: connection.close()).result()  # the thread's own connection
    ReindexRun.objects.filter(scope=scope).update(finished_at=timezone.now())
    return progress
