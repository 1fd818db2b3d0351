"""Writes for stories: create, edit, publish, schedule, withdraw, and ``story_save``, which
does what a curator's form asks (save, then publish, schedule or keep as a draft) for the desk
and the review queue alike.

Every function takes the acting user and checks that they curate the story's channel;
``actor=None`` is the operator (command line, demo loader, importers). Every write to an
existing story re-reads it under a lock and checks it as it is now: withdrawal is final
whichever way a request comes. A photo is decoded, re-encoded and stored before the
transaction opens, and the file it replaces is deleted once the transaction has committed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import IO, Any
from urllib.parse import urlsplit

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import Storage
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

from . import ranking
from .models import SLUG_MAX_LENGTH, Source, Story, lead_image_path
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
    "original_published_at",
    "comments_open",
)

# What a curator's form asks of the story's publication (stories.forms.StoryForm.action).
SAVE_ACTIONS = ("draft", "publish", "schedule")


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
    """After commit, drop the cached pages that show this story: the front page's Top and
    Latest and, since every story page lists the channel's newest, all of its channel's
    pages."""
    paths = {"/", "/latest"} | ({old_path} if old_path else set())
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
        elif name == "original_published_at" and value is not None and timezone.is_naive(value):
            raise ValueError("the original article's time must be aware")
        elif isinstance(value, str):
            value = value.strip()
        setattr(story, name, value)
    story.slug = slug_for(story.headline)


@dataclass(frozen=True)
class LeadPhoto:
    """A photo checked, re-encoded and stored, ready for a story to name, with its size and
    the caption and credit it carried (blank if none). Decoding is slow and storage may be
    remote: both are done before any transaction opens, so the database's write lock is
    never held for them."""

    name: str  # in the stories' image storage
    width: int
    height: int
    caption: str = ""
    credit: str = ""
    size: int | None = None  # bytes, as stored (a feed's enclosure gives it)


Photo = IO[bytes] | LeadPhoto | None


def _image_storage() -> Storage:
    return Story._meta.get_field("image").storage


def lead_photo(image: Photo) -> LeadPhoto | None:
    """Check, re-encode and store an uploaded photo (a ValidationError on ``image`` says why
    not). Call it before the transaction that saves the story; if that fails, the photo is
    no story's: ``lead_photo_discard`` it (``lead_photo_stored`` does both)."""
    if image is None or isinstance(image, LeadPhoto):
        return image
    try:
        processed = process_upload(image, name="lead")
    except ValidationError as error:
        raise ValidationError({"image": error.messages}) from error
    storage = _image_storage()
    name = storage.save(
        storage.generate_filename(lead_image_path(None, processed.file.name or "lead")),
        processed.file,
        max_length=Story._meta.get_field("image").max_length,
    )
    return LeadPhoto(
        name,
        width=processed.width,
        height=processed.height,
        caption=processed.caption,
        credit=processed.credit,
        size=processed.file.size,
    )


def lead_photo_discard(photo: LeadPhoto | None) -> None:
    """Delete the stored file of a photo no story took (its form was refused, its save failed,
    its record was imported already). Call it once the transaction has ended."""
    if photo is not None:
        _image_storage().delete(photo.name)


@contextmanager
def lead_photo_stored(image: Photo) -> Iterator[LeadPhoto | None]:
    """The photo decoded and stored (before the transaction the caller opens next, as in
    ``with lead_photo_stored(image) as photo, transaction.atomic():``), and deleted again
    if the block fails. A ``LeadPhoto`` passed in belongs to the caller, who discards it."""
    photo = lead_photo(image)
    try:
        yield photo
    except BaseException:
        if photo is not image:
            lead_photo_discard(photo)  # the block failed: no story took it
        raise


def story_image_set(*, story: Story, photo: LeadPhoto | None, remove: bool = False) -> bool:
    """Name ``photo`` (or, ``remove``, no photo) as the story's, on the instance the caller
    saves in its transaction (its image as the locked row has it); the caption and credit
    the photo carried fill the story's where blank. The file it replaces is deleted once the
    transaction commits (a rollback leaves the row naming it, so it stays). Returns whether
    the image changed."""
    replaced = story.image.name or ""
    if photo is not None:
        # The name, not the field, is assigned: Django would open the stored file to measure
        # it, and the size is known.
        story.image.name = photo.name
        story.image_width, story.image_height = photo.width, photo.height
        story.image_bytes = photo.size
        if not story.image_caption.strip():
            story.image_caption = photo.caption
        if not story.image_credit.strip():
            story.image_credit = photo.credit
    elif remove and replaced:
        story.image.name = ""
        story.image_width = story.image_height = story.image_bytes = None
    else:
        return False
    if replaced and replaced != story.image.name:
        storage = _image_storage()
        transaction.on_commit(lambda: storage.delete(replaced), robust=True)
    return True


def story_locked(story: Story) -> Story:
    """The story's row as it is now, locked until the transaction ends (on SQLite the
    transaction holds the database's write lock already)."""
    return (
        Story.objects.select_for_update(of=("self",))
        .select_related("channel", "section", "source")
        .get(pk=story.pk)
    )


def _refuse_withdrawn(story: Story) -> None:
    if story.status == Story.Status.WITHDRAWN:
        raise ValidationError(_("A withdrawn story stays withdrawn."), code="withdrawn")


def story_create(
    *,
    actor: User | None,
    channel: Channel,
    section: Section,
    kind: str = Story.Kind.ORIGINAL,
    source_name: str = "",
    image: Photo = None,
    public_id: Any = None,
    **fields: Any,
) -> Story:
    """A new story, as a draft. Publish or schedule it with ``story_publish``."""
    check_can_curate(actor, channel)
    with lead_photo_stored(image) as photo, transaction.atomic():
        story = Story(channel=channel, section=section, kind=kind, created_by=actor)
        if public_id is not None:
            story.public_id = public_id
        _apply(story, fields)
        if kind == Story.Kind.CURATED and story.original_url:
            story.source = source_get_or_create(url=story.original_url, name=source_name)
        story.full_clean(exclude=["image"])
        story_image_set(story=story, photo=photo)
        story.save()
        return story


def story_update(
    *,
    actor: User | None,
    story: Story,
    image: Photo = None,
    remove_image: bool = False,
    source_name: str = "",
    **fields: Any,
) -> Story:
    """Edit a story. A changed headline changes the slug; old links redirect by public id."""
    check_can_curate(actor, story.channel)
    with lead_photo_stored(image) as photo, transaction.atomic():
        story = story_locked(story)
        _refuse_withdrawn(story)
        old_path = story.get_absolute_url()
        _apply(story, fields)
        if story.kind == Story.Kind.CURATED and story.original_url:
            story.source = source_get_or_create(url=story.original_url, name=source_name)
        story.full_clean(exclude=["image"])
        story_image_set(story=story, photo=photo, remove=remove_image)
        story.revision = F("revision") + 1
        story.save(
            update_fields=[
                *fields,
                "slug",
                "source",
                "image",
                "image_width",
                "image_height",
                "image_bytes",
                "image_caption",  # the photo's own may fill them (story_image_set)
                "image_credit",
                "revision",
                "updated_at",
            ]
        )
        story.refresh_from_db(fields=["revision"])
        story_pages_changed(story, old_path=old_path)
        return story


@transaction.atomic
def story_publish(
    *, actor: User | None, story: Story, at: dt.datetime | None = None, date_only: bool = False
) -> Story:
    """Publish now, or schedule for ``at`` if that is in the future. A withdrawn story is
    never published again. ``date_only``: ``at`` is a day's midnight UTC standing for a date
    without a time (an archived page's), and pages give the date alone."""
    check_can_curate(actor, story.channel)
    story = story_locked(story)
    _refuse_withdrawn(story)
    now = timezone.now()
    if at is not None and timezone.is_naive(at):
        raise ValueError("publication time must be aware")
    if at is None and story.status != Story.Status.DRAFT and story.published_at is not None:
        at, date_only = story.published_at, story.published_date_only  # kept as it was
    elif at is None:
        at = now
    story.published_at = at
    story.published_date_only = date_only
    story.status = Story.Status.SCHEDULED if story.published_at > now else Story.Status.PUBLISHED
    story.revision = F("revision") + 1
    story.save(
        update_fields=["status", "published_at", "published_date_only", "revision", "updated_at"]
    )
    story.refresh_from_db(fields=["revision"])
    ranking.stories_rank_refresh(story_ids=[story.pk])  # its time term moved
    story.refresh_from_db(fields=["rank_points", "hotness"])
    story_pages_changed(story)
    return story


@transaction.atomic
def story_unpublish(*, actor: User | None, story: Story) -> Story:
    """Back to draft: readers no longer see it, comments are kept. A withdrawn story stays
    withdrawn (going through a draft would be a way back)."""
    check_can_curate(actor, story.channel)
    story = story_locked(story)
    _refuse_withdrawn(story)
    if story.status == Story.Status.DRAFT:
        return story
    story.status = Story.Status.DRAFT
    story.revision = F("revision") + 1
    story.save(update_fields=["status", "revision", "updated_at"])
    story.refresh_from_db(fields=["revision"])
    story_pages_changed(story)
    return story


@transaction.atomic
def story_withdraw(*, actor: User | None, story: Story, reason: str) -> Story:
    """Take a story down for good; its URL answers 410 with the reason. Withdrawing it again
    keeps the first withdrawal."""
    check_can_curate(actor, story.channel)
    reason = reason.strip()
    if not reason:
        raise ValidationError({"withdrawn_reason": _("Say why the story is withdrawn.")})
    story = story_locked(story)
    if story.status == Story.Status.WITHDRAWN:
        return story
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


def story_save(
    *,
    actor: User | None,
    channel: Channel,
    action: str,
    story: Story | None = None,
    kind: str = Story.Kind.ORIGINAL,
    publish_at: dt.datetime | None = None,
    image: Photo = None,
    remove_image: bool = False,
    source_name: str = "",
    **fields: Any,
) -> Story:
    """What a curator's form asks, in one transaction: create the story (``story`` None) or
    change it, then publish it now (``action`` "publish"), schedule it for ``publish_at``
    ("schedule"), or keep it as a draft ("draft": a live story goes back to draft)."""
    if action not in SAVE_ACTIONS:
        raise ValueError(f"unknown action {action!r}")
    if action == "schedule" and publish_at is None:
        raise ValidationError({"publish_at": _("Choose when to publish.")})
    with lead_photo_stored(image) as photo, transaction.atomic():
        if story is None:
            story = story_create(
                actor=actor,
                channel=channel,
                kind=kind,
                image=photo,
                source_name=source_name,
                **fields,
            )
        else:
            story = story_update(
                actor=actor,
                story=story,
                image=photo,
                remove_image=remove_image,
                source_name=source_name,
                **fields,
            )
        if action == "publish":
            story = story_publish(actor=actor, story=story)
        elif action == "schedule":
            story = story_publish(actor=actor, story=story, at=publish_at)
        elif story.status in Story.LIVE_STATUSES:
            story = story_unpublish(actor=actor, story=story)
        return story
