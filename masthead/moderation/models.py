"""What moderators decide besides single comments: each channel's rules, word lists, bans,
and the log of every moderation action.

A row with ``channel`` NULL applies site-wide (word rules, bans, log entries of site
moderators acting outside a channel).
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from masthead.channels.models import Channel

DEFAULT_NEW_MEMBER_APPROVALS = 2
DEFAULT_REACTION_WORD = "Respect"
DEFAULT_THREADS_PER_PAGE = 50


class ChannelRules(models.Model):
    """A channel's moderation rules; a channel without a row has the defaults."""

    class Premoderation(models.TextChoices):
        OFF = "off", _("no pre-moderation")
        NEW = "new", _("members with few approved comments, or many rejected")
        ALL = "all", _("every comment")

    channel = models.OneToOneField(
        Channel, on_delete=models.CASCADE, primary_key=True, related_name="rules"
    )
    premoderation = models.CharField(
        _("pre-moderation"), max_length=8, choices=Premoderation.choices, default=Premoderation.OFF
    )
    new_member_approvals = models.PositiveSmallIntegerField(
        _("approved comments before a member posts directly"),
        default=DEFAULT_NEW_MEMBER_APPROVALS,
    )
    rejection_rate = models.FloatField(
        _("recent rejection rate that sends a member back to review"), default=0.5
    )
    score_queue_at = models.FloatField(_("score at which a comment waits for review"), default=0.5)
    score_refuse_at = models.FloatField(_("score at which a comment is refused"), default=0.9)
    close_after_days = models.PositiveSmallIntegerField(
        _("close comments this many days after publication"), null=True, blank=True
    )
    reaction_word = models.CharField(
        _("the word for a reaction"), max_length=24, default=DEFAULT_REACTION_WORD
    )
    threads_per_page = models.PositiveSmallIntegerField(
        _("threads shown before “Load more”"), default=DEFAULT_THREADS_PER_PAGE
    )

    def __str__(self) -> str:
        return f"rules of {self.channel_id}"


class WordRule(models.Model):
    """A word or phrase: banned (the comment is refused, saying why) or suspect (it waits for
    review). Matched after normalising case, accents, repeated letters, look-alike digits and
    invisible characters (moderation/words.py)."""

    class Kind(models.TextChoices):
        BANNED = "banned", _("banned")
        SUSPECT = "suspect", _("suspect")

    channel = models.ForeignKey(
        Channel, on_delete=models.CASCADE, null=True, blank=True, related_name="word_rules"
    )
    phrase = models.CharField(_("word or phrase"), max_length=100)
    normal = models.CharField(max_length=200, editable=False)
    kind = models.CharField(max_length=8, choices=Kind.choices)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["channel", "normal"], name="word_rule_unique_in_channel"
            ),
            models.UniqueConstraint(
                fields=["normal"], condition=Q(channel__isnull=True), name="word_rule_unique_site"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind}: {self.phrase}"


class BanQuerySet(models.QuerySet["Ban"]):
    def in_force(self, now: Any = None) -> BanQuerySet:
        now = now or timezone.now()
        return self.filter(lifted_at__isnull=True).filter(
            Q(expires_at__isnull=True) | Q(expires_at__gt=now)
        )


class Ban(models.Model):
    """A member barred from writing in a channel (or everywhere, ``channel`` NULL).

    Read-only: reads, logs in, writes nothing. Full: also cannot log in (site-wide) or act in
    the channel at all, though the channel stays readable. Shadow: writes as usual, but their
    new comments are shown to nobody but themselves.
    """

    class Kind(models.TextChoices):
        READ_ONLY = "read_only", _("read-only")
        FULL = "full", _("full")
        SHADOW = "shadow", _("shadow")

    channel = models.ForeignKey(
        Channel, on_delete=models.CASCADE, null=True, blank=True, related_name="bans"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="bans"
    )
    kind = models.CharField(max_length=16, choices=Kind.choices)
    reason = models.CharField(_("reason"), max_length=500)
    expires_at = models.DateTimeField(_("until"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    lifted_at = models.DateTimeField(null=True, blank=True)

    objects = BanQuerySet.as_manager()

    class Meta:
        indexes: ClassVar = [models.Index(fields=["user", "lifted_at"], name="ban_user_idx")]

    def __str__(self) -> str:
        return f"{self.kind} ban of {self.user_id}"


class AppendOnly(models.QuerySet["LogEntry"]):
    def update(self, **kwargs: Any) -> int:
        raise TypeError("the moderation log is append-only")

    def delete(self) -> Any:
        raise TypeError("the moderation log is append-only")


# How the public log names who acted (by role, never by name) and what they did.
ROLE_PHRASES = {
    "staff": _("the site's staff"),
    "site moderator": _("a site moderator"),
    "owner": _("an owner"),
    "curator": _("a curator"),
    "moderator": _("a moderator"),
    "operator": _("the site's operator"),
}
ACTION_PHRASES = {
    "approve": _("approved"),
    "keep": _("kept, reports dismissed"),
    "hide": _("hid"),
    "remove": _("removed"),
    "restore": _("restored"),
    "feature": _("featured"),
    "unfeature": _("unfeatured"),
    "lock thread": _("locked the thread"),
    "unlock thread": _("unlocked the thread"),
    "close comments": _("closed the comments"),
    "reopen comments": _("reopened the comments"),
    "schedule closing": _("scheduled the closing of the comments"),
    "rules": _("changed the channel's rules"),
    "ban read_only": _("banned from writing"),
    "ban full": _("banned"),
    "ban shadow": _("shadow-banned"),
    "change read_only ban": _("changed a ban from writing"),
    "change full ban": _("changed a ban"),
    "change shadow ban": _("changed a shadow ban"),
    "lift read_only ban": _("lifted a ban from writing"),
    "lift full ban": _("lifted a ban"),
    "lift shadow ban": _("lifted a shadow ban"),
    "appoint owner": _("appointed an owner"),
    "appoint curator": _("appointed a curator"),
    "appoint moderator": _("appointed a moderator"),
    "dismiss owner": _("dismissed an owner"),
    "dismiss curator": _("dismissed a curator"),
    "dismiss moderator": _("dismissed a moderator"),
}


class LogEntry(models.Model):
    """One moderation action, kept for ever: who (and in which role), what, to whom, why.

    The public log of a channel shows the role, never the moderator's name.
    """

    channel = models.ForeignKey(
        Channel, on_delete=models.CASCADE, null=True, blank=True, related_name="moderation_log"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    actor_role = models.CharField(max_length=32)
    action = models.CharField(max_length=32)
    target_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    target = models.CharField(max_length=300, blank=True)  # "No. 3-2 on <story headline>"
    target_url = models.CharField(max_length=500, blank=True)
    # What the entry is about, beside the text shown: one comment's or story's history is a
    # filter. The text stays when the row it points at goes.
    story = models.ForeignKey(
        "stories.Story", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    comment = models.ForeignKey(
        "discussion.Comment",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,  # log_comment_idx leads with it
    )
    reason = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    objects = AppendOnly.as_manager()

    class Meta:
        ordering = ("-created_at", "-id")
        indexes: ClassVar = [
            models.Index(fields=["channel", "-created_at"], name="log_channel_idx"),
            models.Index(fields=["comment", "-created_at"], name="log_comment_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.actor_role} {self.action} {self.target}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise TypeError("the moderation log is append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise TypeError("the moderation log is append-only")

    @property
    def actor_phrase(self) -> str:
        return str(ROLE_PHRASES.get(self.actor_role, self.actor_role))

    @property
    def action_phrase(self) -> str:
        return str(ACTION_PHRASES.get(self.action, self.action))

    @property
    def public_target(self) -> str:
        """What the public log names as the target: never who was made a moderator, since
        the log names moderators by role alone."""
        return "" if self.action.startswith(("appoint ", "dismiss ")) else self.target
