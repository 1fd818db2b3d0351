"""What every kind of comment write shares: the story's revision and cached pages, a
thread's first comment, and what the apps above are told after commit."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from masthead.core import pagecache
from masthead.stories import ranking
from masthead.stories.models import Story

from .. import signals
from ..models import Comment


def story_changed(story: Story, *, comments_delta: int = 0, **extra: Any) -> None:
    Story.objects.filter(pk=story.pk).update(
        revision=F("revision") + 1, comment_count=F("comment_count") + comments_delta, **extra
    )
    transaction.on_commit(lambda: pagecache.invalidate_story(story))


def engagement_changed(*story_ids: int) -> None:
    """What readers see of the stories' discussions changed (a comment shown or taken away, a
    reaction): their rank is recounted in this transaction, under their locks."""
    ranking.stories_rank_refresh(story_ids=story_ids)


def comment_locked(comment: Comment | int) -> Comment:
    """The comment's row as it is now, locked until the transaction ends (on SQLite the
    transaction already holds the database's write lock). Services check and change this,
    never the instance a view loaded before: two requests that race read one after the other.
    """
    pk = comment if isinstance(comment, int) else comment.pk
    return (
        Comment.objects.select_for_update(of=("self",))
        .select_related("story__channel", "story__section")
        .get(pk=pk)
    )


def check_story_open(comment: Comment) -> None:
    """A comment's story that readers cannot see (withdrawn, back to draft) takes no more
    reactions, reports or edits to its comments: checked on the locked row, so a withdrawal
    committed a moment ago counts. Deleting one's own comment stays possible."""
    if not comment.story.is_live():
        raise PermissionDenied(_("This story is no longer published: its discussion is closed."))


def counted(comment: Comment) -> bool:
    """Whether the comment is in its story's ``comment_count``: visible and not deleted."""
    return comment.status == Comment.Status.VISIBLE and not comment.is_deleted


def thread_head(story: Story, thread: int, *, lock: bool = False) -> Comment:
    comments = Comment.objects.select_for_update(of=("self",)) if lock else Comment.objects
    return comments.get(story=story, thread=thread, position=1)


def announce(comment: Comment) -> None:
    """Tell the apps above (notifications) after commit that readers can see the comment."""
    comment_id, parent_id, text = comment.pk, comment.parent_id, comment.body_source
    transaction.on_commit(
        lambda: signals.comment_visible.send(
            sender=Comment, comment_id=comment_id, parent_id=parent_id, text=text
        )
    )


def tell_author(comment: Comment, action: str) -> None:
    """Tell the apps above (notifications) after commit what a moderator did to a comment."""
    comment_id = comment.pk
    transaction.on_commit(
        lambda: signals.comment_moderated.send(sender=Comment, comment_id=comment_id, action=action)
    )
