"""Background work of curating from the web, run by `masthead worker`. Services enqueue these
after their commit; the bodies are in ingest/jobs.py."""

from __future__ import annotations

from django_tasks import task

from . import jobs


@task()
def fetch_item(item_id: int) -> str:
    """Fetch and extract an item's article; the candidate page shows the result."""
    return jobs.item_fetch(item_id).fetch_state
