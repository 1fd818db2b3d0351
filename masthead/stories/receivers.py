"""What stories hear from the apps below them, which cannot call stories themselves."""

from __future__ import annotations

from typing import Any

from . import ranking


def follow_changed(sender: Any, *, channel_id: int, **kwargs: Any) -> None:
    """A story's points count its channel's followers: the channel's recent stories move."""
    ranking.channel_rank_refresh(channel_id=channel_id)
