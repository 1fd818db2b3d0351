"""Background work of the search index, run by `masthead worker`."""

from __future__ import annotations

from django_tasks import task

from . import index


@task()
def index_pending_task() -> int:
    """Rebuild the documents of every story still marked (a renamed channel's, say): more
    than a request should do after its commit."""
    return index.index_pending()
