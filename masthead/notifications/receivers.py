"""Discussion's signals, sent after commit, become background tasks: the request that
caused them has answered already."""

from __future__ import annotations

from typing import Any

from .tasks import notify_comment, notify_moderation


def comment_visible(sender: Any, comment_id: int, **kwargs: Any) -> None:
    notify_comment.enqueue(comment_id)


def comment_moderated(sender: Any, comment_id: int, action: str, **kwargs: Any) -> None:
    notify_moderation.enqueue(comment_id, action)
