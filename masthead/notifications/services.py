"""Who hears about a comment, in their inbox and by e-mail: the author of the comment it
answers, and members it mentions by @handle. Never the comment's own author, never twice."""

from __future__ import annotations

import logging
import re

from django.conf import settings
from django.core.cache import cache
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from masthead.accounts.models import Profile, User
from masthead.discussion.models import Comment

from .models import Notification

logger = logging.getLogger(__name__)
MENTION = re.compile(r"(?<![\w@])@([A-Za-z0-9_]{3,30})\b")
MAX_MENTIONS = 10  # a comment naming more is a roll call, not a conversation
NO_MAIL_DOMAIN = "imported.invalid"


def _unread_key(user_id: int) -> str:
    return f"inbox:unread:v1:{user_id}"


def unread_count(user: User) -> int:
    key = _unread_key(user.pk)
    count: int | None = cache.get(key)
    if count is None:
        count = Notification.objects.filter(recipient=user, read_at__isnull=True).count()
        cache.set(key, count, 300)
    return count


def notify_for_comment(comment_id: int) -> int:
    comment = (
        Comment.objects.select_related("story__channel", "story__section", "author__profile")
        .filter(pk=comment_id)
        .first()
    )
    if comment is None or comment.status != Comment.Status.VISIBLE or comment.is_deleted:
        return 0
    targets: list[tuple[User, str]] = []
    if comment.parent_id:
        parent_author = User.objects.filter(comments__pk=comment.parent_id).first()
        if parent_author is not None and parent_author.pk != comment.author_id:
            targets.append((parent_author, Notification.Kind.REPLY))
    handles = {h.lower() for h in MENTION.findall(comment.body_source)}
    if handles:
        named = Profile.objects.filter(
            handle__lower__in=list(handles)[:MAX_MENTIONS]
        ).select_related("user")
        already = {user.pk for user, _kind in targets}
        for profile in named:
            if profile.user_id != comment.author_id and profile.user_id not in already:
                targets.append((profile.user, Notification.Kind.MENTION))
    created = 0
    for user, kind in targets:
        if not user.is_active:
            continue
        try:
            with transaction.atomic():
                notification = Notification.objects.create(
                    recipient=user, kind=kind, comment=comment
                )
        except IntegrityError:
            continue  # this event was processed before: nothing twice
        created += 1
        cache.delete(_unread_key(user.pk))
        _email(notification, comment)
    return created


def _email(notification: Notification, comment: Comment) -> None:
    user = notification.recipient
    if not user.email or user.email.endswith("@" + NO_MAIL_DOMAIN):
        return
    author = getattr(getattr(comment, "author", None), "profile", None)
    who = author.display_name if author else _("A member")
    subject = (
        _("%(who)s replied to your comment") % {"who": who}
        if notification.kind == Notification.Kind.REPLY
        else _("%(who)s mentioned you") % {"who": who}
    )
    url = settings.MASTHEAD_SITE_URL.rstrip("/") + comment.story.get_absolute_url()
    url += "#" + comment.anchor
    body = _("%(who)s on “%(story)s”:\n\n%(text)s\n\nRead it: %(url)s\n") % {
        "who": who,
        "story": comment.story.headline,
        "text": comment.body_source[:1000],
        "url": url,
    }
    try:
        send_mail(f"[{settings.MASTHEAD_SITE_NAME}] {subject}", body, None, [user.email])
    except Exception:
        logger.exception("could not e-mail notification %s", notification.pk)
        return
    Notification.objects.filter(pk=notification.pk).update(emailed_at=timezone.now())


def inbox(user: User, *, limit: int = 50) -> list[Notification]:
    return list(
        Notification.objects.filter(recipient=user)
        .select_related(
            "comment__story__channel", "comment__story__section", "comment__author__profile"
        )
        .order_by("-created_at")[:limit]
    )


def mark_read(user: User) -> None:
    Notification.objects.filter(recipient=user, read_at__isnull=True).update(read_at=timezone.now())
    cache.delete(_unread_key(user.pk))
