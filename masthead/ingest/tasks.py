"""Background work of curating from the web, run by `masthead worker`."""

from __future__ import annotations

from django_tasks import task

from . import services


@task()
def fetch_item(item_id: int) -> str:
    """Fetch and extract an item's article; the candidate page shows the result."""
    return services.item_fetch(item_id).fetch_state
