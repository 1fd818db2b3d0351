"""Reads behind the moderation pages."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from .models import Ban, LogEntry, WordRule

# Left out of the public log: naming a shadow ban would undo it, and word lists published
# are word lists dodged.
PRIVATE_ACTIONS = Q(action__contains="shadow") | Q(action__endswith="word")


def public_log(*, channel_id: int | None, comment_id: int | None = None) -> QuerySet[LogEntry]:
    """The channel's public log (``channel_id`` None: the site's, outside any channel),
    newest first; ``comment_id``: one comment's history."""
    entries = (
        LogEntry.objects.filter(channel_id=channel_id)
        if channel_id is not None
        else LogEntry.objects.filter(channel__isnull=True)
    )
    if comment_id is not None:
        entries = entries.filter(comment_id=comment_id)
    return (
        entries.exclude(PRIVATE_ACTIONS)
        .only("actor_role", "action", "target", "target_url", "reason", "created_at", "comment_id")
        .order_by("-created_at", "-id")
    )


def word_rules(*, channel_id: int) -> QuerySet[WordRule]:
    return WordRule.objects.filter(channel_id=channel_id).order_by("kind", "normal")


def bans(*, channel_id: int) -> QuerySet[Ban]:
    return (
        Ban.objects.in_force()
        .filter(channel_id=channel_id)
        .select_related("user__profile")
        .order_by("-created_at")
    )
