"""Writes for comments. Each public function checks the actor's right first, then writes.

Numbers are allocated under a lock on the story's row (SELECT ... FOR UPDATE on PostgreSQL;
on SQLite every write transaction already holds the database's single write lock, because
transactions begin IMMEDIATE). Everything that changes what a story page shows bumps the
story's revision and, after commit, drops its cached page.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
import zoneinfo
from typing import Any

from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import F, Field, Model, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from masthead.accounts.models import User
from masthead.core import pagecache
from masthead.core.sanitize import render_comment_markdown
from masthead.moderation import services as moderation
from masthead.stories.models import Story

from . import signals
from .models import COMMENT_EDIT_WINDOW, COMMENT_MAX_LENGTH, Comment, CommentReport, Reaction
from .permissions import CommentPolicy
from .selectors import reacted_key

CLIENT_TOKEN_MAX_LENGTH = 64


def _story_changed(story: Story, *, comments_delta: int = 0, **extra: Any) -> None:
    Story.objects.filter(pk=story.pk).update(
        revision=F("revision") + 1, comment_count=F("comment_count") + comments_delta, **extra
    )
    transaction.on_commit(lambda: pagecache.invalidate_story(story))


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
    if not story.comments_open:
        raise PermissionDenied(_("Comments on this story are closed."))
    closes = comments_close_at(story)
    if closes is not None and closes <= timezone.now():
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
        if created and comment.status == Comment.Status.VISIBLE and created_at is None:
            _announce(comment)
        return comment, created


def _announce(comment: Comment) -> None:
    """Tell the apps above (notifications) after commit that readers can see the comment."""
    comment_id, parent_id, text = comment.pk, comment.parent_id, comment.body_source
    transaction.on_commit(
        lambda: signals.comment_visible.send(
            sender=Comment, comment_id=comment_id, parent_id=parent_id, text=text
        )
    )


def _tell_author(comment: Comment, action: str) -> None:
    """Tell the apps above (notifications) after commit what a moderator did to a comment."""
    comment_id = comment.pk
    transaction.on_commit(
        lambda: signals.comment_moderated.send(sender=Comment, comment_id=comment_id, action=action)
    )


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
    if parent is None:
        thread, position = thread_count, 1
    else:
        parent = Comment.objects.get(pk=parent.pk)
        if parent.status != Comment.Status.VISIBLE or parent.is_deleted:
            raise ValidationError(_("That comment can no longer be replied to."), code="parent")
        if _thread_head(story, parent.thread).thread_locked:
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


@transaction.atomic
def comment_edit(*, actor: User, comment: Comment, body: str) -> Comment:
    policy = CommentPolicy.for_viewer(actor, comment.story.channel_id)
    if not policy.can_edit(comment):
        if policy.is_author(comment) and not comment.is_deleted:
            raise PermissionDenied(
                _("Comments can be edited for %(minutes)s minutes after posting.")
                % {"minutes": int(COMMENT_EDIT_WINDOW.total_seconds() // 60)}
            )
        raise PermissionDenied(_("You cannot edit this comment."))
    comment.body_source, comment.body_html = _render_body(body)
    comment.edited_at = timezone.now()
    comment.save(update_fields=["body_source", "body_html", "edited_at"])
    _story_changed(comment.story)
    return comment


@transaction.atomic
def comment_delete(*, actor: User, comment: Comment) -> Comment:
    """The author deletes their comment: its text goes, its number stays as a tombstone."""
    if comment.author_id != actor.pk:
        raise PermissionDenied(_("Only the author can delete a comment."))
    if comment.is_deleted:
        return comment
    was_counted = comment.status == Comment.Status.VISIBLE
    comment.deleted_at = timezone.now()
    comment.body_source = ""
    comment.body_html = ""
    comment.save(update_fields=["deleted_at", "body_source", "body_html"])
    _story_changed(comment.story, comments_delta=-1 if was_counted else 0)
    return comment


def _thread_head(story: Story, thread: int) -> Comment:
    return Comment.objects.get(story=story, thread=thread, position=1)


def _log(actor: User, role: str, comment: Comment, action: str, reason: str = "") -> None:
    story = comment.story
    moderation.log(
        actor=actor,
        role=role,
        channel=story.channel_id,
        action=action,
        target_user=comment.author_id,
        target=f"{comment.number} · {story.headline}",
        target_url=f"{story.get_absolute_url()}#{comment.anchor}",
        reason=reason,
    )


def _moderate(
    actor: User, comment: Comment, status: str, *, action: str, reason: str = ""
) -> Comment:
    role = moderation.require_moderator(actor, comment.story.channel)
    if comment.status == status and not (status == Comment.Status.REMOVED and reason):
        return comment
    delta = 0
    counted = comment.status == Comment.Status.VISIBLE and not comment.is_deleted
    if counted and status != Comment.Status.VISIBLE:
        delta = -1
    elif not counted and status == Comment.Status.VISIBLE and not comment.is_deleted:
        delta = 1
    announce = status == Comment.Status.VISIBLE and comment.status in {
        Comment.Status.PENDING,
        Comment.Status.SHADOW,
    }
    # The author hears of an approval after review and of a removal; never of a shadow
    # ban's end (they saw their comments all along) nor of a hide, which may be undone.
    tell = ""
    if status == Comment.Status.REMOVED:
        tell = "removed"
    elif status == Comment.Status.VISIBLE and comment.status == Comment.Status.PENDING:
        tell = "approved"
    comment.status = status
    comment.moderated_by = actor
    comment.moderated_at = timezone.now()
    comment.removed_reason = reason[: moderation.REASON_MAX] if status == "removed" else ""
    comment.open_reports, comment.reported_at = 0, None  # a decision settles the reports
    comment.save(
        update_fields=[
            "status",
            "moderated_by",
            "moderated_at",
            "removed_reason",
            "open_reports",
            "reported_at",
        ]
    )
    CommentReport.objects.filter(comment=comment, resolved_at__isnull=True).update(
        resolved_at=comment.moderated_at
    )
    _log(actor, role, comment, action, reason)
    _story_changed(comment.story, comments_delta=delta)
    if announce:
        _announce(comment)
    if tell and comment.author_id:
        _tell_author(comment, tell)
    return comment


@transaction.atomic
def comment_approve(*, actor: User, comment: Comment) -> Comment:
    """A comment waiting for review (or a shadow-banned member's) appears to everyone; a
    reported one is kept, and its reports dismissed."""
    if comment.status == Comment.Status.VISIBLE:
        role = moderation.require_moderator(actor, comment.story.channel)
        if comment.open_reports:
            Comment.objects.filter(pk=comment.pk).update(open_reports=0, reported_at=None)
            CommentReport.objects.filter(comment=comment, resolved_at__isnull=True).update(
                resolved_at=timezone.now()
            )
            comment.open_reports, comment.reported_at = 0, None
            _log(actor, role, comment, "keep")
        return comment
    return _moderate(actor, comment, Comment.Status.VISIBLE, action="approve")


@transaction.atomic
def comment_hide(*, actor: User, comment: Comment) -> Comment:
    return _moderate(actor, comment, Comment.Status.HIDDEN, action="hide")


@transaction.atomic
def comment_remove(*, actor: User, comment: Comment, reason: str) -> Comment:
    """Removed for good: readers see the reason in place of the text (moderators still see
    the text)."""
    reason = " ".join(reason.split())
    if not reason:
        raise ValidationError({"reason": _("Say why: readers see the reason in its place.")})
    return _moderate(actor, comment, Comment.Status.REMOVED, action="remove", reason=reason)


@transaction.atomic
def comment_restore(*, actor: User, comment: Comment) -> Comment:
    return _moderate(actor, comment, Comment.Status.VISIBLE, action="restore")


@transaction.atomic
def comment_feature(*, actor: User, comment: Comment, featured: bool = True) -> Comment:
    role = moderation.require_moderator(actor, comment.story.channel)
    if featured and (comment.status != Comment.Status.VISIBLE or comment.is_deleted):
        raise ValidationError(_("Only a visible comment can be featured."))
    if comment.featured != featured:
        comment.featured = featured
        comment.save(update_fields=["featured"])
        _log(actor, role, comment, "feature" if featured else "unfeature")
        _story_changed(comment.story)
        if featured and comment.author_id:
            _tell_author(comment, "featured")
    return comment


@transaction.atomic
def thread_lock(*, actor: User, comment: Comment, locked: bool = True) -> Comment:
    """Lock (or unlock) the thread ``comment`` is in: no more replies to any of it."""
    role = moderation.require_moderator(actor, comment.story.channel)
    head = _thread_head(comment.story, comment.thread)
    if head.thread_locked != locked:
        head.thread_locked = locked
        head.save(update_fields=["thread_locked"])
        head.story = comment.story
        _log(actor, role, head, "lock thread" if locked else "unlock thread")
        _story_changed(comment.story)
    return head


@transaction.atomic
def story_comments_close(
    *, actor: User, story: Story, at: dt.datetime | None = None, reopen: bool = False
) -> Story:
    """Close the story's comments now (``at`` None), schedule the closing, or reopen them."""
    role = moderation.require_moderator(actor, story.channel)
    when = ""
    if reopen:
        story.comments_open, story.comments_close_at, action = True, None, "reopen comments"
    elif at is None or at <= timezone.now():
        story.comments_open, action = False, "close comments"
    else:
        story.comments_close_at, action = at, "schedule closing"
        when = f"{timezone.localtime(at, zoneinfo.ZoneInfo(story.time_zone)):%Y-%m-%d %H:%M %Z}"
    Story.objects.filter(pk=story.pk).update(
        comments_open=story.comments_open, comments_close_at=story.comments_close_at
    )
    moderation.log(
        actor=actor,
        role=role,
        channel=story.channel_id,
        action=action,
        target=story.headline,
        target_url=story.get_absolute_url(),
        reason=when,
    )
    _story_changed(story)
    return story


@transaction.atomic
def comment_report(*, actor: User, comment: Comment, reason: str, note: str = "") -> CommentReport:
    """A member reports a comment; reporting it again updates the member's one report."""
    if not actor.is_authenticated or not actor.is_active:
        raise PermissionDenied(_("Log in to report a comment."))
    if comment.author_id == actor.pk:
        raise ValidationError(_("You cannot report your own comment."), code="own")
    if reason not in CommentReport.Reason.values:
        raise ValidationError({"reason": _("Choose a reason.")}, code="reason")
    note = note.strip()
    if reason == CommentReport.Reason.OTHER and not note:
        raise ValidationError({"note": _("Say what is wrong with this comment.")}, code="note")
    moderation.check_can_write(actor, comment.story.channel_id)
    earlier = CommentReport.objects.filter(comment=comment, reporter=actor).first()
    report, _created = CommentReport.objects.update_or_create(
        comment=comment,
        reporter=actor,
        defaults={"reason": reason, "note": note, "resolved_at": None},
    )
    report.full_clean()
    if earlier is None or earlier.resolved_at is not None:
        # One queue entry per comment however many report it: the comment counts its open
        # reports, incremented in one statement so concurrent reports all count.
        Comment.objects.filter(pk=comment.pk).update(
            open_reports=F("open_reports") + 1,
            reported_at=Coalesce(F("reported_at"), Value(timezone.now())),
        )
    return report


@transaction.atomic
def reaction_toggle(*, actor: User, comment: Comment) -> tuple[bool, int]:
    """The member reacts to a comment, or takes their reaction back. Returns (reacted, count).

    One reaction per member per comment (a unique constraint backs it); the count on the
    comment moves in the same statement-level increment, so concurrent reactions all count.
    """
    if not actor.is_authenticated or not actor.is_active:
        raise PermissionDenied(_("Log in to react."))
    if comment.author_id == actor.pk:
        raise ValidationError(_("You cannot react to your own comment."), code="own")
    if comment.status != Comment.Status.VISIBLE or comment.is_deleted:
        raise ValidationError(_("This comment takes no reactions."), code="status")
    moderation.check_can_write(actor, comment.story.channel_id)
    removed, _kinds = Reaction.objects.filter(comment=comment, member=actor).delete()
    if removed:
        delta, reacted = -1, False
    else:
        try:
            with transaction.atomic():
                Reaction.objects.create(comment=comment, member=actor, story_id=comment.story_id)
        except IntegrityError:  # the same member's other request got there first
            return True, Comment.objects.get(pk=comment.pk).reaction_count
        delta, reacted = 1, True
    Comment.objects.filter(pk=comment.pk).update(reaction_count=F("reaction_count") + delta)
    count = Comment.objects.values_list("reaction_count", flat=True).get(pk=comment.pk)
    key = reacted_key(story_id=comment.story_id, member_id=actor.pk)
    cache.delete(key)  # now, and again after commit (a page read in between cached the old)
    transaction.on_commit(lambda: cache.delete(key))
    _story_changed(comment.story)
    return reacted, count


def member_erase(*, member: User) -> int:
    """Before a member's account is deleted: their comments become tombstones of a deleted
    member (text gone, numbers kept), their reactions and open reports are taken back. Returns
    how many comments were erased. Runs inside the caller's transaction."""
    comments = list(
        Comment.objects.filter(author=member)
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
    Comment.objects.filter(pk__in=reacted).update(reaction_count=F("reaction_count") - 1)
    Reaction.objects.filter(member=member).delete()
    reported = CommentReport.objects.filter(reporter=member, resolved_at__isnull=True)
    Comment.objects.filter(pk__in=reported.values("comment_id"), open_reports__gt=0).update(
        open_reports=F("open_reports") - 1
    )
    stories = {comment.story_id: comment.story for comment in comments}
    for story_id, story in stories.items():
        _story_changed(story, comments_delta=-visible_by_story.get(story_id, 0))
    return len(comments)
