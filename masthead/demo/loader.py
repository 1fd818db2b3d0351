"""Loads the demo content (content/*.json) through the same services members and curators use.

Idempotent: members are found by e-mail, channels by slug, stories by a public id derived from
their key, so loading again creates nothing twice; the discussions' activity (activity.py) comes
with the members it brings, the feeds and review queues (web.py) with the feed subscriptions.
Story times are relative to today, so the demo always looks current.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from masthead.accounts.models import User
from masthead.accounts.services import member_create
from masthead.channels.models import Channel
from masthead.channels.services import channel_create, section_create
from masthead.core import localcache
from masthead.discussion.models import Comment
from masthead.discussion.services import comment_create
from masthead.notifications.models import Notification
from masthead.notifications.services import notify_for_comment
from masthead.search.services import related_refresh
from masthead.stories.models import Story
from masthead.stories.services import story_create, story_publish

from . import activity, web
from .clock import moment_of
from .images import paint

CONTENT_DIR = Path(__file__).with_name("content")
STORY_ID_NAMESPACE = uuid.UUID("6f1c3b8e-2d4a-4f5e-9a7b-3c2d1e0f9a8b")
DEMO_PASSWORD = "masthead-demo"  # noqa: S105 - printed for the demo's visitors
EMAIL_DOMAIN = "masthead.test"  # reserved for testing (RFC 2606): mail to it goes nowhere
ADMIN = {"handle": "siteadmin", "display_name": "Site Admin"}
# Comments arrive over the hours after a story; the demo spaces them like that.
COMMENT_SPACING = dt.timedelta(minutes=37)


@dataclass
class Report:
    members: int = 0
    channels: int = 0
    stories: int = 0
    comments: int = 0
    reactions: int = 0
    reports: int = 0
    moderation: int = 0  # appointments, rules, word lists, decisions on comments, bans
    pins: int = 0
    feeds: int = 0
    candidates: int = 0
    accounts: list[tuple[str, str]] = field(default_factory=list)

    @property
    def created_anything(self) -> bool:
        return any(
            (
                self.members,
                self.channels,
                self.stories,
                self.comments,
                self.reactions,
                self.reports,
                self.moderation,
                self.pins,
                self.feeds,
                self.candidates,
            )
        )


def email_for(handle: str) -> str:
    return f"{handle}@{EMAIL_DOMAIN}"


def read_content() -> tuple[dict[str, Any], list[dict[str, Any]]]:
    site = json.loads((CONTENT_DIR / "site.json").read_text(encoding="utf-8"))
    stories: list[dict[str, Any]] = []
    for path in sorted(CONTENT_DIR.glob("stories_*.json")):
        stories.extend(json.loads(path.read_text(encoding="utf-8")))
    return site, stories


def _member(handle: str, display_name: str, report: Report, *, staff: bool = False) -> User:
    user = User.objects.filter(email=email_for(handle)).first()
    if user is None:
        user = member_create(
            email=email_for(handle),
            password=DEMO_PASSWORD,
            handle=handle,
            display_name=display_name,
        )
        report.members += 1
    if staff and not user.is_superuser:
        user.is_staff = user.is_superuser = True
        user.save(update_fields=["is_staff", "is_superuser"])
    return user


def _story(
    entry: dict[str, Any],
    channels: dict[str, Channel],
    members: dict[str, User],
    now: dt.datetime,
    report: Report,
) -> None:
    public_id = uuid.uuid5(STORY_ID_NAMESPACE, entry["key"])
    if Story.objects.filter(public_id=public_id).exists():
        return
    channel = channels[entry["channel"]]
    section = channel.sections.get(slug=entry["section"])
    image = entry.get("image")
    source = entry.get("source") or {}
    story = story_create(
        actor=None,
        channel=channel,
        section=section,
        kind=entry["kind"],
        public_id=public_id,
        headline=entry["headline"],
        byline=entry.get("byline", ""),
        time_zone=entry["time_zone"],
        excerpt=entry.get("excerpt", ""),
        body=entry["body"],
        original_url=source.get("url", ""),
        source_name=source.get("name", ""),
        image=io.BytesIO(paint(entry["key"], image["motif"], image["palette"])) if image else None,
        image_caption=image["caption"] if image else "",
        image_credit=image["credit"] if image else "",
        image_alt=image["alt"] if image else "",
    )
    published = moment_of(entry, now)
    story = story_publish(actor=None, story=story, at=published)
    report.stories += 1

    moment = published
    for thread in entry.get("comments", []):
        moment = min(moment + COMMENT_SPACING, now)
        opening, _created = comment_create(
            actor=members[thread["author"]], story=story, body=thread["body"], created_at=moment
        )
        in_thread: dict[int, Comment] = {1: opening}
        for reply in thread.get("replies", []):
            moment = min(moment + COMMENT_SPACING, now)
            parent = in_thread.get(int(reply.get("reply_to", 1)), opening)
            comment, created = comment_create(
                actor=members[reply["author"]],
                story=story,
                body=reply["body"],
                parent=parent,
                created_at=moment,
            )
            in_thread[comment.position] = comment
            if created:  # the demo's members find these replies in their inbox, dated
                notify_for_comment(comment.pk, email=False)
                Notification.objects.filter(comment=comment).update(created_at=moment)
        report.comments += len(in_thread)


def load(*, sources_url: str = "", now: dt.datetime | None = None) -> Report:
    """Load what is not loaded yet, dated relative to ``now`` (the clock by default; a test
    that compares orders by time passes a fixed moment). ``sources_url`` is where the demo's
    made-up publishers are served (sources.py), while `masthead demo` runs: the channels
    subscribe to their feeds and a few of their articles wait in review queues. Without it,
    none of that is seeded.

    New stories get their related stories computed here, once the content has committed,
    rather than by the worker: the first story page a newcomer opens shows them."""
    report = _load(sources_url=sources_url, now=now or timezone.now())
    if report.stories:
        related_refresh()
    return report


@transaction.atomic
def _load(*, sources_url: str, now: dt.datetime) -> Report:
    if not User.objects.exists():
        # A database made anew: what the cache remembers of an earlier one (bans, rules,
        # pages, keyed by ids the new rows take again) is about other rows.
        cache.clear()
        localcache.clear_all()
    site, stories = read_content()
    seen = activity.read_activity()
    report = Report()
    _member(ADMIN["handle"], ADMIN["display_name"], report, staff=True)
    report.accounts.append((email_for(ADMIN["handle"]), "site admin (also /admin/)"))
    members = {
        m["handle"]: _member(m["handle"], m["display_name"], report) for m in site["members"]
    }
    # The activity's members come with it: when the first of them exists, it happened.
    happened = User.objects.filter(email=email_for(seen["members"][0]["handle"])).exists()
    members |= {
        m["handle"]: _member(m["handle"], m["display_name"], report) for m in seen["members"]
    }
    channels: dict[str, Channel] = {}
    for spec in site["channels"]:
        channel = Channel.objects.filter(slug=spec["slug"]).first()
        if channel is None:
            channel = channel_create(
                actor=None,
                slug=spec["slug"],
                name=spec["name"],
                tagline=spec["tagline"],
                owner=members[spec["owner"]],
            )
            for position, section in enumerate(spec["sections"]):
                section_create(
                    actor=None,
                    channel=channel,
                    slug=section["slug"],
                    name=section["name"],
                    position=position,
                )
            report.channels += 1
        channels[spec["slug"]] = channel
        report.accounts.append((email_for(spec["owner"]), f"owner and curator of {spec['name']}"))
    names = {channel.slug: channel.name for channel in channels.values()}
    for spec in seen["moderators"]:
        report.accounts.append(
            (email_for(spec["handle"]), f"moderator of {names[spec['channel']]}")
        )
    for handle in [m["handle"] for m in site["members"]][len(site["channels"]) :][:3]:
        report.accounts.append((email_for(handle), "member"))
    for spec in seen["bans"]:
        report.accounts.append(
            (email_for(spec["member"]), f"member banned from writing in {names[spec['channel']]}")
        )
    for entry in stories:
        _story(entry, channels, members, now, report)
    if not happened:
        by_key = _stories_by_key([entry["key"] for entry in stories])
        counts = activity.seed(seen, members=members, channels=channels, stories=by_key, now=now)
        report.comments += counts["comments"]
        report.reactions += counts["reactions"]
        report.reports += counts["reports"]
        report.moderation += counts["moderation"]
        report.pins += counts["pins"]
    if sources_url:
        owners = {spec["slug"]: members[spec["owner"]] for spec in site["channels"]}
        feeds, candidates = web.seed(
            base=sources_url, channels=channels, owners=owners, members=members
        )
        report.feeds += feeds
        report.candidates += candidates
    return report


def _stories_by_key(keys: list[str]) -> dict[str, Story]:
    ids = {uuid.uuid5(STORY_ID_NAMESPACE, key): key for key in keys}
    return {ids[story.public_id]: story for story in Story.objects.filter(public_id__in=ids)}
