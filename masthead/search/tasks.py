"""Background work of the search index and of related stories, run by `masthead worker`:
related stories are computed here, never while a page is served."""

from __future__ import annotations

from django_tasks import task

from . import index, services


@task()
def index_pending_task() -> int:
    """Rebuild the documents of every story still marked (a renamed channel's, say): more
    than a request should do after its commit."""
    return index.index_pending()


@task()
def related_update_task(story_id: int) -> int:
    """Compute a published or edited story's related stories and offer it to theirs; the
    number of lists that changed."""
    return services.related_update(story_id)
