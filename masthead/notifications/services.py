"""Who hears about a comment, and how. The author of the comment it answers and members it
mentions by @handle hear of a new comment (never its own author); a comment's author hears
that a moderator approved, featured or removed it. Each member's preferences decide, per
kind, between inbox and e-mail, inbox only, or nothing; e-mail goes out at once or in the
daily digest (``mail``). Nothing is delivered twice for one event."""

from __future__ import annotations

from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.utils import timezone

from masthead.accounts.models import Profile, User
from masthead.core.sanitize import MENTION
from masthead.discussion.models import Comment
from masthead.discussion.signals import MODERATED

from . import mail
from .models import Delivery, Notification, Preferences

MAX_MENTIONS = 10  # a comment naming more is a roll call, not a conversation


def _unread_key(user_id: int) -> str:
    return f"inbox:unread:v1:{user_id}"


def unread_count(user: User) -> int:
    key = _unread_key(user.pk)
    count: int | None = cache.get(key)
    if count is None:
        count = Notification.objects.filter(recipient=user, read_at__isnull=True).count()
        cache.set(key, count, 300)
    return count


def _comment(comment_id: int) -> Comment | None:
    return (
        Comment.objects.select_related(
            "story__channel", "story__section", "author__profile", "parent__author"
        )
        .filter(pk=comment_id)
        .first()
    )


def notify_for_comment(comment_id: int, *, email: bool = True) -> int:
    """A comment readers can now see: notify the author it replies to and the members it
    mentions. The number of notifications created. ``email=False`` fills inboxes only (the
    demo's past conversations)."""
    comment = _comment(comment_id)
    if comment is None or comment.status != Comment.Status.VISIBLE or comment.is_deleted:
        return 0
    # Each member hears once, of the first kind they have not turned off: a reply that names
    # its parent's author is a mention for a member who turned replies off.
    targets: dict[int, tuple[User, list[str]]] = {}
    if comment.parent_id:
        parent_author = comment.parent.author if comment.parent else None
        if parent_author is not None and parent_author.pk != comment.author_id:
            targets[parent_author.pk] = (parent_author, [Notification.Kind.REPLY])
    handles = {h.lower() for h in MENTION.findall(comment.body_source)}
    if handles:
        named = Profile.objects.filter(
            handle__lower__in=list(handles)[:MAX_MENTIONS]
        ).select_related("user")
        for profile in named:
            if profile.user_id != comment.author_id:
                _user, kinds = targets.setdefault(profile.user_id, (profile.user, []))
                kinds.append(Notification.Kind.MENTION)
    return sum(deliver(user, kinds, comment, email=email) for user, kinds in targets.values())


def notify_for_moderation(comment_id: int, action: str) -> int:
    """Tell a comment's author a moderator ``action`` (one of ``MODERATED``), unless it was
    undone before this ran: a restored comment is no longer removed."""
    if action not in MODERATED:
        raise ValueError(f"not a moderation notice: {action!r}")
    comment = _comment(comment_id)
    if comment is None or comment.author is None:
        return 0
    if not Notification(kind=action, comment=comment).still_relevant():
        return 0
    return deliver(comment.author, [action], comment)


def preferences_for(user: User) -> Preferences:
    """The member's preferences; the defaults (unsaved) when they never changed them."""
    return Preferences.objects.filter(user=user).first() or Preferences(user=user)


def deliver(user: User, kinds: list[str], comment: Comment, *, email: bool = True) -> int:
    """Put one notification in the member's inbox, of the first of ``kinds`` they have not
    turned off, and send or queue its e-mail as their preferences say. 1 if delivered, 0 if
    they want none or had it already."""
    if not user.is_active:
        return 0
    preferences = preferences_for(user)
    wanted = [kind for kind in kinds if preferences.delivery(kind) != Delivery.OFF]
    if not wanted:
        return 0
    kind = wanted[0]
    by_email = email and preferences.delivery(kind) == Delivery.EMAIL and mail.reachable(user)
    try:
        with transaction.atomic():
            notification = Notification.objects.create(
                recipient=user,
                kind=kind,
                comment=comment,
                email_due=by_email and preferences.digest,
            )
    except IntegrityError:
        return 0  # this event was delivered before: nothing twice
    cache.delete(_unread_key(user.pk))
    if by_email and not preferences.digest:
        mail.send_one(notification)
    return 1


@transaction.atomic
def preferences_update(user: User, **values: object) -> Preferences:
    """Save the member's choices, and only them (a worker may be moving the digest's clock
    meanwhile). Turning the digest on starts its clock now; turning it off sends what waits
    at the next round. The row is read locked: the same form sent twice starts the clock
    once."""
    preferences, _created = Preferences.objects.select_for_update().get_or_create(user=user)
    digest_before = preferences.digest
    for name, value in values.items():
        setattr(preferences, name, value)
    changed = list(values)
    if preferences.digest != digest_before:
        preferences.digest_anchor = timezone.now() if preferences.digest else None
        changed.append("digest_anchor")
    preferences.full_clean()
    preferences.save(update_fields=changed)
    return preferences


def unsubscribe(user_id: int, kind: str) -> Preferences | None:
    """Stop e-mails of ``kind`` (or of every kind, ``mail.ALL_KINDS``); they still reach
    the inbox. None when the member no longer exists."""
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        return None
    kinds = Notification.Kind.values if kind == mail.ALL_KINDS else [kind]
    preferences = preferences_for(user)
    return preferences_update(
        user,
        **{k: Delivery.INBOX for k in kinds if preferences.delivery(k) == Delivery.EMAIL},
    )


def inbox(user: User, *, limit: int = 50) -> list[Notification]:
    return list(
        Notification.objects.filter(recipient=user).with_comment().order_by("-created_at")[:limit]
    )


def mark_read(user: User, *, up_to: int | None = None) -> int:
    """Mark the member's notifications read: all of them, or those up to id ``up_to`` (the
    newest the inbox showed, so one that arrived after the page was rendered stays new).
    One UPDATE of unread rows: marking twice, from two tabs, marks once. Returns how many."""
    unread = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if up_to is not None:
        unread = unread.filter(pk__lte=up_to)
    marked = unread.update(read_at=timezone.now())
    cache.delete(_unread_key(user.pk))
    return marked
