"""Reads behind the comment section of a story page and a member's profile."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from masthead.channels.selectors import can_moderate
from masthead.stories.models import Story

from .models import Comment

PROFILE_COMMENTS_COUNT = 20


@dataclass
class Thread:
    """Thread T of a story: its opening comment and the replies in position order."""

    number: int
    comments: list[Comment] = field(default_factory=list)


def _visible_to(viewer: Any, *, moderator: bool) -> Q:
    """Pending comments are seen by their author and by moderators only."""
    if moderator:
        return Q()
    shown = ~Q(status=Comment.Status.PENDING)
    if getattr(viewer, "is_authenticated", False):
        shown |= Q(author_id=viewer.pk)
    return shown


def comment_threads(*, story: Story, viewer: Any, moderator: bool | None = None) -> list[Thread]:
    """Every comment of the story a viewer may see, grouped in numbered threads.

    One query whatever the number of comments; ``reply_to`` is set on replies to a reply so
    the page can say which comment they answer.
    """
    if moderator is None:
        moderator = can_moderate(viewer, story.channel_id)
    comments = list(
        Comment.objects.filter(story=story)
        .filter(_visible_to(viewer, moderator=moderator))
        .select_related("author__profile")
        .order_by("thread", "position")
    )
    by_id = {comment.pk: comment for comment in comments}
    threads: list[Thread] = []
    for comment in comments:
        parent = by_id.get(comment.parent_id) if comment.parent_id else None
        comment.reply_to = parent if parent is not None and parent.position > 1 else None  # type: ignore[attr-defined]
        if not threads or threads[-1].number != comment.thread:
            threads.append(Thread(number=comment.thread))
        threads[-1].comments.append(comment)
    return threads


def comment_get(pk: int) -> Comment:
    return get_object_or_404(
        Comment.objects.select_related("story__channel", "story__section", "author__profile"), pk=pk
    )


def comment_list_by_author(
    *, author_id: int, limit: int = PROFILE_COMMENTS_COUNT
) -> QuerySet[Comment]:
    """A member's recent visible comments on stories readers can see, newest first."""
    live = Story.objects.published()
    return (
        Comment.objects.filter(
            author_id=author_id,
            status=Comment.Status.VISIBLE,
            deleted_at__isnull=True,
            story__in=live,
        )
        .select_related("story__channel", "story__section")
        .order_by("-created_at")[:limit]
    )
