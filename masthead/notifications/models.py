from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from masthead.discussion.models import Comment


class NotificationQuerySet(models.QuerySet["Notification"]):
    def with_comment(self) -> NotificationQuerySet:
        """With what a notification shows: the comment, its author and its story's address."""
        return self.select_related(
            "comment__story__channel", "comment__story__section", "comment__author__profile"
        )


class Notification(models.Model):
    """Something a member should know about one comment: a reply to theirs, a mention of
    their handle, or a moderator's decision on theirs. One per member, kind and comment (a
    unique constraint), however often the event is processed."""

    class Kind(models.TextChoices):
        REPLY = "reply", _("Replies to my comments")
        MENTION = "mention", _("Mentions of my @handle")
        FEATURED = "featured", _("My comment featured")
        APPROVED = "approved", _("My comment approved after review")
        REMOVED = "removed", _("My comment removed")

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=16, choices=Kind.choices)
    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)
    # E-mail: sent (or claimed for sending) at ``emailed_at``; ``email_due`` waits for the digest.
    emailed_at = models.DateTimeField(null=True, blank=True)
    email_due = models.BooleanField(default=False)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["recipient", "kind", "comment"], name="notification_once"
            ),
        ]
        indexes: ClassVar = [
            models.Index(fields=["recipient", "-created_at"], name="notification_inbox_idx"),
            models.Index(
                fields=["recipient"],
                condition=Q(email_due=True, emailed_at__isnull=True),
                name="notification_digest_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} for {self.recipient_id}"

    def still_relevant(self) -> bool:
        """Whether what this notification tells is still true when it is read or mailed: the
        reply still shown to readers, the moderator's decision not undone."""
        comment = self.comment
        if comment.is_deleted:
            return False
        if self.kind == self.Kind.REMOVED:
            return comment.status == Comment.Status.REMOVED
        if self.kind == self.Kind.FEATURED:
            return comment.status == Comment.Status.VISIBLE and comment.featured
        return comment.status == Comment.Status.VISIBLE

    def summary(self) -> str:
        """One line for the inbox and e-mail: "Ana replied to your comment"."""
        author = getattr(self.comment.author, "profile", None) if self.comment.author else None
        who = author.display_name if author else gettext("A member")
        return {
            self.Kind.REPLY: gettext("%(who)s replied to your comment"),
            self.Kind.MENTION: gettext("%(who)s mentioned you"),
            self.Kind.FEATURED: gettext("Your comment was featured"),
            self.Kind.APPROVED: gettext("Your comment was approved and readers can see it"),
            self.Kind.REMOVED: gettext("Your comment was removed"),
        }[self.Kind(self.kind)] % {"who": who}


class Delivery(models.TextChoices):
    EMAIL = "email", _("Inbox and e-mail")
    INBOX = "inbox", _("Inbox only")
    OFF = "off", _("Off")


def _delivery(default: Delivery) -> models.CharField[str, str]:
    return models.CharField(max_length=8, choices=Delivery.choices, default=default)


class Preferences(models.Model):
    """How a member hears of each kind of notification, and whether e-mails come one by one
    or as a daily digest. A member without a row has the defaults. Each delivery field is
    named after its ``Notification.Kind``."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="notification_preferences",
    )
    reply = _delivery(Delivery.EMAIL)
    mention = _delivery(Delivery.EMAIL)
    featured = _delivery(Delivery.EMAIL)
    approved = _delivery(Delivery.INBOX)
    removed = _delivery(Delivery.EMAIL)
    digest = models.BooleanField(
        _("one e-mail a day"),
        default=False,
        help_text=_("Gather the day's e-mails into one digest instead of one e-mail each."),
    )
    # The digest's clock: the member's digest goes out once a day at this time of day (set
    # when they turn the digest on, moved a day on with each digest). None: due at once.
    digest_anchor = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name_plural = "preferences"

    def __str__(self) -> str:
        return f"notification preferences of {self.user_id}"

    def delivery(self, kind: str) -> str:
        return str(getattr(self, Notification.Kind(kind).value))
