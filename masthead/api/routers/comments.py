"""A story's comments, one comment, and every write to comments: each write calls the
service the site's own form calls (discussion/views.py), under the same rate limit scope."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from masthead.discussion import selectors
from masthead.discussion.models import Comment
from masthead.discussion.permissions import CommentPolicy
from masthead.stories.models import Story

from .. import cursors, present
from ..auth import viewer
from ..problems import Problem
from ..schemas import LIST_LIMIT_MAX, CommentList, CommentOut, Id, PublicId
from .common import READ_ERRORS, next_link
from .stories import GONE, story_or_404

router = Router(tags=["comments"])
PRIVATE = {Comment.Status.PENDING, Comment.Status.SHADOW}  # their author's and moderators'


class CommentPage(Schema):
    limit: int = Field(default=50, ge=1, le=LIST_LIMIT_MAX)
    cursor: str | None = Field(default=None, description="From the `next` link; opaque.")


def may_see(comment: Comment, policy: CommentPolicy) -> bool:
    """Whether the comment is in the viewer's thread at all, as on the story page: held and
    shadow comments reach their author and moderators only (discussion/rendering.py)."""
    return policy.is_moderator or comment.status not in PRIVATE or policy.is_author(comment)


@router.get(
    "/stories/{public_id}/comments",
    response={200: CommentList, **READ_ERRORS, GONE: READ_ERRORS[404]},
    url_name="comment_list",
)
def comment_list(
    request: HttpRequest, public_id: PublicId, page: Query[CommentPage]
) -> dict[str, Any]:
    """The story's comments in number order (thread, then position), as the reader may see
    them: a removed comment keeps its place and number with its text withheld."""
    story = story_or_404(public_id)
    policy = CommentPolicy.for_viewer(viewer(request), story.channel_id)
    everyone = selectors.comment_list_for_story(story=story)
    by_id = {c.pk: c for c in everyone}
    shown = [c for c in everyone if may_see(c, policy)]
    if page.cursor is not None:
        thread, position = cursors.decode(page.cursor, types=(int, int))
        shown = [c for c in shown if (c.thread, c.position) > (thread, position)]
    batch = shown[: page.limit]
    following = None
    if len(shown) > page.limit:
        following = next_link(request, cursor=cursors.encode(batch[-1].thread, batch[-1].position))
    items = [
        present.comment(
            request,
            c,
            story=story,
            policy=policy,
            parent=by_id.get(c.parent_id) if c.parent_id else None,
        )
        for c in batch
    ]
    return {"items": items, "next": following}


def comment_or_404(pk: int, policy_for: Any) -> tuple[Comment, Story, CommentPolicy]:
    """The comment and its live story, and the viewer's policy there; 404 for a comment the
    viewer may not know of (held for review, on a story readers cannot see)."""
    found = (
        Comment.objects.select_related("story__channel", "story__section", "author__profile")
        .filter(pk=pk)
        .first()
    )
    if found is None or not found.story.is_live():
        raise Problem(404, _("No such comment."))
    policy = CommentPolicy.for_viewer(policy_for, found.story.channel_id)
    if not may_see(found, policy):
        raise Problem(404, _("No such comment."))
    return found, found.story, policy


def _parent_of(comment: Comment) -> Comment | None:
    if comment.parent_id is None:
        return None
    return Comment.objects.only("thread", "position").filter(pk=comment.parent_id).first()


@router.get("/comments/{comment_id}", response={200: CommentOut, **READ_ERRORS})
def comment_get(request: HttpRequest, comment_id: Id) -> dict[str, Any]:
    """One comment by its id."""
    found, story, policy = comment_or_404(comment_id, viewer(request))
    return present.comment(request, found, story=story, policy=policy, parent=_parent_of(found))
