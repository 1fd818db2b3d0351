"""Errors that say what was asked for. A selector that finds no member, channel or story
raises ``NotFound`` with the words for it; the site's 404 page (core/views.py ``not_found``)
shows them instead of its generic message, so a reader who followed a stale link learns
whether the member, the channel or the story is what is missing."""

from __future__ import annotations

from django.http import Http404


class NotFound(Http404):
    def __init__(self, title: str, message: str) -> None:
        super().__init__(message)
        self.title = title
        self.message = message
