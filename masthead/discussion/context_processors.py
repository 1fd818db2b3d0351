from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest

from . import selectors


def moderation_queue(request: HttpRequest) -> dict[str, Callable[[int], dict[str, int]]]:
    """``moderation_counts(channel_id)`` for the curators' desk (a page of the stories app,
    which cannot import this one); asked only where a page shows it."""
    return {"moderation_counts": lambda channel_id: selectors.queue_counts(channel_id=channel_id)}
