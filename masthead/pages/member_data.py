"""A member's data, which is theirs: everything Masthead holds about them as one JSON
document, and the deletion of their account. And a channel's members, for its owner.

This module composes what the apps below it keep (accounts, channels, discussion,
moderation, notifications), which none of them may import from one another.
"""

from __future__ import annotations

import csv
import io
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Max, Min
from django.utils.translation import gettext as _

from masthead.accounts.models import User
from masthead.channels.models import Channel, ChannelRole, Follow
from masthead.channels.selectors import is_owner
from masthead.discussion.models import Comment, CommentReport, Reaction
from masthead.discussion.services import member_erase
from masthead.moderation.models import Ban
from masthead.notifications.models import Notification
from masthead.notifications.services import preferences_for

FORMAT_VERSION = 1


def member_export(member: User) -> dict[str, Any]:
    """Everything about the member: account, profile, comments (with their text as written),
    reactions, reports, follows, roles, bans, notifications and their settings."""
    profile = getattr(member, "profile", None)
    preferences = preferences_for(member)
    comments = Comment.objects.filter(author=member).select_related(
        "story__channel", "story__section"
    )
    return {
        "format": f"masthead-member-data/{FORMAT_VERSION}",
        "account": {
            "email": member.email,
            "joined": member.date_joined.isoformat(),
            "last_login": member.last_login.isoformat() if member.last_login else None,
        },
        "profile": {
            "handle": profile.handle,
            "display_name": profile.display_name,
            "bio": profile.bio,
        }
        if profile
        else None,
        "comments": [
            {
                "story": comment.story.headline,
                "url": comment.story.get_absolute_url() + "#" + comment.anchor,
                "number": comment.number,
                "text": comment.body_source,
                "status": comment.status,
                "created": comment.created_at.isoformat(),
                "edited": comment.edited_at.isoformat() if comment.edited_at else None,
                "deleted": comment.deleted_at.isoformat() if comment.deleted_at else None,
            }
            for comment in comments.order_by("created_at")
        ],
        "reactions": [
            {
                "comment": f"{r.comment.story.get_absolute_url()}#{r.comment.anchor}",
                "created": r.created_at.isoformat(),
            }
            for r in Reaction.objects.filter(member=member).select_related(
                "comment__story__channel", "comment__story__section"
            )
        ],
        "reports": [
            {
                "comment": f"{r.comment.story.get_absolute_url()}#{r.comment.anchor}",
                "reason": r.reason,
                "note": r.note,
                "created": r.created_at.isoformat(),
            }
            for r in CommentReport.objects.filter(reporter=member).select_related(
                "comment__story__channel", "comment__story__section"
            )
        ],
        "follows": [
            {"channel": f.channel.name, "since": f.created_at.isoformat()}
            for f in Follow.objects.filter(member=member).select_related("channel")
        ],
        "roles": [
            {"channel": r.channel.name, "role": r.role}
            for r in ChannelRole.objects.filter(user=member).select_related("channel")
        ],
        "bans": [
            {
                "channel": b.channel.name if b.channel else None,
                "kind": b.kind,
                "reason": b.reason,
                "until": b.expires_at.isoformat() if b.expires_at else None,
                "lifted": b.lifted_at.isoformat() if b.lifted_at else None,
            }
            for b in Ban.objects.filter(user=member).select_related("channel")
        ],
        "notification_settings": {
            **{kind: preferences.delivery(kind) for kind in Notification.Kind.values},
            "digest": preferences.digest,
        },
        "notifications": [
            {
                "kind": n.kind,
                "comment": f"{n.comment.story.get_absolute_url()}#{n.comment.anchor}",
                "created": n.created_at.isoformat(),
                "read": n.read_at.isoformat() if n.read_at else None,
                "emailed": n.emailed_at.isoformat() if n.emailed_at else None,
            }
            for n in Notification.objects.filter(recipient=member)
            .with_comment()
            .order_by("created_at")
        ],
    }


@transaction.atomic
def member_delete(*, member: User, password: str) -> None:
    """Delete the member's account after they confirm with their password: their comments stay
    as tombstones of a "deleted member", numbers unchanged; everything else of theirs goes."""
    if member.has_usable_password() and not member.check_password(password):
        raise ValidationError({"password": _("That is not your password.")})
    member_erase(member=member)
    member.delete()


def channel_members_csv(*, actor: User, channel: Channel) -> str:
    """The channel's members (everyone who commented, followed or reacted there) as CSV, for
    its owner: handle, display name, when they joined, comments, reactions, following.

    E-mail addresses are left out: members gave them to the platform, not to each channel.
    """
    if not is_owner(actor, channel.pk):
        raise PermissionDenied(_("Only the channel's owner exports its members."))
    rows: dict[int, dict[str, Any]] = {}

    def row(user_id: int) -> dict[str, Any]:
        return rows.setdefault(
            user_id,
            {"comments": 0, "reactions": 0, "following": False, "first": None, "last": None},
        )

    for entry in (
        Comment.objects.filter(story__channel=channel, author__isnull=False)
        .values("author_id")
        .annotate(n=Count("id"), first=Min("created_at"), last=Max("created_at"))
    ):
        found = row(entry["author_id"])
        found.update(comments=entry["n"], first=entry["first"], last=entry["last"])
    reactions = (
        Reaction.objects.filter(story__channel=channel)
        .values_list("member_id")
        .annotate(n=Count("id"))
        .values_list("member_id", "n")
    )
    for member_id, count in reactions:
        row(member_id)["reactions"] = count
    for user_id in Follow.objects.filter(channel=channel).values_list("member_id", flat=True):
        row(user_id)["following"] = True
    members = User.objects.filter(pk__in=rows).select_related("profile").order_by("date_joined")
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        [
            "handle",
            "display_name",
            "joined",
            "comments",
            "reactions",
            "following",
            "first_comment",
            "last_comment",
        ]
    )
    for member in members:
        profile = getattr(member, "profile", None)
        data = rows[member.pk]
        writer.writerow(
            [
                _safe(profile.handle if profile else ""),
                _safe(profile.display_name if profile else ""),
                member.date_joined.date().isoformat(),
                data["comments"],
                data["reactions"],
                "yes" if data["following"] else "no",
                data["first"].isoformat() if data["first"] else "",
                data["last"].isoformat() if data["last"] else "",
            ]
        )
    return out.getvalue()


def _safe(value: str) -> str:
    """A cell a spreadsheet will not run as a formula (CSV injection)."""
    return "'" + value if value[:1] in {"=", "+", "-", "@", "\t", "\r"} else value
