"""Moderators act on comments and stories (approve, hide, remove with a reason, restore,
feature, lock a thread, close comments), each action in the moderation log; members report
comments to them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from masthead.accounts.models import User
from masthead.core.timefmt import story_time
from masthead.moderation import services as moderation
from masthead.stories.models import Story

from ..models import Comment, CommentReport
from ..permissions import CommentPolicy
from .common import (
    announce,
    check_story_open,
    comment_locked,
    counted,
    engagement_changed,
    story_changed,
    tell_author,
    thread_head,
)


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
        story_id=story.pk,
        comment_id=comment.pk,
    )


Allowed = Callable[[CommentPolicy, Comment], bool]


def _as_moderator(actor: User, comment: Comment) -> tuple[Comment, str, CommentPolicy]:
    """Lock the comment, then check the actor moderates its channel: the fresh comment, the
    actor's role (for the log) and the policy that says what may be done to it."""
    fresh = comment_locked(comment)
    role = moderation.require_moderator(actor, fresh.story.channel)
    return fresh, role, CommentPolicy.for_moderator(actor)


def _moderate(
    actor: User,
    comment: Comment,
    status: str,
    *,
    action: str,
    allowed: Allowed,
    refusal: str,
    reason: str = "",
) -> Comment:
    """Move a comment to ``status``. The comment is re-read under a lock and every decision
    (whether anything changes, the change to the story's count, whom to tell) is taken from
    that row: a double click, or two moderators at once, change it once."""
    comment, role, policy = _as_moderator(actor, comment)
    new_reason = reason[: moderation.REASON_MAX] if status == Comment.Status.REMOVED else ""
    if comment.status == status and comment.removed_reason == new_reason:
        return comment  # already done: by this request's twin, or another moderator
    if not allowed(policy, comment):
        raise ValidationError(refusal, code="state")
    before = comment.status
    was_counted = counted(comment)
    comment.status = status
    comment.moderated_by = actor
    comment.moderated_at = timezone.now()
    comment.removed_reason = new_reason
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
    story_changed(comment.story, comments_delta=int(counted(comment)) - int(was_counted))
    if counted(comment) != was_counted:
        engagement_changed(comment.story_id)
    if status == Comment.Status.VISIBLE and before in {
        Comment.Status.PENDING,
        Comment.Status.SHADOW,
    }:
        announce(comment)
    # The author hears of an approval after review and of a removal; never of a shadow
    # ban's end (they saw their comments all along) nor of a hide, which may be undone.
    if comment.author_id and status == Comment.Status.REMOVED and before != status:
        tell_author(comment, "removed")
    elif (
        comment.author_id and status == Comment.Status.VISIBLE and before == Comment.Status.PENDING
    ):
        tell_author(comment, "approved")
    return comment


@transaction.atomic
def comment_approve(*, actor: User, comment: Comment) -> Comment:
    """A comment waiting for review (or a shadow-banned member's) appears to everyone; a
    reported one is kept, and its reports dismissed."""
    fresh, role, policy = _as_moderator(actor, comment)
    if fresh.status != Comment.Status.VISIBLE:
        return _moderate(
            actor,
            fresh,
            Comment.Status.VISIBLE,
            action="approve",
            allowed=CommentPolicy.can_approve,
            refusal=_("Only a comment waiting for review can be approved."),
        )
    if policy.can_keep(fresh):
        Comment.objects.filter(pk=fresh.pk).update(open_reports=0, reported_at=None)
        CommentReport.objects.filter(comment=fresh, resolved_at__isnull=True).update(
            resolved_at=timezone.now()
        )
        fresh.open_reports, fresh.reported_at = 0, None
        _log(actor, role, fresh, "keep")
    return fresh


@transaction.atomic
def comment_hide(*, actor: User, comment: Comment) -> Comment:
    return _moderate(
        actor,
        comment,
        Comment.Status.HIDDEN,
        action="hide",
        allowed=CommentPolicy.can_hide,
        refusal=_("Only a visible comment, or one waiting for review, can be hidden."),
    )


@transaction.atomic
def comment_remove(*, actor: User, comment: Comment, reason: str) -> Comment:
    """Removed for good: readers see the reason in place of the text (moderators still see
    the text)."""
    reason = " ".join(reason.split())
    if not reason:
        raise ValidationError({"reason": _("Say why: readers see the reason in its place.")})
    return _moderate(
        actor,
        comment,
        Comment.Status.REMOVED,
        action="remove",
        allowed=CommentPolicy.can_remove,
        refusal=_("A deleted comment has nothing left to remove."),
        reason=reason,
    )


@transaction.atomic
def comment_restore(*, actor: User, comment: Comment) -> Comment:
    return _moderate(
        actor,
        comment,
        Comment.Status.VISIBLE,
        action="restore",
        allowed=CommentPolicy.can_restore,
        refusal=_("Only a hidden or removed comment can be restored."),
    )


@transaction.atomic
def comment_feature(*, actor: User, comment: Comment, featured: bool = True) -> Comment:
    fresh, role, policy = _as_moderator(actor, comment)
    if fresh.featured == featured:
        return fresh
    if featured and not policy.can_feature(fresh):
        raise ValidationError(_("Only a visible comment can be featured."), code="state")
    fresh.featured = featured
    fresh.save(update_fields=["featured"])
    _log(actor, role, fresh, "feature" if featured else "unfeature")
    story_changed(fresh.story)
    if featured and fresh.author_id:
        tell_author(fresh, "featured")
    return fresh


@transaction.atomic
def thread_lock(*, actor: User, comment: Comment, locked: bool = True) -> Comment:
    """Lock (or unlock) the thread ``comment`` is in: no more replies to any of it."""
    fresh, role, policy = _as_moderator(actor, comment)
    if not policy.can_lock(fresh):
        raise PermissionDenied(_("Only the channel's moderators can do this."))
    head = thread_head(fresh.story, fresh.thread, lock=True)
    if head.thread_locked != locked:
        head.thread_locked = locked
        head.save(update_fields=["thread_locked"])
        head.story = fresh.story
        _log(actor, role, head, "lock thread" if locked else "unlock thread")
        story_changed(fresh.story)
    return head


@transaction.atomic
def story_comments_close(
    *, actor: User, story: Story, at: dt.datetime | None = None, reopen: bool = False
) -> Story:
    """Close the story's comments now (``at`` None), schedule the closing, or reopen them."""
    story = Story.objects.select_for_update(of=("self",)).select_related("channel").get(pk=story.pk)
    role = moderation.require_moderator(actor, story.channel)
    when = ""
    if reopen:
        if story.comments_open and story.comments_close_at is None:
            return story
        story.comments_open, story.comments_close_at, action = True, None, "reopen comments"
    elif at is None or at <= timezone.now():
        if not story.comments_open:
            return story
        story.comments_open, action = False, "close comments"
    else:
        if story.comments_close_at == at:
            return story
        story.comments_close_at, action = at, "schedule closing"
        when = story_time(at, story.time_zone)
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
        story_id=story.pk,
    )
    story_changed(story)
    return story


@transaction.atomic
def comment_report(*, actor: User, comment: Comment, reason: str, note: str = "") -> CommentReport:
    """A member reports a comment; reporting it again updates the member's one report."""
    if not actor.is_authenticated or not actor.is_active:
        raise PermissionDenied(_("Log in to report a comment."))
    if reason not in CommentReport.Reason.values:
        raise ValidationError({"reason": _("Choose a reason.")}, code="reason")
    note = note.strip()
    if reason == CommentReport.Reason.OTHER and not note:
        raise ValidationError({"note": _("Say what is wrong with this comment.")}, code="note")
    comment = comment_locked(comment)  # concurrent reports of one comment count one by one
    check_story_open(comment)
    if comment.author_id == actor.pk:
        raise ValidationError(_("You cannot report your own comment."), code="own")
    if not CommentPolicy.for_viewer(actor, comment.story.channel_id).can_report(comment):
        raise ValidationError(_("This comment can no longer be reported."), code="state")
    moderation.check_can_write(actor, comment.story.channel_id)
    report = CommentReport.objects.filter(comment=comment, reporter=actor).first()
    opens = report is None or report.resolved_at is not None  # not already in the queue
    if report is None:
        report = CommentReport(comment=comment, reporter=actor)
    report.reason, report.note, report.resolved_at = reason, note, None
    report.full_clean()
    report.save()
    if opens:
        # One queue entry per comment however many report it: the comment counts its open
        # reports.
        Comment.objects.filter(pk=comment.pk).update(
            open_reports=F("open_reports") + 1,
            reported_at=Coalesce(F("reported_at"), Value(timezone.now())),
        )
    return report
