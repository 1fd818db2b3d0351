from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest

from .models import Candidate


def pending_candidates(channel_id: int) -> int:
    return Candidate.objects.filter(channel_id=channel_id, status=Candidate.Status.PENDING).count()


def review_queue(request: HttpRequest) -> dict[str, Callable[[int], int]]:
    """``pending_candidates(channel_id)`` for the curators' desk (a page of the stories app,
    which cannot import this one)."""
    return {"pending_candidates": pending_candidates}
