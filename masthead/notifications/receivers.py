from __future__ import annotations

from typing import Any

from .tasks import notify_comment


def comment_visible(sender: Any, comment_id: int, **kwargs: Any) -> None:
    """Notify in the background: the post that caused it has answered already."""
    notify_comment.enqueue(comment_id)
