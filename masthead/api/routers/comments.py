"""A story's comments, one comment, and every write to comments: each write calls the
service the site's own form calls (discussion/views.py), under the same rate limit scope."""

from __future__ import annotations

import re
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from masthead.accounts.models import User
from masthead.core import ratelimit
from masthead.core.numbers import whole_number
from masthead.discussion import selectors, services
from masthead.discussion.models import Comment
from masthead.discussion.permissions import CommentPolicy
from masthead.stories.models import Story
from masthead.stories.selectors import story_for_comment, story_version

from .. import cursors, present, representations
from ..auth import WRITE, viewer
from ..problems import Problem
from ..schemas import (
    COMMENT_LIMIT_MAX,
    CommentEditIn,
    CommentIn,
    CommentList,
    CommentOut,
    Id,
    PublicId,
    ReactionOut,
    ReportIn,
    ReportOut,
)
from .common import READ_ERRORS, WRITE_ERRORS, next_link
from .stories import GONE, story_or_404

router = Router(tags=["comments"])


class CommentPage(Schema):
    limit: int = Field(default=50, ge=1, le=COMMENT_LIMIT_MAX)
    cursor: str | None = Field(default=None, description="From the `next` link; opaque.")


@router.get(
    "/stories/{public_id}/comments",
    response={200: CommentList, **READ_ERRORS, GONE: READ_ERRORS[404]},
    url_name="comment_list",
)
def comment_list(
    request: HttpRequest, public_id: PublicId, page: Query[CommentPage]
) -> dict[str, Any] | HttpResponse:
    """The story's comments in number order (thread, then position), as the reader may see
    them: a removed comment keeps its place and number with its text withheld."""
    version = story_version(public_id)  # narrower than the story: all a kept answer needs
    if version:
        made = representations.story_comments(request, *version, params=page)
        if made is not None:
            return made
    story = story_or_404(public_id)
    policy = CommentPolicy.for_viewer(viewer(request), story.channel_id)
    after = None
    if page.cursor is not None:
        thread, position = cursors.decode(page.cursor, types=(int, int))
        after = (thread, position)
    batch, parents, more = selectors.comment_page_for_story(
        story=story, policy=policy, after=after, limit=page.limit
    )
    following = None
    if more:
        following = next_link(
            request, page, cursor=cursors.encode(batch[-1].thread, batch[-1].position)
        )
    items = [
        present.comment(
            request,
            c,
            story=story,
            policy=policy,
            parent=parents.get(c.parent_id) if c.parent_id else None,
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
    if not policy.may_know(found):
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


# --- writes: the site's services, under the site's rate limit scopes ---------------------------

NUMBER = re.compile(r"^(?:No\. ?)?(\d{1,10})-(\d{1,10})$")


def _member(request: HttpRequest) -> User:
    member: User = request.auth  # type: ignore[attr-defined]
    return member


def _parent_on(story: Story, parent: str | int | None) -> Comment | None:
    """The comment a reply answers, by number ("3-1") or id, on this story; 422 naming
    ``parent`` otherwise (the site's form says the same)."""
    if parent is None or parent == "":
        return None
    found: Comment | None = None
    comments = Comment.objects.select_related("author__profile").filter(story=story)
    text = str(parent).strip()
    number = NUMBER.match(text)
    if number is not None:
        thread, position = (int(g) for g in number.groups())
        found = comments.filter(thread=thread, position=position).first()
    elif (pk := whole_number(text)) is not None:
        found = comments.filter(pk=pk).first()
    if found is None:
        message = _("The comment you replied to is not on this story.")
        raise Problem(422, message, errors=[{"field": "parent", "message": message}])
    return found


@router.post(
    "/stories/{public_id}/comments",
    auth=WRITE,
    response={201: CommentOut, 200: CommentOut, **WRITE_ERRORS},
    url_name="comment_list",
)
def comment_post(
    request: HttpRequest, public_id: PublicId, payload: CommentIn
) -> Status[dict[str, Any]]:
    """Post a comment, or a reply (`parent`). Screened and numbered as on the site: it may
    come back `pending`, waiting for a moderator. 201 for a new comment; 200 with the first
    one for a repeated `client_token`."""
    member = _member(request)
    story = story_for_comment(public_id)
    if story is None or not story.is_live():
        raise Problem(404, _("No such story."))
    parent = _parent_on(story, payload.parent)
    ratelimit.check("comment", request=request, user_id=member.pk)
    comment, created = services.comment_create(
        actor=member,
        story=story,
        parent=parent,
        body=payload.body,
        client_token=payload.client_token,
    )
    policy = CommentPolicy.for_viewer(member, story.channel_id)
    shown = present.comment(request, comment, story=story, policy=policy, parent=parent)
    return Status(201 if created else 200, shown)


def _own_view(request: HttpRequest, comment: Comment, story: Story) -> dict[str, Any]:
    fresh = Comment.objects.select_related("author__profile").get(pk=comment.pk)
    policy = CommentPolicy.for_viewer(_member(request), story.channel_id)
    return present.comment(request, fresh, story=story, policy=policy, parent=_parent_of(fresh))


@router.patch("/comments/{comment_id}", auth=WRITE, response={200: CommentOut, **WRITE_ERRORS})
def comment_edit(request: HttpRequest, comment_id: Id, payload: CommentEditIn) -> dict[str, Any]:
    """Edit your comment, within the minutes the site allows; screened again like a new one
    (it may go back to `pending`)."""
    member = _member(request)
    comment, story, _policy = comment_or_404(comment_id, member)
    ratelimit.check("comment", request=request, user_id=member.pk)
    edited = services.comment_edit(actor=member, comment=comment, body=payload.body)
    return _own_view(request, edited, story)


@router.delete("/comments/{comment_id}", auth=WRITE, response={200: CommentOut, **WRITE_ERRORS})
def comment_delete(request: HttpRequest, comment_id: Id) -> dict[str, Any]:
    """Delete your comment: its text goes, its number stays in the thread."""
    member = _member(request)
    comment, story, _policy = comment_or_404(comment_id, member)
    ratelimit.check("comment", request=request, user_id=member.pk)
    deleted = services.comment_delete(actor=member, comment=comment)
    return _own_view(request, deleted, story)


def _react(request: HttpRequest, comment_id: int, reacted: bool) -> dict[str, Any]:
    member = _member(request)
    comment, _story, _policy = comment_or_404(comment_id, member)
    ratelimit.check("reaction", request=request, user_id=member.pk)
    now, count = services.reaction_set(actor=member, comment=comment, reacted=reacted)
    return {"reacted": now, "reaction_count": count}


@router.put(
    "/comments/{comment_id}/reaction",
    auth=WRITE,
    response={200: ReactionOut, **WRITE_ERRORS},
    url_name="comment_reaction",
)
def reaction_put(request: HttpRequest, comment_id: Id) -> dict[str, Any]:
    """React to a comment (once: asking again changes nothing)."""
    return _react(request, comment_id, True)


@router.delete(
    "/comments/{comment_id}/reaction", auth=WRITE, response={200: ReactionOut, **WRITE_ERRORS}
)
def reaction_delete(request: HttpRequest, comment_id: Id) -> dict[str, Any]:
    """Take your reaction back."""
    return _react(request, comment_id, False)


@router.post(
    "/comments/{comment_id}/reports",
    auth=WRITE,
    response={201: ReportOut, **WRITE_ERRORS},
    url_name="comment_reports",
)
def comment_report(
    request: HttpRequest, comment_id: Id, payload: ReportIn
) -> Status[dict[str, Any]]:
    """Report a comment to the channel's moderators; reporting it again updates your report.
    `other` needs a `note`."""
    member = _member(request)
    comment, _story, _policy = comment_or_404(comment_id, member)
    ratelimit.check("report", request=request, user_id=member.pk)
    services.comment_report(actor=member, comment=comment, reason=payload.reason, note=payload.note)
    return Status(201, {"reported": True})
