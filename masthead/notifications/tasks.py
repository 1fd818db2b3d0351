"""Background work of notifications, run by `masthead worker`."""

from __future__ import annotations

from django_tasks import task

from . import services


@task()
def notify_comment(comment_id: int) -> int:
    """Notify whoever a newly visible comment concerns; the number of new notifications."""
    return services.notify_for_comment(comment_id)
