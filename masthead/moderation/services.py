"""Moderation decisions other than a single comment's: screening a comment before it is
posted, bans, word lists, channel rules, and the log every action writes.

Every write checks the actor's right (channels.selectors.moderator_role) and logs itself.
"""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from masthead.accounts.models import FOREVER, User
from masthead.channels.models import Channel
from masthead.channels.selectors import moderator_role
from masthead.core.localcache import LocalCache
from masthead.core.timefmt import story_time

from . import words
from .models import Ban, ChannelRules, LogEntry, WordRule
from .scoring import scorer

T = TypeVar("T")
RECENT_DECISIONS = 10  # a member's rejection rate is over their last this many decided comments
REASON_MAX = 500


# --- the log ---------------------------------------------------------------------------------


def log(
    *,
    actor: User | None,
    role: str,
    channel: Channel | int | None,
    action: str,
    target_user: User | int | None = None,
    target: str = "",
    target_url: str = "",
    reason: str = "",
    story_id: int | None = None,
    comment_id: int | None = None,
) -> LogEntry:
    return LogEntry.objects.create(
        story_id=story_id,
        comment_id=comment_id,
        channel_id=channel.pk if isinstance(channel, Channel) else channel,
        actor=actor,
        actor_role=role,
        action=action,
        target_user_id=target_user.pk if isinstance(target_user, User) else target_user,
        target=target[:300],
        target_url=target_url[:500],
        reason=reason[:REASON_MAX],
    )


def require_moderator(actor: User, channel: Channel | None) -> str:
    """The actor's moderating role in ``channel`` (site-wide when None), or PermissionDenied."""
    if channel is None:
        if actor.is_authenticated and actor.is_active and actor.is_staff:
            return "staff"
        if actor.is_authenticated and actor.is_active and actor.is_site_moderator:
            return "site moderator"
        raise PermissionDenied(_("Only site moderators can do this."))
    role = moderator_role(actor, channel.pk)
    if role is None:
        raise PermissionDenied(_("Only the channel's moderators can do this."))
    return role


# --- rules -----------------------------------------------------------------------------------


RULES_CACHE_SECONDS = 300
# Rules and word lists are read by every comment posted: each process keeps them this long
# (a change reaches other processes within it; this process at once).
LOCAL_SECONDS = 10
_local = LocalCache(max_entries=1024)


def _cached(key: str, load: Callable[[], T]) -> T:
    found: T | None = _local.get(key)
    if found is None:
        found = cache.get(key)
        if found is None:
            found = load()
            cache.set(key, found, RULES_CACHE_SECONDS)
        _local.set(key, found, LOCAL_SECONDS)
    return found


def _rules_key(channel_id: int) -> str:
    return f"moderation:rules:v1:{channel_id}"


def rules_for(channel_id: int) -> ChannelRules:
    """The channel's rules (defaults when it set none), kept in the cache: every comment posted
    and every comment section rendered asks."""

    def load() -> ChannelRules:
        found = ChannelRules.objects.filter(channel_id=channel_id).first()
        return found if found is not None else ChannelRules(channel_id=channel_id)

    return _cached(_rules_key(channel_id), load)


def rules_copy(channel_id: int) -> ChannelRules:
    """The channel's rules as a copy to edit (a form's instance): never the cached object,
    which every comment in the process reads."""
    return copy.copy(rules_for(channel_id))


@transaction.atomic
def rules_update(*, actor: User, channel: Channel, **values: object) -> ChannelRules:
    """Change the channel's rules. The row is read afresh and locked, never taken from the
    cache: a change refused by validation leaves nothing behind for the next reader."""
    role = require_moderator(actor, channel)
    # The channel's row is locked first: the first save of its rules, sent twice, finds no
    # rules row to lock and would insert two.
    Channel.objects.select_for_update().filter(pk=channel.pk).first()
    rules = ChannelRules.objects.filter(channel_id=channel.pk).first()
    if rules is None:
        rules = ChannelRules(channel_id=channel.pk)
    for name, value in values.items():
        setattr(rules, name, value)
    rules.full_clean()
    rules.save()
    _forget(_rules_key(channel.pk))
    log(actor=actor, role=role, channel=channel, action="rules", target=channel.name)
    return rules


# --- screening a new comment -------------------------------------------------------------------


@dataclass(frozen=True)
class Screening:
    """What becomes of a comment about to be posted: its status, and why if not visible."""

    status: str  # "visible", "pending" or "shadow"
    reason: str = ""


def _bans_key(user_id: int) -> str:
    return f"moderation:bans:v1:{user_id}"


def _forget(key: str) -> None:
    """Drop a cached read now, and again after commit (a read in between cached the old)."""
    _local.delete(key)
    cache.delete(key)
    transaction.on_commit(lambda: cache.delete(key))


def bans_in_force(user: User, channel_id: int | None, *, fresh: bool = False) -> list[Ban]:
    """The member's bans in force here (site-wide ones included), newest first. Every write
    asks, so the member's bans are kept in the cache (an empty list for almost everyone);
    ``fresh`` reads the rows instead, for the check a write makes again under its lock."""
    bans: list[Ban] | None = None if fresh else cache.get(_bans_key(user.pk))
    if bans is None:
        bans = list(Ban.objects.in_force().filter(user=user).order_by("-created_at"))
        cache.set(_bans_key(user.pk), bans, RULES_CACHE_SECONDS)
    now = timezone.now()
    return [
        ban
        for ban in bans
        if ban.channel_id in (None, channel_id) and (ban.expires_at is None or ban.expires_at > now)
    ]


def _word_rules_key(channel_id: int | None) -> str:
    return f"moderation:words:v1:{channel_id or 'site'}"


def word_rules_for(channel_id: int) -> list[tuple[str, str]]:
    """(kind, normalised phrase) of the channel's and the site's word lists, cached."""
    site = _cached(
        _word_rules_key(None),
        lambda: list(WordRule.objects.filter(channel__isnull=True).values_list("kind", "normal")),
    )
    own = _cached(
        _word_rules_key(channel_id),
        lambda: list(WordRule.objects.filter(channel_id=channel_id).values_list("kind", "normal")),
    )
    return [*site, *own]


def check_can_write(user: User, channel_id: int | None, *, fresh: bool = False) -> list[Ban]:
    """Refuse a member under a read-only or full ban here; return the bans in force (a shadow
    ban lets them write). ``fresh``: from the rows, not the cache (see bans_in_force)."""
    bans = bans_in_force(user, channel_id, fresh=fresh)
    for ban in bans:
        if ban.kind != Ban.Kind.SHADOW:
            until = (
                _(" until %(time)s") % {"time": story_time(ban.expires_at, "UTC")}
                if ban.expires_at
                else ""
            )
            raise PermissionDenied(
                _("You cannot write here%(until)s: %(reason)s")
                % {"until": until, "reason": ban.reason}
            )
    return bans


def screen(
    *, author: User, channel_id: int, text: str, history: Callable[[int], list[bool]]
) -> Screening:
    """Decide, before a comment is posted, whether it is refused (ValidationError or
    PermissionDenied with the reason), waits for review, shows only to its author (shadow
    ban), or appears. ``history(n)`` gives the author's last n decided comments in the channel,
    newest first, True for each approved one: it is asked only for pre-moderation of new
    members (the comments themselves belong to discussion, which calls this)."""
    bans = check_can_write(author, channel_id)
    rules_list = word_rules_for(channel_id)
    found = words.words(text) if rules_list else []  # normalised once for both lists
    banned = words.find(
        text, [n for kind, n in rules_list if kind == WordRule.Kind.BANNED], found=found
    )
    if banned:
        raise ValidationError(
            _("Your comment contains “%(word)s”, which this channel does not allow.")
            % {"word": banned},
            code="banned_word",
        )
    rules = rules_for(channel_id)
    score = scorer().score(text, author=author)
    if score.value >= rules.score_refuse_at:
        raise ValidationError(
            _("Your comment looks like spam (%(why)s) and was not posted.")
            % {"why": ", ".join(score.reasons)},
            code="score",
        )
    if any(ban.kind == Ban.Kind.SHADOW for ban in bans):
        return Screening("shadow")
    suspect = words.find(
        text, [n for kind, n in rules_list if kind == WordRule.Kind.SUSPECT], found=found
    )
    if suspect:
        return Screening("pending", _("contains “%(word)s”") % {"word": suspect})
    if score.value >= rules.score_queue_at:
        return Screening(
            "pending",
            _("scored %(score).2f: %(why)s")
            % {"score": score.value, "why": ", ".join(score.reasons)},
        )
    if rules.premoderation == ChannelRules.Premoderation.ALL:
        return Screening("pending", _("the channel reviews every comment"))
    if rules.premoderation == ChannelRules.Premoderation.NEW:
        reason = _member_needs_review(history, rules)
        if reason:
            return Screening("pending", reason)
    return Screening("visible")


def _member_needs_review(history: Callable[[int], list[bool]], rules: ChannelRules) -> str:
    decided = history(RECENT_DECISIONS)
    approved = sum(decided)
    if approved < rules.new_member_approvals:
        return _("a new member's comment")
    rejected = len(decided) - approved
    if decided and rejected / len(decided) > rules.rejection_rate:
        return _("many of the member's recent comments were rejected")
    return ""


# --- bans ------------------------------------------------------------------------------------


@transaction.atomic
def ban_create(
    *,
    actor: User,
    user: User,
    channel: Channel | None,
    kind: str,
    reason: str,
    expires_at: dt.datetime | None = None,
) -> Ban:
    """Ban a member here (``channel`` None: everywhere). A ban of the same kind already in
    force here is changed to the new reason and end, not doubled: the form sent twice bans
    once."""
    role = require_moderator(actor, channel)
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Say why: the member will read it.")})
    if kind not in Ban.Kind.values:
        raise ValidationError({"kind": _("Choose a kind of ban.")})
    if expires_at is not None and expires_at <= timezone.now():
        raise ValidationError({"expires_at": _("The end of a ban must be in the future.")})
    if user.pk == actor.pk:
        raise ValidationError(_("You cannot ban yourself."))
    if moderator_role(user, channel.pk) if channel else (user.is_staff or user.is_site_moderator):
        raise PermissionDenied(_("Moderators of this channel cannot be banned from it."))
    User.objects.select_for_update().filter(pk=user.pk).first()  # one ban decision at a time
    ban = (
        Ban.objects.in_force()
        .filter(user=user, channel=channel, kind=kind)
        .order_by("-created_at")
        .first()
    )
    reason = reason[:REASON_MAX]
    if ban is not None and (ban.reason, ban.expires_at) == (reason, expires_at):
        return ban
    action = f"ban {kind}" if ban is None else f"change {kind} ban"
    if ban is None:
        ban = Ban(channel=channel, user=user, kind=kind, created_by=actor)
    ban.reason, ban.expires_at = reason, expires_at
    ban.full_clean()
    ban.save()
    _forget(_bans_key(user.pk))
    _sync_login_ban(user)
    log(
        actor=actor,
        role=role,
        channel=channel,
        action=action,
        target_user=user,
        target=handle_of(user),
        reason=reason,
    )
    return ban


@transaction.atomic
def ban_lift(*, actor: User, ban: Ban) -> Ban:
    role = require_moderator(actor, ban.channel)
    ban = (
        Ban.objects.select_for_update(of=("self",)).select_related("user", "channel").get(pk=ban.pk)
    )
    if ban.lifted_at is not None:
        return ban  # lifted already
    ban.lifted_at = timezone.now()
    ban.save(update_fields=["lifted_at"])
    _forget(_bans_key(ban.user_id))
    _sync_login_ban(ban.user)
    log(
        actor=actor,
        role=role,
        channel=ban.channel,
        action=f"lift {ban.kind} ban",
        target_user=ban.user,
        target=handle_of(ban.user),
    )
    return ban


def _sync_login_ban(user: User) -> None:
    """Keep ``User.login_banned_until`` equal to the end of the member's longest site-wide full
    ban in force (FOREVER for one without an end)."""
    ends = list(
        Ban.objects.in_force()
        .filter(user=user, channel__isnull=True, kind=Ban.Kind.FULL)
        .values_list("expires_at", flat=True)
    )
    until = (FOREVER if None in ends else max(e for e in ends if e)) if ends else None
    user.login_banned_until = until
    User.objects.filter(pk=user.pk).update(login_banned_until=until)


def handle_of(user: User) -> str:
    """How the log names a member: their @handle."""
    profile = getattr(user, "profile", None)
    return f"@{profile.handle}" if profile is not None else _("a member")


# --- word lists ------------------------------------------------------------------------------


@transaction.atomic
def word_rule_add(*, actor: User, channel: Channel | None, phrase: str, kind: str) -> WordRule:
    role = require_moderator(actor, channel)
    phrase = " ".join(phrase.split())[:100]
    normal = words.normal(phrase)
    if not normal:
        raise ValidationError({"phrase": _("Enter a word or phrase with letters in it.")})
    if kind not in WordRule.Kind.values:
        raise ValidationError({"kind": _("Choose banned or suspect.")})
    rule = WordRule(
        channel=channel, phrase=phrase, normal=normal[:200], kind=kind, created_by=actor
    )
    try:
        with transaction.atomic():
            rule.save()
    except IntegrityError:
        raise ValidationError(
            {"phrase": _("“%(phrase)s” is on the list already.") % {"phrase": phrase}}
        ) from None
    _forget(_word_rules_key(channel.pk if channel else None))
    log(actor=actor, role=role, channel=channel, action=f"add {kind} word", target=phrase)
    return rule


@transaction.atomic
def word_rule_remove(*, actor: User, rule: WordRule) -> None:
    role = require_moderator(actor, rule.channel)
    removed, _kinds = WordRule.objects.filter(pk=rule.pk).delete()
    if not removed:
        return  # taken off the list already
    log(
        actor=actor,
        role=role,
        channel=rule.channel,
        action=f"remove {rule.kind} word",
        target=rule.phrase,
    )
    _forget(_word_rules_key(rule.channel_id))
