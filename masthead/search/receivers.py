"""What the stories app, below search, tells it through Django's model signals: a story was
saved or is being deleted. Stories cannot import search; these receivers are connected in
``SearchConfig.ready``.

- A public story whose text or publication changed gets its related stories computed in the
  background, after the commit (the worker reads the committed rows).
- A story that is no longer public (withdrawn, back to draft) or is being deleted leaves
  every list inside the same transaction, so no page lists it once the change is visible.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from masthead.stories.models import Story

from . import services
from .tasks import related_update_task

# The fields a story's related stories depend on: an edit of others (comments open, a
# caption) queues nothing.
COMPARED_FIELDS = frozenset(
    {"headline", "excerpt", "body", "original_url", "status", "published_at"}
)


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
        story_id = instance.pk
        transaction.on_commit(lambda: related_update_task.enqueue(story_id), robust=True)
    elif not created:  # a new story is in nobody's list yet
        services.related_forget(instance.pk)


def story_deleting(sender: Any, instance: Story, **kwargs: Any) -> None:
    services.related_forget(instance.pk)
