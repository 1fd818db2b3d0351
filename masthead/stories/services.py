"""Writes for stories: create, edit, publish, schedule, withdraw.

Every function takes the acting user and checks that they curate the story's channel;
``actor=None`` is the operator (command line, demo loader, importers).
"""

from __future__ import annotations

import datetime as dt
from typing import IO, Any
from urllib.parse import urlsplit

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from masthead.accounts.models import User
from masthead.channels.models import Channel, Section
from masthead.channels.selectors import can_curate
from masthead.core import pagecache
from masthead.core.canonical import canonical_url
from masthead.core.images import process_upload
from masthead.core.sanitize import story_body_from_input

from .models import SLUG_MAX_LENGTH, Source, Story
from .selectors import story_list_more_forget

EDITABLE_FIELDS = (
    "section",
    "headline",
    "byline",
    "time_zone",
    "body",
    "excerpt",
    "image_caption",
    "image_credit",
    "image_alt",
    "original_url",
    "comments_open",
)


def check_can_curate(actor: User | None, channel: Channel) -> None:
    if actor is not None and not can_curate(actor, channel.pk):
        raise PermissionDenied(_("Only the channel's curators and owners may do this."))


def slug_for(headline: str) -> str:
    slug = slugify(headline)[:SLUG_MAX_LENGTH].strip("-")
    return slug or "story"


def domain_of(url: str) -> str:
    host = (urlsplit(url).hostname or "").lower().rstrip(".")
    return host.removeprefix("www.")


@transaction.atomic
def source_get_or_create(*, url: str, name: str = "") -> Source:
    """The source for an article URL, by its domain; a new one is named ``name`` or the domain."""
    domain = domain_of(url)
    if not domain:
        raise ValidationError(
            {"original_url": _("Enter the full address, with http:// or https://.")}
        )
    source, created = Source.objects.get_or_create(domain=domain, defaults={"name": name or domain})
    if not created and name and source.name == source.domain:
        source.name = name
        source.save(update_fields=["name"])
    return source


def story_pages_changed(story: Story, *, old_path: str | None = None) -> None:
    """After commit, drop the cached pages that show this story: the front page and, since
    every story page lists the channel's newest, all of its channel's pages."""
    paths = {"/", old_path} if old_path else {"/"}
    channel_url, channel_id = story.channel.get_absolute_url(), story.channel_id

    def invalidate() -> None:
        story_list_more_forget(channel_id)
        pagecache.invalidate_paths(paths, channels=[channel_url])

    transaction.on_commit(invalidate)


def _apply(story: Story, fields: dict[str, Any]) -> None:
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"not editable: {sorted(unknown)}")
    for name, value in fields.items():
        if name == "body":
            value = story_body_from_input(value or "")
        elif name == "original_url" and value:
            value = canonical_url(value)
        elif isinstance(value, str):
            value = value.strip()
        setattr(story, name, value)
    story.slug = slug_for(story.headline)


def _attach_image(story: Story, image: IO[bytes] | None) -> None:
    if image is not None:
        try:
            processed = process_upload(image, name="lead")
        except ValidationError as error:
            raise ValidationError({"image": error.messages}) from error
        story.image.save(processed.name or "lead", processed, save=False)


@transaction.atomic
def story_create(
    *,
    actor: User | None,
    channel: Channel,
    section: Section,
    kind: str = Story.Kind.ORIGINAL,
    source_name: str = "",
    image: IO[bytes] | None = None,
    public_id: Any = None,
    **fields: Any,
) -> Story:
    """A new story, as a draft. Publish or schedule it with ``story_publish``."""
    check_can_curate(actor, channel)
    story = Story(channel=channel, section=section, kind=kind, created_by=actor)
    if public_id is not None:
        story.public_id = public_id
    _apply(story, fields)
    if kind == Story.Kind.CURATED and story.original_url:
        story.source = source_get_or_create(url=story.original_url, name=source_name)
    story.full_clean(exclude=["image"])
    _attach_image(story, image)
    story.save()
    return story


@transaction.atomic
def story_update(
    *,
    actor: User | None,
    story: Story,
    image: IO[bytes] | None = None,
    remove_image: bool = False,
    source_name: str = "",
    **fields: Any,
) -> Story:
    """Edit a story. A changed headline changes the slug; old links redirect by public id."""
    check_can_curate(actor, story.channel)
    old_path = story.get_absolute_url()
    _apply(story, fields)
    if story.kind == Story.Kind.CURATED and story.original_url:
        story.source = source_get_or_create(url=story.original_url, name=source_name)
    story.full_clean(exclude=["image"])
    if remove_image and story.image:
        story.image.delete(save=False)
    _attach_image(story, image)
    story.revision = F("revision") + 1
    story.save()
    story.refresh_from_db(fields=["revision"])
    story_pages_changed(story, old_path=old_path)
    return story


@transaction.atomic
def story_publish(*, actor: User | None, story: Story, at: dt.datetime | None = None) -> Story:
    """Publish now, or schedule for ``at`` if that is in the future."""
    check_can_curate(actor, story.channel)
    now = timezone.now()
    if story.status == Story.Status.WITHDRAWN:
        raise ValidationError(_("A withdrawn story cannot be published again."))
    if at is not None and timezone.is_naive(at):
        raise ValueError("publication time must be aware")
    if at is None:
        at = (
            now
            if story.status == Story.Status.DRAFT or story.published_at is None
            else story.published_at
        )
    story.published_at = at
    story.status = Story.Status.SCHEDULED if story.published_at > now else Story.Status.PUBLISHED
    story.revision = F("revision") + 1
    story.save(update_fields=["status", "published_at", "revision", "updated_at"])
    story.refresh_from_db(fields=["revision"])
    story_pages_changed(story)
    return story


@transaction.atomic
def story_unpublish(*, actor: User | None, story: Story) -> Story:
    """Back to draft: readers no longer see it, comments are kept."""
    check_can_curate(actor, story.channel)
    story.status = Story.Status.DRAFT
    story.revision = F("revision") + 1
    story.save(update_fields=["status", "revision", "updated_at"])
    story.refresh_from_db(fields=["revision"])
    story_pages_changed(story)
    return story


@transaction.atomic
def story_withdraw(*, actor: User | None, story: Story, reason: str) -> Story:
    """Take a published story down for good; its URL answers 410 with the reason."""
    check_can_curate(actor, story.channel)
    reason = reason.strip()
    if not reason:
        raise ValidationError({"withdrawn_reason": _("Say why the story is withdrawn.")})
    story.status = Story.Status.WITHDRAWN
    story.withdrawn_at = timezone.now()
    story.withdrawn_reason = reason
    story.revision = F("revision") + 1
    story.save(
        update_fields=["status", "withdrawn_at", "withdrawn_reason", "revision", "updated_at"]
    )
    story.refresh_from_db(fields=["revision"])
    story_pages_changed(story)
    return story
