"""Background work of the stories app, run by `masthead worker`."""

from __future__ import annotations

from django_tasks import task

from . import ranking


@task()
def channel_rank_task(channel_id: int) -> int:
    """Recount a channel's recent stories after its followers changed (every one of them:
    more than the follow's request should wait for); how many moved."""
    return ranking.channel_rank_refresh(channel_id=channel_id)
