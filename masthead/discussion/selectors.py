"""Reads behind the comment section of a story page and a member's profile."""

from __future__ import annotations

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from masthead.stories.models import Story

from .models import Comment

PROFILE_COMMENTS_COUNT = 20
DISPLAY_FIELDS = (
    "id",
    "story_id",
    "author_id",
    "parent_id",
    "thread",
    "position",
    "body_html",
    "status",
    "created_at",
    "edited_at",
    "deleted_at",
    "removed_reason",
    "held_reason",
    "featured",
    "thread_locked",
    "author__id",
    "author__profile__user_id",
    "author__profile__handle",
    "author__profile__display_name",
)


def comment_list_for_story(*, story: Story) -> list[Comment]:
    """Every comment of the story in number order, with what the page shows of each; the
    number of the comment it answers is set on replies to a reply (``reply_to``).

    One query whatever the number of comments. Who may see which is the caller's to decide.
    """
    comments = list(
        _for_display(Comment.objects.filter(story=story)).order_by("thread", "position")
    )
    by_id = {comment.pk: comment for comment in comments}
    locked = {c.thread for c in comments if c.position == 1 and c.thread_locked}
    for comment in comments:
        comment.in_locked_thread = comment.thread in locked  # type: ignore[attr-defined]
        parent = by_id.get(comment.parent_id) if comment.parent_id else None
        comment.reply_to = parent if parent is not None and parent.position > 1 else None  # type: ignore[attr-defined]
    return comments


def _for_display(comments: QuerySet[Comment]) -> QuerySet[Comment]:
    """Only what a rendered comment shows: no author's password hash, no e-mail address."""
    return comments.select_related("author__profile").only(*DISPLAY_FIELDS)


def comment_list_own(
    *, story: Story, author_id: int | None, locked_threads: frozenset[int] = frozenset()
) -> list[Comment]:
    """A member's comments on a story, with the numbers of the comments they answer."""
    if author_id is None:
        return []
    own = list(
        _for_display(Comment.objects.filter(story=story, author_id=author_id))
        .select_related("parent")
        .only(*DISPLAY_FIELDS, "parent__thread", "parent__position")
    )
    for comment in own:
        comment.in_locked_thread = comment.thread in locked_threads  # type: ignore[attr-defined]
        parent = comment.parent if comment.parent_id else None
        comment.reply_to = parent if parent is not None and parent.position > 1 else None  # type: ignore[attr-defined]
    return own


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
