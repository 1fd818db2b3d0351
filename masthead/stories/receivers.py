"""What stories hear from the apps below them, which cannot call stories themselves."""

from __future__ import annotations

from typing import Any

from .tasks import channel_rank_task


def follow_changed(sender: Any, *, channel_id: int, **kwargs: Any) -> None:
    """A story's points count its channel's followers: the channel's recent stories move,
    recounted by the worker (a channel may have hundreds of them)."""
    channel_rank_task.enqueue(channel_id)
