from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Router

from masthead.accounts import selectors as accounts
from masthead.discussion import selectors as discussion
from masthead.discussion.models import Comment
from masthead.discussion.permissions import CommentPolicy

from .. import present
from ..problems import Problem
from ..schemas import Handle, ProfileOut
from .common import READ_ERRORS

router = Router(tags=["profiles"])
READER = CommentPolicy(viewer_id=None, is_member=False, is_moderator=False)


@router.get("/{handle}", response={200: ProfileOut, **READ_ERRORS}, url_name="profile_get")
def profile_get(request: HttpRequest, handle: Handle) -> dict[str, Any]:
    """A member's public profile, by handle (any letter case, with or without the @), with
    their newest visible comments, as on their profile page."""
    try:
        profile = accounts.profile_get_by_handle(handle.removeprefix("@"))
    except Http404:
        raise Problem(404, _("No member is called @%(handle)s.") % {"handle": handle}) from None
    comments = list(discussion.comment_list_by_author(author_id=profile.user_id))
    parents = Comment.objects.only("thread", "position").in_bulk(
        {c.parent_id for c in comments if c.parent_id}
    )
    items = []
    for comment in comments:
        comment.author = profile.user
        profile.user.profile = profile
        parent = parents.get(comment.parent_id) if comment.parent_id else None
        items.append(
            present.comment(request, comment, story=comment.story, policy=READER, parent=parent)
        )
    return {
        "handle": profile.handle,
        "display_name": profile.display_name,
        "bio": profile.bio,
        "url": present.absolute(request, profile.get_absolute_url()),
        "joined_at": profile.created_at,
        "comments": items,
    }
