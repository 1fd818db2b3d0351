"""Background work of notifications, run by `masthead worker`."""

from __future__ import annotations

from django_tasks import task

from . import services


@task()
def notify_comment(comment_id: int) -> int:
    """Notify whoever a newly visible comment concerns; the number of new notifications."""
    return services.notify_for_comment(comment_id)


@task()
def notify_moderation(comment_id: int, action: str) -> int:
    """Tell a comment's author what a moderator did to it; 1 if they were told."""
    return services.notify_for_moderation(comment_id, action)
