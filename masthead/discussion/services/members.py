"""What a member's leaving does to the discussion: tombstones that keep their numbers."""

from __future__ import annotations

from django.db.models import F, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from masthead.accounts.models import User

from ..models import Comment, CommentReport, Reaction
from .common import engagement_changed, story_changed


def member_erase(*, member: User) -> int:
    """Before a member's account is deleted: their comments become tombstones of a deleted
    member (text gone, numbers kept), their reactions and open reports are taken back. Returns
    how many comments were erased. Runs inside the caller's transaction."""
    # Locked: a moderator's decision on one of them waits, so the counts below stay true.
    comments = list(
        Comment.objects.select_for_update(of=("self",))
        .filter(author=member)
        .select_related("story")
        .only("id", "status", "deleted_at", "story")
    )
    visible_by_story: dict[int, int] = {}
    for comment in comments:
        if comment.status == Comment.Status.VISIBLE and comment.deleted_at is None:
            visible_by_story[comment.story_id] = visible_by_story.get(comment.story_id, 0) + 1
    Comment.objects.filter(author=member).update(
        author=None,
        body_source="",
        body_html="",
        deleted_at=Coalesce(F("deleted_at"), Value(timezone.now())),
        client_token="",
    )
    # One reaction and one report per member and comment: each comment loses one of each.
    reacted = Reaction.objects.filter(member=member).values("comment_id")
    reacted_stories = set(Reaction.objects.filter(member=member).values_list("story_id", flat=True))
    Comment.objects.filter(pk__in=reacted, reaction_count__gt=0).update(
        reaction_count=F("reaction_count") - 1
    )
    Reaction.objects.filter(member=member).delete()
    reported = CommentReport.objects.filter(reporter=member, resolved_at__isnull=True)
    Comment.objects.filter(pk__in=reported.values("comment_id"), open_reports__gt=0).update(
        open_reports=F("open_reports") - 1
    )
    stories = {comment.story_id: comment.story for comment in comments}
    for story_id, story in stories.items():
        story_changed(story, comments_delta=-visible_by_story.get(story_id, 0))
    engagement_changed(*visible_by_story, *reacted_stories)
    return len(comments)
