"""What the apps below search tell it: a story, channel, section or source was saved.

The triggers have marked what changed (index.py); these receivers only make sure the marks
are worked off once the transaction commits, while the request that made them answers.
Writes that send no signal are found by the worker's ``PendingLoop``.
"""

from __future__ import annotations

from typing import Any

from .index import index_pending_soon


def saved(sender: Any, **kwargs: Any) -> None:
    if kwargs.get("raw"):
        return  # loaddata: the triggers marked the rows; the worker's loop indexes them
    index_pending_soon()
