"""Who may do what to a comment, decided without a query per comment.

A story page asks these questions for every comment it shows; the moderator question is
answered once per page (``CommentPolicy.for_viewer``) and the rest is arithmetic.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from masthead.channels.selectors import can_moderate

from .models import COMMENT_EDIT_WINDOW, Comment


@dataclass(frozen=True)
class CommentPolicy:
    viewer_id: int | None
    is_member: bool
    is_moderator: bool
    now: dt.datetime = field(default_factory=timezone.now)

    @classmethod
    def for_viewer(cls, viewer: Any, channel_id: int) -> CommentPolicy:
        member = bool(getattr(viewer, "is_authenticated", False) and viewer.is_active)
        return cls(
            viewer_id=viewer.pk if member else None,
            is_member=member,
            is_moderator=member and can_moderate(viewer, channel_id),
        )

    @classmethod
    def for_moderator(cls, viewer: Any) -> CommentPolicy:
        """The policy of a viewer already known to moderate the channel (the moderation
        services asked ``moderation.require_moderator``, which names their role for the log)."""
        return cls(viewer_id=viewer.pk, is_member=True, is_moderator=True)

    def is_author(self, comment: Comment) -> bool:
        return self.viewer_id is not None and comment.author_id == self.viewer_id

    def may_know(self, comment: Comment) -> bool:
        """Whether the comment is in the viewer's discussion at all: one held for review or by
        a shadow-banned member reaches its author and moderators only."""
        private = comment.status in Comment.PRIVATE_STATUSES
        return self.is_moderator or not private or self.is_author(comment)

    def status_shown(self, comment: Comment) -> str:
        """The status the viewer sees: a shadow-banned member's comment looks visible to
        everyone but moderators (to its author above all)."""
        if comment.status == Comment.Status.SHADOW and not self.is_moderator:
            return str(Comment.Status.VISIBLE)
        return str(comment.status)

    def within_edit_window(self, comment: Comment) -> bool:
        return self.now - comment.created_at <= COMMENT_EDIT_WINDOW

    def can_reply(self, comment: Comment) -> bool:
        return (
            self.is_member
            and comment.status == Comment.Status.VISIBLE
            and not comment.is_deleted
            and not getattr(comment, "in_locked_thread", False)
        )

    def can_react(self, comment: Comment) -> bool:
        return (
            self.is_member
            and not self.is_author(comment)
            and comment.status == Comment.Status.VISIBLE
            and not comment.is_deleted
        )

    def can_approve(self, comment: Comment) -> bool:
        return (
            self.is_moderator
            and comment.status in {Comment.Status.PENDING, Comment.Status.SHADOW}
            and not comment.is_deleted
        )

    def can_keep(self, comment: Comment) -> bool:
        """Keep a reported comment as it is: its reports are dismissed."""
        return (
            self.is_moderator
            and comment.status == Comment.Status.VISIBLE
            and bool(comment.open_reports)
        )

    def can_remove(self, comment: Comment) -> bool:
        return self.is_moderator and not comment.is_deleted

    def can_feature(self, comment: Comment) -> bool:
        return (
            self.is_moderator
            and comment.status == Comment.Status.VISIBLE
            and not comment.is_deleted
        )

    def can_edit(self, comment: Comment) -> bool:
        """Only the author edits, within the window. Moderators never rewrite a member's
        words: they hide or remove with a reason (docs/decisions/0009-moderators-do-not-edit.md).
        A shadow-banned author edits as anyone would: their comments look visible to them."""
        return (
            self.is_author(comment)
            and not comment.is_deleted
            and comment.status in {Comment.Status.VISIBLE, Comment.Status.SHADOW}
            and self.within_edit_window(comment)
        )

    def can_delete(self, comment: Comment) -> bool:
        return self.is_author(comment) and not comment.is_deleted

    def can_hide(self, comment: Comment) -> bool:
        """Hide a visible comment, or one waiting for review (turned down without a reason
        shown; removal shows one)."""
        return (
            self.is_moderator
            and comment.status in {Comment.Status.VISIBLE, Comment.Status.PENDING}
            and not comment.is_deleted
        )

    def can_unfeature(self, comment: Comment) -> bool:
        return self.is_moderator and comment.featured

    def can_lock(self, comment: Comment) -> bool:
        """Lock or unlock the thread the comment is in."""
        return self.is_moderator

    def can_restore(self, comment: Comment) -> bool:
        return self.is_moderator and comment.status in {
            Comment.Status.HIDDEN,
            Comment.Status.REMOVED,
        }

    def can_report(self, comment: Comment) -> bool:
        return (
            self.is_member
            and not self.is_author(comment)
            and not comment.is_deleted
            and comment.status == Comment.Status.VISIBLE
        )

    def shows_body(self, comment: Comment) -> bool:
        """Hidden and removed text is kept for moderators to judge; others see a notice in its
        place. Pending and shadow comments reach only their author and moderators."""
        if comment.is_deleted:
            return False
        if comment.status in {Comment.Status.HIDDEN, Comment.Status.REMOVED}:
            return self.is_moderator
        return True
