"""A story readers cannot see any more (withdrawn, back to draft) takes no reactions, reports
or edits to its comments, whichever page or program asks with whatever instance it loaded
before; its comments' authors may still delete theirs."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied

from masthead.discussion.models import Comment
from masthead.discussion.services import (
    comment_create,
    comment_delete,
    comment_edit,
    comment_report,
    reaction_set,
)
from masthead.stories.models import Story
from masthead.stories.services import story_unpublish, story_withdraw

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("closing", ["withdraw", "unpublish"])
def test_a_story_taken_from_readers_takes_nothing_more(
    story: Story, member: Any, other_member: Any, closing: str
) -> None:
    comment, _ = comment_create(actor=member, story=story, body="Said while it was up.")
    stale = Comment.objects.select_related("story").get(pk=comment.pk)  # a page read before
    if closing == "withdraw":
        story_withdraw(actor=None, story=story, reason="Wrong source.")
    else:
        story_unpublish(actor=None, story=story)
    assert stale.story.is_live()  # the instance still says it is up: the service must not ask it
    with pytest.raises(PermissionDenied, match="no longer published"):
        reaction_set(actor=other_member, comment=stale, reacted=True)
    with pytest.raises(PermissionDenied, match="no longer published"):
        comment_report(actor=other_member, comment=stale, reason="spam")
    with pytest.raises(PermissionDenied, match="no longer published"):
        comment_edit(actor=member, comment=stale, body="Changed after the fact.")
    fresh = Comment.objects.get(pk=comment.pk)
    assert fresh.reaction_count == 0 and fresh.open_reports == 0
    assert fresh.body_source == "Said while it was up."
    comment_delete(actor=member, comment=stale)
    assert Comment.objects.get(pk=comment.pk).is_deleted
