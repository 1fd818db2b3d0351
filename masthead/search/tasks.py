"""Background work of search, run by `masthead worker`: related stories are computed here,
never while a page is served."""

from __future__ import annotations

from django_tasks import task

from . import services


@task()
def related_update_task(story_id: int) -> int:
    """Compute a published or edited story's related stories and offer it to theirs; the
    number of lists that changed."""
    return services.related_update(story_id)
