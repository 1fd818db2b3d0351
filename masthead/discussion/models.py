from __future__ import annotations

from datetime import timedelta
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from masthead.stories.models import Story

COMMENT_MAX_LENGTH = 5000  # characters of Markdown; longer is an article, not a comment
COMMENT_EDIT_WINDOW = timedelta(minutes=15)  # after this a comment stands as it was read


class Comment(models.Model):
    """A member's comment, numbered "No. T-P": thread T of the story, position P in it.

    T counts the story's top-level comments, P the comments of thread T (1 opens it). Both are
    allocated under the story's row lock and never reused: a deleted comment keeps its number
    as a tombstone.
    """

    class Status(models.TextChoices):
        VISIBLE = "visible", _("visible")
        PENDING = "pending", _("pending")
        HIDDEN = "hidden", _("hidden")
        REMOVED = "removed", _("removed")
        SHADOW = "shadow", _("shadow")  # by a shadow-banned member: shown to them alone

    # Held for review, or by a shadow-banned member: known to their author and moderators only.
    PRIVATE_STATUSES = (Status.PENDING, Status.SHADOW)

    story = models.ForeignKey(Story, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="comments"
    )
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="replies"
    )
    thread = models.PositiveIntegerField(editable=False)
    position = models.PositiveIntegerField(editable=False)
    # On a thread's first comment: positions allocated in the thread so far.
    thread_size = models.PositiveIntegerField(default=1, editable=False)

    body_source = models.TextField(_("comment"), max_length=COMMENT_MAX_LENGTH)
    body_html = models.TextField(editable=False)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.VISIBLE)

    created_at = models.DateTimeField(auto_now_add=True)
    edited_at = models.DateTimeField(null=True, blank=True)
    deleted_at = models.DateTimeField(
        null=True, blank=True, help_text=_("Set when the author deleted it: a tombstone.")
    )
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    moderated_at = models.DateTimeField(null=True, blank=True)
    held_reason = models.CharField(max_length=300, blank=True, editable=False)  # why it waits
    removed_reason = models.CharField(_("reason for removal"), max_length=500, blank=True)
    featured = models.BooleanField(_("featured"), default=False)
    # On a thread's first comment: no more replies in the thread.
    thread_locked = models.BooleanField(_("thread locked"), default=False)
    # Reports not yet dealt with; set with the first, cleared when a moderator decides.
    open_reports = models.PositiveIntegerField(default=0, editable=False)
    reaction_count = models.PositiveIntegerField(default=0, editable=False)
    reported_at = models.DateTimeField(null=True, blank=True, editable=False)
    # The form's one-time token: a second submission of the same form returns the first comment.
    client_token = models.CharField(max_length=64, blank=True, editable=False)

    class Meta:
        ordering = ("story", "thread", "position")
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["story", "thread", "position"], name="comment_number_unique"
            ),
            models.UniqueConstraint(
                fields=["author", "client_token"],
                condition=~Q(client_token=""),
                name="comment_client_token_unique",
            ),
        ]
        indexes: ClassVar = [
            models.Index(fields=["author", "-created_at"], name="comment_author_idx"),
            models.Index(fields=["status", "-created_at"], name="comment_status_idx"),
            # The moderation queues: a status, in arrival order (discussion/selectors.py).
            models.Index(fields=["status", "id"], name="comment_status_id_idx"),
            models.Index(
                fields=["-id"],
                condition=Q(open_reports__gt=0),
                name="comment_reported_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} on {self.story_id}"

    @property
    def number(self) -> str:
        return f"No. {self.thread}-{self.position}"

    @property
    def anchor(self) -> str:
        return f"comment-{self.thread}-{self.position}"

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None

    @property
    def is_reply(self) -> bool:
        return self.position > 1


class CommentReport(models.Model):
    """A member's report of a comment. One per member and comment; the author never sees who."""

    class Reason(models.TextChoices):
        SPAM = "spam", _("Spam")
        ABUSE = "abuse", _("Abuse or harassment")
        OFF_TOPIC = "off_topic", _("Off topic")
        OTHER = "other", _("Something else")

    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="reports")
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    reason = models.CharField(max_length=16, choices=Reason.choices)
    note = models.CharField(_("details"), max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("-created_at",)
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["comment", "reporter"], name="report_once_per_member"),
        ]

    def __str__(self) -> str:
        return f"{self.get_reason_display()}: {self.comment}"


class Reaction(models.Model):
    """A member's one reaction to a comment (the channel names it: "Respect" by default)."""

    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="reactions")
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reactions"
    )
    # The comment's story, kept here: a member's reactions on one story are read with its page.
    story = models.ForeignKey(Story, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["comment", "member"], name="reaction_once"),
        ]
        indexes: ClassVar = [
            # "Which comments of this story has this member reacted to": one index range.
            models.Index(fields=["member", "story"], name="reaction_member_story_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.member_id} on {self.comment_id}"
