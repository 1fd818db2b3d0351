"""Moderators act on comments and stories (approve, hide, remove with a reason, restore,
feature, lock a thread, close comments), each action in the moderation log; members report
comments to them."""

from __future__ import annotations

import datetime as dt
import zoneinfo

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from masthead.accounts.models import User
from masthead.moderation import services as moderation
from masthead.stories.models import Story

from ..models import Comment, CommentReport
from .common import announce, story_changed, tell_author, thread_head


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
    now_visible = status == Comment.Status.VISIBLE and comment.status in {
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
    story_changed(comment.story, comments_delta=delta)
    if now_visible:
        announce(comment)
    if tell and comment.author_id:
        tell_author(comment, tell)
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
        story_changed(comment.story)
        if featured and comment.author_id:
            tell_author(comment, "featured")
    return comment


@transaction.atomic
def thread_lock(*, actor: User, comment: Comment, locked: bool = True) -> Comment:
    """Lock (or unlock) the thread ``comment`` is in: no more replies to any of it."""
    role = moderation.require_moderator(actor, comment.story.channel)
    head = thread_head(comment.story, comment.thread)
    if head.thread_locked != locked:
        head.thread_locked = locked
        head.save(update_fields=["thread_locked"])
        head.story = comment.story
        _log(actor, role, head, "lock thread" if locked else "unlock thread")
        story_changed(comment.story)
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
    story_changed(story)
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
