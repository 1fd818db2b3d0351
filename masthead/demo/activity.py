"""What happens in the demo's discussions besides the comments themselves (content/
activity.json): a moderator appointed, a channel's rules and word lists set, comments waiting
for review, reactions, a troll's comments reported, hidden and removed, the troll banned; and
the editors' pins (a site editor's on the front page, an owner's on City Desk's page).

All of it goes through the services members and moderators use, so it obeys their rules and
writes the moderation log as they do. It is seeded once, with the members it brings.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError

from masthead.accounts.models import User
from masthead.channels.models import Channel, ChannelRole
from masthead.channels.services import role_grant
from masthead.discussion.models import Comment
from masthead.discussion.services import (
    comment_create,
    comment_feature,
    comment_hide,
    comment_remove,
    comment_report,
    reaction_set,
)
from masthead.moderation.services import ban_create, rules_update, word_rule_add
from masthead.notifications.services import notify_for_comment
from masthead.stories.models import Story
from masthead.stories.pins import pin_set

logger = logging.getLogger(__name__)

CONTENT = Path(__file__).with_name("content") / "activity.json"
# A reply is dated at least this long after the comment it answers.
REPLY_AFTER = dt.timedelta(minutes=3)


def read_activity() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(CONTENT.read_text(encoding="utf-8"))
    return data


class _Seeding:
    def __init__(
        self,
        *,
        members: dict[str, User],
        channels: dict[str, Channel],
        stories: dict[str, Story],
        now: dt.datetime,
    ) -> None:
        self.members, self.channels, self.stories, self.now = members, channels, stories, now
        self.written: dict[str, Comment] = {}
        self.counts = {"comments": 0, "reactions": 0, "reports": 0, "moderation": 0, "pins": 0}

    def comment(self, ref: str) -> Comment:
        """A comment by "<story key>#<thread>-<position>", or the key of one written here."""
        if "#" not in ref:
            return self.written[ref]
        story_key, number = ref.split("#")
        thread, position = (int(part) for part in number.split("-"))
        return Comment.objects.get(story=self.stories[story_key], thread=thread, position=position)

    def write(self, spec: dict[str, Any]) -> None:
        story = self.stories[spec["story"]]
        parent = self.comment(f"{spec['story']}#{spec['reply_to']}") if "reply_to" in spec else None
        moment = self.now - dt.timedelta(minutes=int(spec["minutes_ago"]))
        if parent is not None:
            moment = max(moment, parent.created_at + REPLY_AFTER)
        comment, created = comment_create(
            actor=self.members[spec["author"]],
            story=story,
            body=spec["body"],
            parent=parent,
            created_at=min(moment, self.now),
        )
        if comment.status != spec["expect"]:
            raise ValueError(
                f"demo comment {spec['key']!r} is {comment.status}, not {spec['expect']}: "
                "its channel's rules or the scorer changed"
            )
        if created and parent is not None:  # the member it answers finds it in their inbox
            notify_for_comment(comment.pk, email=False)
        self.written[spec["key"]] = comment
        self.counts["comments"] += int(created)

    def decide(self, spec: dict[str, Any]) -> None:
        actor, comment = self.members[spec["by"]], self.comment(spec["comment"])
        if spec["action"] == "hide":
            comment_hide(actor=actor, comment=comment)
        elif spec["action"] == "remove":
            comment_remove(actor=actor, comment=comment, reason=spec["reason"])
        elif spec["action"] == "feature":
            comment_feature(actor=actor, comment=comment)
        else:
            raise ValueError(f"unknown demo decision {spec['action']!r}")
        self.counts["moderation"] += 1


def seed(
    activity: dict[str, Any],
    *,
    members: dict[str, User],
    channels: dict[str, Channel],
    stories: dict[str, Story],
    now: dt.datetime,
) -> dict[str, int]:
    """Seed ``activity`` (read_activity()); what was made, counted by kind. A demo database
    made before the activity existed may have moved on (a comment removed, a member banned):
    what the services refuse there is skipped with a line in the log, never a failed start."""
    seeding = _Seeding(members=members, channels=channels, stories=stories, now=now)
    counts = seeding.counts

    def attempt(kind: str | None, action: Callable[[], object]) -> None:
        """Do ``action``, counted as ``kind`` (None: it counts itself)."""
        try:
            action()
        except (ValidationError, PermissionDenied) as refused:
            logger.info("demo activity skipped: %s", refused)
            return
        if kind is not None:
            counts[kind] += 1

    for spec in activity["moderators"]:
        attempt(
            "moderation",
            partial(
                role_grant,
                actor=members[spec["appointed_by"]],
                channel=channels[spec["channel"]],
                user=members[spec["handle"]],
                role=ChannelRole.Role.MODERATOR,
            ),
        )
    for spec in activity["rules"]:
        attempt(
            "moderation",
            partial(
                rules_update,
                actor=members[spec["by"]],
                channel=channels[spec["channel"]],
                premoderation=spec["premoderation"],
            ),
        )
    for spec in activity["words"]:
        attempt(
            "moderation",
            partial(
                word_rule_add,
                actor=members[spec["by"]],
                channel=channels[spec["channel"]],
                phrase=spec["phrase"],
                kind=spec["kind"],
            ),
        )
    for spec in activity["comments"]:
        attempt(None, partial(seeding.write, spec))

    def react(handle: str, ref: str) -> None:
        reaction_set(actor=members[handle], comment=seeding.comment(ref), reacted=True)

    def report(spec: dict[str, Any]) -> None:
        comment_report(
            actor=members[spec["by"]],
            comment=seeding.comment(spec["comment"]),
            reason=spec["reason"],
            note=spec["note"],
        )

    for spec in activity["reactions"]:
        for handle in spec["by"]:
            attempt("reactions", partial(react, handle, spec["comment"]))
    for spec in activity["reports"]:
        attempt("reports", partial(report, spec))
    for spec in activity["decisions"]:
        attempt(None, partial(seeding.decide, spec))
    for spec in activity["bans"]:
        attempt(
            "moderation",
            partial(
                ban_create,
                actor=members[spec["by"]],
                user=members[spec["member"]],
                channel=channels[spec["channel"]],
                kind=spec["kind"],
                reason=spec["reason"],
            ),
        )
    for spec in activity.get("pins", []):
        attempt(
            "pins",
            partial(
                pin_set,
                actor=members[spec["by"]] if "by" in spec else None,  # None: the site's operator
                story=stories[spec["story"]],
                front=spec["page"] == "front",
                place=int(spec["place"]),
                expires_at=now + dt.timedelta(days=int(spec["days"])),
            ),
        )
    return counts
