"""Reads behind the comment section of a story page and a member's profile."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet
from django.shortcuts import get_object_or_404

from masthead.stories.models import Story

from .models import Comment, CommentReport
from .permissions import CommentPolicy

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
    "reaction_count",
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


def comment_page_for_story(
    *,
    story: Story,
    policy: CommentPolicy,
    after: tuple[int, int] | None,
    limit: int,
) -> tuple[list[Comment], dict[int, Comment], bool]:
    """Up to ``limit`` of the story's comments after number ``after`` (thread, position), in
    number order, as ``policy``'s viewer may know of them: a comment held for review or by a
    shadow-banned member only to its author and to moderators (as the story page shows them);
    the comments they answer by id (thread and position: their numbers); and whether more
    follow. Paged in the database, so a page costs its own rows, not the whole discussion."""
    rows = _for_display(Comment.objects.filter(story=story))
    if not policy.is_moderator:
        known = ~Q(status__in=Comment.PRIVATE_STATUSES)  # CommentPolicy.may_know, in SQL
        if policy.viewer_id is not None:
            known |= Q(author_id=policy.viewer_id)
        rows = rows.filter(known)
    if after is not None:
        thread, position = after
        rows = rows.filter(Q(thread__gt=thread) | Q(thread=thread, position__gt=position))
    found = list(rows.order_by("thread", "position")[: limit + 1])
    page, more = found[:limit], len(found) > limit
    answered = {c.parent_id for c in page if c.parent_id}
    parents = Comment.objects.only("pk", "thread", "position").in_bulk(answered)
    return page, parents, more


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


# --- the moderation queue ----------------------------------------------------------------------

QUEUE_PAGE = 50
QUEUE_TABS = ("pending", "reported", "hidden", "removed")
QUEUE_FIELDS = (
    *DISPLAY_FIELDS,
    "open_reports",
    "reported_at",
    "story__id",
    "story__public_id",
    "story__headline",
    "story__slug",
    "story__time_zone",
    "story__channel__id",
    "story__channel__slug",
    "story__channel__name",
    "story__section__id",
    "story__section__slug",
)


def _queue_scope(channel_id: int | None) -> QuerySet[Comment]:
    comments = Comment.objects.filter(deleted_at__isnull=True)
    if channel_id is None:
        return comments
    # The channel's stories as a subquery, not a join: the database walks the (status, id)
    # index in queue order and stops at a page, instead of joining every comment first.
    return comments.filter(story_id__in=Story.objects.filter(channel_id=channel_id).values("id"))


def queue(
    *, channel_id: int | None, tab: str, author_handle: str = "", before: int | None = None
) -> list[Comment]:
    """One page of a moderation queue, for a channel or (``channel_id`` None) the whole site.

    pending: comments waiting for review, oldest first (first come, first judged); reported
    (comments with open reports), hidden and removed: newest first. ``before`` continues from
    a comment id (keyset paging, so a long queue costs the same on every page).
    """
    comments = _queue_scope(channel_id)
    if tab == "pending":
        comments = comments.filter(status=Comment.Status.PENDING)
        order: tuple[str, ...] = ("id",)
    elif tab == "reported":
        comments = comments.filter(open_reports__gt=0)
        order = ("-id",)
    else:
        comments = comments.filter(status=tab)
        order = ("-id",)
    if author_handle:
        comments = comments.filter(author__profile__handle=author_handle.lstrip("@").lower())
    if before is not None:
        comments = (
            comments.filter(id__gt=before) if order == ("id",) else comments.filter(id__lt=before)
        )
    found = list(
        comments.select_related("author__profile", "story__channel", "story__section")
        .only(*QUEUE_FIELDS)
        .order_by(*order)[:QUEUE_PAGE]
    )
    return found


def queue_counts(*, channel_id: int | None) -> dict[str, int]:
    """How many comments wait in each tab: one query."""
    counts = _queue_scope(channel_id).aggregate(
        pending=Count("id", filter=Q(status=Comment.Status.PENDING)),
        reported=Count("id", filter=Q(open_reports__gt=0)),
        hidden=Count("id", filter=Q(status=Comment.Status.HIDDEN)),
        removed=Count("id", filter=Q(status=Comment.Status.REMOVED)),
    )
    return {tab: int(counts[tab]) for tab in QUEUE_TABS}


def report_reasons(comment_ids: list[int]) -> dict[int, list[tuple[str, str]]]:
    """The open reports' reasons and notes for each comment, without who reported."""
    reasons: dict[int, list[tuple[str, str]]] = {}
    for comment_id, reason, note in CommentReport.objects.filter(
        comment_id__in=comment_ids, resolved_at__isnull=True
    ).values_list("comment_id", "reason", "note"):
        label = str(CommentReport.Reason(reason).label)
        reasons.setdefault(comment_id, []).append((label, note))
    return reasons


def reacted_key(*, story_id: int, member_id: int) -> str:
    """The cache key of a member's reactions on a story (discussion.services drops it)."""
    return f"reacted:v1:{story_id}:{member_id}"


def reacted_comment_ids(*, story: Story, member_id: int | None) -> list[int]:
    """The comments of ``story`` the member has reacted to."""
    if member_id is None:
        return []
    from .models import Reaction

    return list(
        Reaction.objects.filter(member_id=member_id, story=story).values_list(
            "comment_id", flat=True
        )
    )


REPLIES_SHOWN = 20


def replies_to(*, member_id: int, limit: int = REPLIES_SHOWN) -> list[Comment]:
    """The newest visible replies others wrote to the member's comments, on live stories."""
    return list(
        Comment.objects.filter(
            parent__author_id=member_id,
            status=Comment.Status.VISIBLE,
            deleted_at__isnull=True,
            story__in=Story.objects.published(),
        )
        .exclude(author_id=member_id)
        .select_related("author__profile", "story__channel", "story__section", "parent")
        .order_by("-created_at")[:limit]
    )
