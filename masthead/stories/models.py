from __future__ import annotations

import datetime as dt
import re
import uuid
from pathlib import PurePath
from typing import ClassVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from masthead.channels.models import Channel, Section
from masthead.core import public_id
from masthead.core.timefmt import zone_names
from masthead.core.urlfill import url_fill

HEADLINE_MAX_LENGTH = 300
SLUG_MAX_LENGTH = 120  # long enough for a headline's words, short enough for a shared link


def validate_time_zone(value: str) -> None:
    if value not in zone_names():
        raise ValidationError(
            _("“%(zone)s” is not a time zone name such as America/Los_Angeles."),
            code="time_zone",
            params={"zone": value},
        )


def lead_image_path(story: Story | None, filename: str) -> str:
    # Uploaded names are the uploader's; stored names are ours. ``story`` None: a photo is
    # stored before its story's transaction opens (stories.services.lead_photo).
    suffix = PurePath(filename).suffix.lower()
    return f"stories/{timezone.now():%Y/%m}/{uuid.uuid4().hex}{suffix}"


class Source(models.Model):
    """A publisher whose articles channels curate, identified by its domain."""

    name = models.CharField(_("publisher"), max_length=200)
    domain = models.CharField(_("domain"), max_length=253, unique=True)

    class Meta:
        ordering = ("name",)

    def __str__(self) -> str:
        return f"{self.name} ({self.domain})"


# Names in a byline: "Ada Lindqvist, Bo Berg and Cy Chen" is three authors; "By Ada Lindqvist,
# Staff Writer" is one, with her role (a part whose last word names a job, not a person).
_BYLINE_SEPARATORS = re.compile(r"\s*(?:,|;|\band\b|&)\s*")
_BYLINE_LEAD = re.compile(r"^by\s+", re.IGNORECASE)
_BYLINE_ROLES = frozenset(
    {"writer", "reporter", "correspondent", "editor", "contributor", "columnist", "staff"}
    | {"desk", "photographer", "critic", "producer", "analyst", "journalist", "wires"}
    | {"correspondents", "writers", "reporters", "editors", "contributors"}
)


def names_in_byline(byline: str) -> list[str]:
    """The writers a byline names, in its order, without its "By" and the roles beside them."""
    parts = _BYLINE_SEPARATORS.split(_BYLINE_LEAD.sub("", byline.strip()))
    return [part for part in parts if part and part.split()[-1].lower() not in _BYLINE_ROLES]


class StoryQuerySet(models.QuerySet["Story"]):
    def published(self, now: dt.datetime | None = None) -> StoryQuerySet:
        """What readers see: published, or scheduled and due."""
        now = now or timezone.now()
        return self.filter(status__in=Story.LIVE_STATUSES, published_at__lte=now)

    def newest_first(self) -> StoryQuerySet:
        return self.order_by("-published_at", "-id")


StoryManager = models.Manager.from_queryset(StoryQuerySet)


class Story(models.Model):
    class Kind(models.TextChoices):
        ORIGINAL = "original", _("original")
        CURATED = "curated", _("curated")

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        SCHEDULED = "scheduled", _("scheduled")
        PUBLISHED = "published", _("published")
        WITHDRAWN = "withdrawn", _("withdrawn")

    LIVE_STATUSES = (Status.PUBLISHED, Status.SCHEDULED)

    public_id = models.UUIDField(default=public_id.new, unique=True, editable=False)
    channel = models.ForeignKey(Channel, on_delete=models.PROTECT, related_name="stories")
    section = models.ForeignKey(Section, on_delete=models.PROTECT, related_name="stories")
    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.ORIGINAL)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.DRAFT)

    headline = models.CharField(_("headline"), max_length=HEADLINE_MAX_LENGTH)
    slug = models.SlugField(_("slug"), max_length=SLUG_MAX_LENGTH, allow_unicode=False)
    byline = models.CharField(
        _("byline"), max_length=200, blank=True, help_text=_("The writers' names, without “By”.")
    )
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    # An archived page that gave a date without a time: published_at is that day's midnight
    # UTC, for ordering, and pages give the date alone.
    published_date_only = models.BooleanField(default=False, editable=False)
    time_zone = models.CharField(
        _("time zone"),
        max_length=64,
        default="UTC",
        validators=[validate_time_zone],
        help_text=_("The zone the story's time is shown in."),
    )
    body = models.TextField(_("body"), blank=True, help_text=_("Sanitized HTML."))
    excerpt = models.TextField(_("excerpt"), blank=True)

    image = models.ImageField(
        _("lead image"),
        upload_to=lead_image_path,
        blank=True,
        width_field="image_width",
        height_field="image_height",
    )
    image_width = models.PositiveIntegerField(null=True, blank=True, editable=False)
    image_height = models.PositiveIntegerField(null=True, blank=True, editable=False)
    # The stored file's length, so a feed's enclosure says it without asking the storage.
    image_bytes = models.PositiveIntegerField(null=True, blank=True, editable=False)
    image_caption = models.CharField(_("caption"), max_length=500, blank=True)
    image_credit = models.CharField(_("credit"), max_length=200, blank=True)
    image_alt = models.CharField(
        _("alt text"),
        max_length=300,
        blank=True,
        help_text=_("What the photo shows, for readers who cannot see it."),
    )

    source = models.ForeignKey(
        Source, on_delete=models.PROTECT, null=True, blank=True, related_name="stories"
    )
    original_url = models.URLField(_("original URL"), max_length=2000, blank=True)
    # When the original publisher published the article (a curated story's page shows this);
    # ``published_at`` stays when the channel published the story, which orders the lists.
    original_published_at = models.DateTimeField(
        _("original article's time"), null=True, blank=True
    )

    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_reason = models.CharField(_("reason for withdrawal"), max_length=500, blank=True)

    # Denormalized by discussion services under the story's row lock.
    comment_count = models.PositiveIntegerField(default=0, editable=False)
    thread_count = models.PositiveIntegerField(
        default=0, editable=False, help_text="Threads numbered so far; numbers are never reused."
    )
    comments_open = models.BooleanField(_("comments open"), default=True)
    comments_close_at = models.DateTimeField(
        _("close comments at"),
        null=True,
        blank=True,
        help_text=_("Leave empty to follow the channel's rule, if it has one."),
    )
    # Bumped by every write that changes the story page; part of its ETag.
    revision = models.PositiveIntegerField(default=1, editable=False)
    # The front page's Top order (stories/ranking.py, docs/decisions/0015): engagement points,
    # and the hotness they give with the publication time. Both change only when engagement
    # does, never with the clock: a newer story's time term is larger instead.
    rank_points = models.FloatField(default=1.0, editable=False)
    hotness = models.FloatField(default=0.0, editable=False)

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects: ClassVar[StoryManager] = StoryManager()

    class Meta:
        verbose_name_plural = _("stories")
        indexes: ClassVar = [
            models.Index(fields=["status", "-published_at"], name="story_live_idx"),
            models.Index(fields=["channel", "status", "-published_at"], name="story_channel_idx"),
            models.Index(fields=["section", "status", "-published_at"], name="story_section_idx"),
            models.Index(fields=["-hotness", "-published_at", "-id"], name="story_hot_idx"),
        ]
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=Q(kind="original") | (Q(source__isnull=False) & ~Q(original_url="")),
                name="curated_story_has_source",
            ),
        ]

    def __str__(self) -> str:
        return self.headline

    def get_absolute_url(self) -> str:
        return Story.path_of(
            channel=self.channel.slug,
            section=self.section.slug,
            slug=self.slug,
            key=self.public_id,
        )

    @staticmethod
    def path_of(*, channel: str, section: str, slug: str, key: uuid.UUID) -> str:
        """A story's URL from its values (a list read as values, not instances)."""
        return url_fill(
            "pages:story",
            channel=channel,
            section=section,
            slug=slug,
            public_id=public_id.encode(key),
        )

    def get_section_url(self) -> str:
        """The section's URL from the story's own channel: lists select the channel once,
        not once more per section."""
        return Section.path_of(channel=self.channel.slug, section=self.section.slug)

    @property
    def public_key(self) -> str:
        return public_id.encode(self.public_id)

    @property
    def dateline_time(self) -> dt.datetime | None:
        """The time the story's page gives: the original article's for a curated story
        (when known), the channel's publication otherwise."""
        if self.kind == self.Kind.CURATED and self.original_published_at is not None:
            return self.original_published_at
        return self.published_at

    @property
    def is_curated(self) -> bool:
        return self.kind == self.Kind.CURATED

    def is_live(self, now: dt.datetime | None = None) -> bool:
        now = now or timezone.now()
        return (
            self.status in self.LIVE_STATUSES
            and self.published_at is not None
            and self.published_at <= now
        )

    def clean(self) -> None:
        if self.section_id and self.channel_id and self.section.channel_id != self.channel_id:
            raise ValidationError({"section": _("The section belongs to another channel.")})
        if self.kind == self.Kind.CURATED:
            errors = {}
            if not self.original_url:
                errors["original_url"] = _("A curated story links to the original article.")
            if not self.source_id:
                errors["source"] = _("A curated story names its source.")
            if errors:
                raise ValidationError(errors)
        if self.status in self.LIVE_STATUSES and self.published_at is None:
            raise ValidationError({"published_at": _("A published story needs a time.")})


PIN_PLACES = 10  # pins take places among the first ten, where the variety rule also applies


class StoryPin(models.Model):
    """An editor's choice: ``story`` held at ``place`` (1 is first) of the front page
    (``channel`` None) or of its channel's page, until ``expires_at`` (None: until unpinned).

    A place holds one pin and a story one place per page (constraints below); an expired pin
    simply stops showing (pages ask for ``expires_at`` after now) and its place is free to
    take again. Written by stories/pins.py only.
    """

    story = models.ForeignKey(Story, on_delete=models.CASCADE, related_name="pins")
    channel = models.ForeignKey(
        Channel, on_delete=models.CASCADE, null=True, blank=True, related_name="pins"
    )
    place = models.PositiveSmallIntegerField(_("place"))
    expires_at = models.DateTimeField(_("until"), null=True, blank=True)
    pinned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    pinned_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ("channel", "place")
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=Q(place__gte=1) & Q(place__lte=PIN_PLACES), name="pin_place_range"
            ),
            models.UniqueConstraint(
                fields=["place"], condition=Q(channel__isnull=True), name="pin_front_place_once"
            ),
            models.UniqueConstraint(
                fields=["story"], condition=Q(channel__isnull=True), name="pin_front_story_once"
            ),
            models.UniqueConstraint(
                fields=["channel", "place"],
                condition=Q(channel__isnull=False),
                name="pin_channel_place_once",
            ),
            models.UniqueConstraint(
                fields=["channel", "story"],
                condition=Q(channel__isnull=False),
                name="pin_channel_story_once",
            ),
        ]

    def __str__(self) -> str:
        where = "the front page" if self.channel_id is None else f"channel {self.channel_id}"
        return f"{self.story_id} at place {self.place} of {where}"

    @property
    def on_front(self) -> bool:
        return self.channel_id is None

    def is_active(self, now: dt.datetime | None = None) -> bool:
        return self.expires_at is None or self.expires_at > (now or timezone.now())
