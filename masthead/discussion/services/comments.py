"""Members write comments: posting (numbered under a lock on the story's row), editing
within the window, deleting (a tombstone keeps the number)."""

from __future__ import annotations

import datetime as dt
import unicodedata

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Field, Model
from django.utils import timezone
from django.utils.translation import gettext as _

from masthead.accounts.models import User
from masthead.core import pagecache
from masthead.core.sanitize import render_comment_markdown
from masthead.moderation import services as moderation
from masthead.stories.models import Story

from ..models import COMMENT_EDIT_WINDOW, COMMENT_MAX_LENGTH, Comment
from ..permissions import CommentPolicy
from .common import (
    announce,
    check_story_open,
    comment_locked,
    counted,
    engagement_changed,
    story_changed,
    thread_head,
)

CLIENT_TOKEN_MAX_LENGTH = 64


def _column(model: type[Model], name: str) -> str:
    field = model._meta.get_field(name)
    if not isinstance(field, Field) or not field.column:
        raise TypeError(f"{model.__name__}.{name} has no column")
    return connection.ops.quote_name(field.column)


def _story_count_comment(story: Story, *, new_thread: bool, visible: bool = True) -> int:
    """Count a new visible comment on the story (and a new thread, for a first comment) and
    return the story's thread count. The UPDATE takes the story's row lock (on SQLite, the
    database's write lock) until the transaction ends: every numbering of the story's comments
    queues behind it. One statement, where SELECT ... FOR UPDATE and UPDATE would be two.
    """
    q = connection.ops.quote_name
    column = {
        name: _column(Story, name) for name in ("id", "revision", "comment_count", "thread_count")
    }
    counts = [
        "revision",
        *(["comment_count"] if visible else []),
        *(["thread_count"] if new_thread else []),
    ]
    assignments = ", ".join(f"{column[name]} = {column[name]} + 1" for name in counts)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {q(Story._meta.db_table)} SET {assignments} "  # noqa: S608 - identifiers from the model
            f"WHERE {column['id']} = %s RETURNING {column['thread_count']}",
            [story.pk],
        )
        (thread_count,) = cursor.fetchone()
    transaction.on_commit(lambda: pagecache.invalidate_story(story))
    return int(thread_count)


def _thread_count_reply(story: Story, thread: int) -> int:
    """Allocate the next position in ``thread``; the caller holds the story's lock."""
    q = connection.ops.quote_name
    size = _column(Comment, "thread_size")
    story_id, thread_column = _column(Comment, "story"), _column(Comment, "thread")
    position = _column(Comment, "position")
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {q(Comment._meta.db_table)} SET {size} = {size} + 1 "  # noqa: S608 - identifiers from the model
            f"WHERE {story_id} = %s AND {thread_column} = %s AND {position} = 1 "
            f"RETURNING {size}",
            [story.pk, thread],
        )
        (allocated,) = cursor.fetchone()
    return int(allocated)


def _visible(ch: str) -> bool:
    # Spaces, zero-width and control characters make no visible comment on their own.
    return not ch.isspace() and unicodedata.category(ch) not in {"Cf", "Cc", "Zs", "Zl", "Zp"}


def _render_body(body: str) -> tuple[str, str]:
    body = body.strip()
    if not body:
        raise ValidationError({"body": _("Write something before posting.")}, code="empty")
    if len(body) > COMMENT_MAX_LENGTH:
        raise ValidationError(
            {
                "body": _("A comment is at most %(max)s characters; this one has %(count)s.")
                % {"max": COMMENT_MAX_LENGTH, "count": len(body)}
            },
            code="too_long",
        )
    if not any(_visible(ch) for ch in body):
        raise ValidationError({"body": _("This comment has no visible text.")}, code="empty")
    html = render_comment_markdown(body)
    return body, html


def _save(comment: Comment, created_at: dt.datetime | None) -> None:
    comment.save()
    if created_at is not None:
        Comment.objects.filter(pk=comment.pk).update(created_at=created_at)
        comment.created_at = created_at


def comments_close_at(story: Story) -> dt.datetime | None:
    """When the story's comments close on their own: its own time, else the channel's rule."""
    if story.comments_close_at is not None:
        return story.comments_close_at
    days = moderation.rules_for(story.channel_id).close_after_days
    if days and story.published_at is not None:
        return story.published_at + dt.timedelta(days=days)
    return None


def comments_closed(story: Story) -> bool:
    closes = comments_close_at(story)
    return not story.comments_open or (closes is not None and closes <= timezone.now())


def check_can_comment(actor: User, story: Story) -> None:
    if not actor.is_authenticated or not actor.is_active:
        raise PermissionDenied(_("Log in to comment."))
    # The profile came with the member (accounts.backends); otherwise this is one query.
    if not hasattr(actor, "profile"):
        raise PermissionDenied(_("Choose a handle and display name before commenting."))
    if not story.is_live():
        raise PermissionDenied(_("This story is not open for comments."))
    if comments_closed(story):
        raise PermissionDenied(_("Comments on this story are closed."))


def comment_create(
    *,
    actor: User,
    story: Story,
    body: str,
    parent: Comment | None = None,
    client_token: str = "",
    created_at: dt.datetime | None = None,
) -> tuple[Comment, bool]:
    """Post a comment or a reply. Returns (comment, created); a resubmitted form (same
    ``client_token``) returns the comment the first submission made, with created False.

    ``created_at`` is for importers and the demo, which bring comments with their own time.
    Checking and rendering happen before the transaction: the write lock is held only for
    numbering and inserting.
    """
    check_can_comment(actor, story)
    source, html = _render_body(body)
    client_token = client_token[:CLIENT_TOKEN_MAX_LENGTH]
    if parent is not None and parent.story_id != story.pk:
        raise ValidationError(_("That comment belongs to another story."), code="parent")
    screening = moderation.screen(
        author=actor,
        channel_id=story.channel_id,
        text=source,
        history=lambda n: _recent_decisions(actor, story.channel_id, n),
    )
    with transaction.atomic():
        comment, created = _comment_insert(
            actor=actor,
            story=story,
            parent=parent,
            source=source,
            html=html,
            client_token=client_token,
            created_at=created_at,
            screening=screening,
        )
        if created and comment.status == Comment.Status.VISIBLE:
            engagement_changed(story.pk)
            if created_at is None:
                announce(comment)
        return comment, created


def _recent_decisions(author: User, channel_id: int, count: int) -> list[bool]:
    """The author's last ``count`` decided comments in the channel, True where approved."""
    decided = (
        Comment.objects.filter(
            author=author,
            story__channel_id=channel_id,
            status__in=(Comment.Status.VISIBLE, Comment.Status.HIDDEN, Comment.Status.REMOVED),
            deleted_at__isnull=True,
        )
        .order_by("-created_at")
        .values_list("status", flat=True)[:count]
    )
    return [status == Comment.Status.VISIBLE for status in decided]


def _comment_insert(
    *,
    actor: User,
    story: Story,
    parent: Comment | None,
    source: str,
    html: str,
    client_token: str,
    created_at: dt.datetime | None,
    screening: moderation.Screening,
) -> tuple[Comment, bool]:
    visible = screening.status == Comment.Status.VISIBLE
    thread_count = _story_count_comment(story, new_thread=parent is None, visible=visible)
    if client_token:
        earlier = Comment.objects.filter(author=actor, client_token=client_token).first()
        if earlier is not None:
            transaction.set_rollback(True)  # the count above was for a comment not made
            return earlier, False
    # The story as it is now, under its lock: withdrawn or closed since the view read it.
    check_can_comment(actor, Story.objects.get(pk=story.pk))
    moderation.check_can_write(actor, story.channel_id, fresh=True)  # a ban given meanwhile
    if parent is None:
        thread, position = thread_count, 1
    else:
        parent = Comment.objects.get(pk=parent.pk)
        if parent.status != Comment.Status.VISIBLE or parent.is_deleted:
            raise ValidationError(_("That comment can no longer be replied to."), code="parent")
        if thread_head(story, parent.thread).thread_locked:
            raise PermissionDenied(_("This thread is locked: it takes no more replies."))
        thread, position = parent.thread, _thread_count_reply(story, parent.thread)

    comment = Comment(
        story=story,
        author=actor,
        parent=parent,
        thread=thread,
        position=position,
        body_source=source,
        body_html=html,
        client_token=client_token,
        status=screening.status,
        held_reason=screening.reason[:300],
    )
    if not client_token:
        _save(comment, created_at)
        return comment, True
    try:
        with transaction.atomic():  # a savepoint: a duplicate token must not end the transaction
            _save(comment, created_at)
    except IntegrityError:
        # Only a duplicate token can collide here: numbers are allocated under the lock.
        earlier = Comment.objects.filter(author=actor, client_token=client_token).first()
        if earlier is None:
            raise
        transaction.set_rollback(True)
        return earlier, False
    return comment, True


def check_can_edit(actor: User, comment: Comment) -> None:
    """Refuse, with the reason, an edit the actor may not make to the comment."""
    policy = CommentPolicy.for_viewer(actor, comment.story.channel_id)
    if policy.can_edit(comment):
        return
    if policy.is_author(comment) and not comment.is_deleted and policy.within_edit_window(comment):
        raise PermissionDenied(_("A comment waiting for review or taken down cannot be edited."))
    if policy.is_author(comment) and not comment.is_deleted:
        raise PermissionDenied(
            _("Comments can be edited for %(minutes)s minutes after posting.")
            % {"minutes": int(COMMENT_EDIT_WINDOW.total_seconds() // 60)}
        )
    raise PermissionDenied(
        _("Only its author can edit a comment, in the first minutes after posting.")
    )


def comment_edit(*, actor: User, comment: Comment, body: str) -> Comment:
    """The author rewrites their comment within the edit window. The new text is screened as
    a new comment is (bans, word lists, the scorer, pre-moderation): what would have been
    refused is refused, and an edit that would have waited for review goes back to the queue.
    """
    source, html = _render_body(body)
    check_can_edit(actor, comment)
    channel_id = comment.story.channel_id
    screening = moderation.screen(
        author=actor,
        channel_id=channel_id,
        text=source,
        history=lambda n: _recent_decisions(actor, channel_id, n),
    )
    with transaction.atomic():
        comment = comment_locked(comment)
        check_story_open(comment)
        check_can_edit(actor, comment)  # again, on the row as it is now
        moderation.check_can_write(actor, channel_id, fresh=True)  # and a ban given meanwhile
        was_counted = counted(comment)
        if comment.status == Comment.Status.VISIBLE and screening.status != comment.status:
            comment.status = screening.status
            # The queue says what changed: an approved comment, edited since.
            comment.held_reason = (
                _("edited after it was shown: %(reason)s") % {"reason": screening.reason}
            )[:300]
        comment.body_source, comment.body_html = source, html
        comment.edited_at = timezone.now()
        comment.save(
            update_fields=["body_source", "body_html", "edited_at", "status", "held_reason"]
        )
        story_changed(comment.story, comments_delta=int(counted(comment)) - int(was_counted))
        if counted(comment) != was_counted:
            engagement_changed(comment.story_id)
    return comment


@transaction.atomic
def comment_delete(*, actor: User, comment: Comment) -> Comment:
    """The author deletes their comment: its text goes, its number stays as a tombstone."""
    comment = comment_locked(comment)
    if comment.author_id != actor.pk:
        raise PermissionDenied(_("Only the author can delete a comment."))
    if comment.is_deleted:
        return comment  # deleted already: by this request's twin
    was_counted = counted(comment)
    comment.deleted_at = timezone.now()
    comment.body_source = ""
    comment.body_html = ""
    comment.save(update_fields=["deleted_at", "body_source", "body_html"])
    story_changed(comment.story, comments_delta=-1 if was_counted else 0)
    if was_counted:
        engagement_changed(comment.story_id)
    return comment
