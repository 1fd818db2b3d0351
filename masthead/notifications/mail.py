"""Notification e-mail: one message per notification, or the daily digest; every message
carries a signed one-click unsubscribe link (in its text and in the ``List-Unsubscribe``
headers of RFC 8058, which mail clients show as a button).

Never twice: a notification is claimed (``emailed_at`` set) before its message is sent, and a
digest claims its member's day (``Preferences.digest_anchor`` moved on by a conditional
update) first, so two workers never send the same e-mail. A digest leaves out what is no
longer true (a reply removed since, a removal undone). A message the mail server refuses is
logged; a refused digest is tried again an hour later, for up to a week.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMessage
from django.db.models import Exists, F, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from masthead.accounts.models import User
from masthead.core.worker.outage import run_rounds

from .models import Delivery, Notification, Preferences

logger = logging.getLogger(__name__)
NO_MAIL_DOMAIN = "imported.invalid"  # accounts of imported commenters: nobody reads it
ALL_KINDS = "all"
DIGEST_EVERY = dt.timedelta(days=1)
DIGEST_RETRY = dt.timedelta(hours=1)
DIGEST_GIVE_UP = dt.timedelta(days=7)
LOOP_SECONDS = 60
_SALT = "masthead.notifications.unsubscribe"


def reachable(user: User) -> bool:
    return bool(user.email) and not user.email.endswith("@" + NO_MAIL_DOMAIN)


def _absolute(path: str) -> str:
    return settings.MASTHEAD_SITE_URL.rstrip("/") + path


def unsubscribe_token(user_id: int, kind: str) -> str:
    """Signed, so only the member's own e-mail holds it; it does not expire, as an
    unsubscribe link in an old e-mail must still work."""
    return signing.dumps([user_id, kind], salt=_SALT)


def unsubscribe_read(token: str) -> tuple[int, str]:
    """(user id, kind) from a token; ``signing.BadSignature`` if it was not ours."""
    value = signing.loads(token, salt=_SALT)
    kinds = [*Notification.Kind.values, ALL_KINDS]
    if not (isinstance(value, list) and len(value) == 2 and value[1] in kinds):
        raise signing.BadSignature("not an unsubscribe token")
    return int(value[0]), str(value[1])


def unsubscribe_url(user_id: int, kind: str) -> str:
    token = unsubscribe_token(user_id, kind)
    return _absolute(reverse("notifications:unsubscribe", args=[token]))


def _send(user: User, subject: str, body: str, unsubscribe: str) -> None:
    message = EmailMessage(
        f"[{settings.MASTHEAD_SITE_NAME}] {subject}",
        body,
        to=[user.email],
        headers={
            "List-Unsubscribe": f"<{unsubscribe}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )
    message.send()


def _link(notification: Notification) -> str:
    comment = notification.comment
    return _absolute(f"{comment.story.get_absolute_url()}#{comment.anchor}")


def _footer(why: str, unsubscribe: str) -> str:
    return _(
        "\n--\n%(why)s\nStop these e-mails: %(unsubscribe)s\nAll your settings: %(settings)s\n"
    ) % {
        "why": why,
        "unsubscribe": unsubscribe,
        "settings": _absolute(reverse("notifications:settings")),
    }


def send_one(notification: Notification) -> bool:
    """E-mail one notification now, unless it was e-mailed (or claimed) before."""
    claimed = Notification.objects.filter(pk=notification.pk, emailed_at__isnull=True).update(
        emailed_at=timezone.now()
    )
    if not claimed:
        return False
    comment, user, summary = notification.comment, notification.recipient, notification.summary()
    lines = [
        _("%(summary)s on “%(story)s”:") % {"summary": summary, "story": comment.story.headline},
        "",
        comment.body_source[:1000],
        "",
    ]
    if notification.kind == Notification.Kind.REMOVED and comment.removed_reason:
        lines += [_("The moderators' reason: %(reason)s") % {"reason": comment.removed_reason}, ""]
    lines.append(_("Read it: %(url)s") % {"url": _link(notification)})
    unsubscribe = unsubscribe_url(user.pk, notification.kind)
    why = _("You get this e-mail because your settings send “%(kind)s” by e-mail.") % {
        "kind": notification.get_kind_display()
    }
    try:
        _send(user, summary, "\n".join(lines) + _footer(why, unsubscribe), unsubscribe)
    except Exception:
        logger.exception("could not e-mail notification %s", notification.pk)
        return False
    return True


def due_digests(now: dt.datetime, *, limit: int = 200) -> list[Preferences]:
    """Members with e-mail waiting whose digest day has ended (or who turned the digest off,
    which makes what waits due at once), longest waiting first."""
    waiting = Notification.objects.filter(
        recipient=OuterRef("user"), email_due=True, emailed_at__isnull=True
    )
    return list(
        Preferences.objects.filter(Exists(waiting))
        .filter(Q(digest_anchor__isnull=True) | Q(digest_anchor__lte=now - DIGEST_EVERY))
        .select_related("user")
        .order_by(F("digest_anchor").asc(nulls_first=True))[:limit]
    )


def send_due_digests(*, now: dt.datetime | None = None, limit: int = 200) -> int:
    """Send every digest that is due; the number sent."""
    now = now or timezone.now()
    return sum(digest_send(preferences, now) for preferences in due_digests(now, limit=limit))


def digest_send(preferences: Preferences, now: dt.datetime) -> int:
    """Claim the member's digest day, then send what waited before it began: 1 if sent.
    ``preferences`` as read before the claim; when another worker claimed it since, its
    ``digest_anchor`` no longer matches and nothing happens."""
    anchor = preferences.digest_anchor
    if preferences.digest and anchor is not None:
        # The day's digest time (the same time of day as the member's first), however many
        # days were quiet: what arrives after it waits for the next day's.
        cutoff = anchor + ((now - anchor) // DIGEST_EVERY) * DIGEST_EVERY
    else:
        cutoff = now
    claimed = Preferences.objects.filter(pk=preferences.pk, digest_anchor=anchor).update(
        digest_anchor=cutoff
    )
    if not claimed:
        return 0
    user = preferences.user
    items = list(
        Notification.objects.filter(
            recipient=user, email_due=True, emailed_at__isnull=True, created_at__lt=cutoff
        )
        .with_comment()
        .order_by("created_at")
    )
    wanted = [
        n for n in items if preferences.delivery(n.kind) == Delivery.EMAIL and n.still_relevant()
    ]
    Notification.objects.filter(pk__in=[n.pk for n in items]).update(email_due=False)
    if not wanted or not reachable(user) or not user.is_active:
        return 0
    Notification.objects.filter(pk__in=[n.pk for n in wanted]).update(emailed_at=now)
    try:
        _send_digest(user, wanted)
    except Exception:
        if wanted[0].created_at < now - DIGEST_GIVE_UP:
            logger.exception("gave up e-mailing the digest of member %s", user.pk)
            Notification.objects.filter(pk__in=[n.pk for n in wanted]).update(emailed_at=None)
            return 0  # in the inbox still; the mail server has refused it for days
        logger.exception("could not e-mail the digest of member %s; trying in an hour", user.pk)
        Notification.objects.filter(pk__in=[n.pk for n in wanted]).update(
            emailed_at=None, email_due=True
        )
        Preferences.objects.filter(pk=preferences.pk, digest_anchor=cutoff).update(
            digest_anchor=now - DIGEST_EVERY + DIGEST_RETRY
        )
        return 0
    return 1


def _send_digest(user: User, wanted: list[Notification]) -> None:
    subject = ngettext(
        "Your daily digest: %(count)d notification",
        "Your daily digest: %(count)d notifications",
        len(wanted),
    ) % {"count": len(wanted)}
    lines = []
    for notification in wanted:
        lines += [
            f"* {notification.summary()}, “{notification.comment.story.headline}”",
            "  " + " ".join(notification.comment.body_source.split())[:280],
            "  " + _link(notification),
            "",
        ]
    unsubscribe = unsubscribe_url(user.pk, ALL_KINDS)
    why = _("You get this digest because your settings gather your e-mails once a day.")
    _send(user, subject, "\n".join(lines) + _footer(why, unsubscribe), unsubscribe)


class DigestLoop:
    """The daily digests as a worker loop (settings.MASTHEAD_WORKER_LOOPS): each worker
    looks for due digests every minute."""

    @staticmethod
    def forever(stop: threading.Event) -> None:
        run_rounds(
            stop,
            name="digests",
            work=send_due_digests,
            idle_seconds=LOOP_SECONDS,
            busy_seconds=LOOP_SECONDS,
        )

    @staticmethod
    def once() -> int:
        return send_due_digests()
