"""What the apps below search tell it through Django's model signals (they cannot import
search; the receivers are connected in ``SearchConfig.ready``).

- A story, channel, section or source was saved: the triggers have marked what changed
  (index.py); ``saved`` makes sure the marks are worked off once the transaction commits: a
  story's own while the request that made them answers, a renamed channel's stories by the
  worker. Writes that send no signal are found by the worker's ``PendingLoop``.
- A public story whose text or publication changed gets its related stories computed in the
  background, after the commit (``story_saved``; the worker reads the committed rows).
- A story that is no longer public (withdrawn, back to draft) or is being deleted leaves
  every list of related stories inside the same transaction, so no page lists it once the
  change is visible (``story_saved``, ``story_deleting``).
"""

from __future__ import annotations

from functools import partial
from typing import Any

from django.db import transaction

from masthead.stories.models import Story

from . import services
from .index import index_pending_soon
from .tasks import related_update_task

# The fields a story's related stories depend on: an edit of others (comments open, a
# caption) queues nothing.
COMPARED_FIELDS = frozenset(
    {"headline", "excerpt", "body", "original_url", "status", "published_at"}
)


def saved(sender: Any, instance: Any, **kwargs: Any) -> None:
    if kwargs.get("raw"):
        return  # loaddata: the triggers marked the rows; the worker's loop indexes them
    index_pending_soon(instance.pk if sender is Story else None)


def story_saved(
    sender: Any,
    instance: Story,
    created: bool,
    update_fields: frozenset[str] | None = None,
    raw: bool = False,
    **kwargs: Any,
) -> None:
    if raw or (update_fields is not None and not update_fields & COMPARED_FIELDS):
        return
    if instance.status in Story.LIVE_STATUSES:
        related_update_soon(instance.pk)
    elif not created:  # a new story is in nobody's list yet
        services.related_forget(instance.pk)


def story_deleting(sender: Any, instance: Story, **kwargs: Any) -> None:
    services.related_forget(instance.pk)


def related_update_soon(story_id: int) -> None:
    """Once the transaction commits, queue the story's computation. A transaction that saves
    the story twice (an edit, then its publication) queues two: the second finds the lists
    as the first left them and writes nothing."""
    transaction.on_commit(partial(_enqueue, story_id), robust=True)


def _enqueue(story_id: int) -> None:
    related_update_task.enqueue(story_id)
