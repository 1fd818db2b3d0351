"""Discussion's signals, sent after commit, become background tasks: the request that
caused them has answered already."""

from __future__ import annotations

from typing import Any

from .services import MENTION
from .tasks import notify_comment, notify_moderation


def comment_visible(
    sender: Any, comment_id: int, parent_id: int | None, text: str, **kwargs: Any
) -> None:
    """Only replies and comments naming an @handle can concern anyone: most comments start
    threads and name nobody, and queueing a task for them would be a write for nothing."""
    if parent_id is not None or MENTION.search(text):
        notify_comment.enqueue(comment_id)


def comment_moderated(sender: Any, comment_id: int, action: str, **kwargs: Any) -> None:
    notify_moderation.enqueue(comment_id, action)
