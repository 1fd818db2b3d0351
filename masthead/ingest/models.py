from __future__ import annotations

import datetime as dt
import hashlib
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from masthead.channels.models import Channel, Section
from masthead.stories.models import Story

from . import similarity

DEFAULT_POLL_SECONDS = 15 * 60
MIN_POLL_SECONDS = 5 * 60  # a feed that changes often is still asked at most this often
MAX_POLL_SECONDS = 6 * 3600  # a quiet feed is still asked at least this often
# A fetch asked for this long ago and not done is taken for lost (its task failed, or its
# workers kept dying): the curator's page stops waiting and offers to try again. Longer than
# a fetch's own deadline plus a dead worker's lease and the reclaim that follows.
FETCH_PATIENCE = dt.timedelta(minutes=2)


class Item(models.Model):
    """An article found on the web, once for the whole installation however many feeds carry
    it and however many channels want it: by its canonical URL, a feed's entry, or its text
    (docs/decisions/0011-feed-items.md).

    Fetching and extracting the article happens once, here; channels' candidates share it.
    """

    class Fetch(models.TextChoices):
        NOT_ASKED = "not_asked", _("not asked")
        QUEUED = "queued", _("queued")
        DONE = "done", _("done")
        FAILED = "failed", _("failed")

    url = models.URLField(max_length=2000, db_index=True)  # canonical (core/canonical.py)
    # Whether the URL names this one article, so that another feed's entry or a submission
    # with the same URL is this item. Not for a site's home page, nor for a link several
    # entries of one feed share (a podcast's show page), nor for an entry without a link.
    url_identifies = models.BooleanField(default=True)
    title = models.CharField(max_length=500, blank=True)
    summary = models.TextField(blank=True, help_text="Sanitized HTML from the feed.")
    author = models.CharField(max_length=300, blank=True)
    publisher = models.CharField(max_length=200, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    image_url = models.URLField(max_length=2000, blank=True)

    fetch_state = models.CharField(max_length=16, choices=Fetch.choices, default=Fetch.NOT_ASKED)
    fetch_error = models.TextField(blank=True)
    fetched_at = models.DateTimeField(null=True, blank=True)
    fetch_queued_at = models.DateTimeField(null=True, blank=True)  # the last fetch asked for
    extracted = models.JSONField(null=True, blank=True)  # extract.Extracted.as_json()

    # SimHash of the text and its four 16-bit bands (ingest/similarity.py)
    simhash = models.BigIntegerField(null=True, blank=True)
    band0 = models.IntegerField(null=True, blank=True)
    band1 = models.IntegerField(null=True, blank=True)
    band2 = models.IntegerField(null=True, blank=True)
    band3 = models.IntegerField(null=True, blank=True)

    first_seen_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["url"],
                condition=models.Q(url_identifies=True),
                name="item_once_per_url",
            ),
        ]
        indexes: ClassVar = [
            models.Index(fields=["band0"], name="item_band0_idx"),
            models.Index(fields=["band1"], name="item_band1_idx"),
            models.Index(fields=["band2"], name="item_band2_idx"),
            models.Index(fields=["band3"], name="item_band3_idx"),
        ]

    def __str__(self) -> str:
        return self.title or self.url

    def set_simhash(self, value: int | None) -> None:
        self.simhash = value
        self.band0, self.band1, self.band2, self.band3 = (
            similarity.bands(value) if value is not None else (None, None, None, None)
        )

    def fetch_overdue(self, now: dt.datetime | None = None) -> bool:
        """Queued, but for longer than FETCH_PATIENCE (or since before it was recorded)."""
        if self.fetch_state != self.Fetch.QUEUED:
            return False
        queued = self.fetch_queued_at
        return queued is None or (now or timezone.now()) - queued > FETCH_PATIENCE


def entry_key(feed_url: str, guid: str) -> str:
    """The identity of a feed's entry: its GUID within the feed's address."""
    return hashlib.sha256(f"{feed_url}\n{guid}".encode()).hexdigest()


class FeedEntry(models.Model):
    """An entry of the feed at an address, by its GUID, and the item it is. A GUID names an
    entry only within its feed: the same GUID in two feeds is two entries. Channels subscribed
    to the same address share its entries, so each entry is one item for all of them, and an
    entry stays known after its channel unsubscribes."""

    # entry_key(): the address and GUID together are too long for one index on PostgreSQL.
    key = models.CharField(max_length=64, unique=True)
    feed_url = models.URLField(max_length=2000)
    guid = models.CharField(max_length=500)
    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="entries")
    first_seen_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name_plural = "feed entries"

    def __str__(self) -> str:
        return f"{self.guid} in {self.feed_url}"


class Feed(models.Model):
    """A channel's subscription to an RSS, Atom, RDF or JSON feed, and its polling state."""

    class State(models.TextChoices):
        ACTIVE = "active", _("active")
        PAUSED = "paused", _("paused")
        DEAD = "dead", _("dead")

    channel = models.ForeignKey(Channel, on_delete=models.CASCADE, related_name="feeds")
    url = models.URLField(_("feed address"), max_length=2000)
    title = models.CharField(max_length=300, blank=True)
    site_url = models.URLField(max_length=2000, blank=True)
    fetch_articles = models.BooleanField(
        _("fetch each new article"),
        default=False,
        help_text=_("Fetch and extract the full article of every new item."),
    )
    state = models.CharField(max_length=16, choices=State.choices, default=State.ACTIVE)

    # Conditional GET validators from the last 200 answer.
    etag = models.CharField(max_length=500, blank=True)
    last_modified = models.CharField(max_length=100, blank=True)

    interval = models.PositiveIntegerField(
        default=DEFAULT_POLL_SECONDS, help_text="Seconds between polls, adapted."
    )
    next_poll_at = models.DateTimeField(db_index=True)
    # A worker's claim: while it lasts, no other worker polls this feed.
    claimed_until = models.DateTimeField(null=True, blank=True)
    claimed_by = models.CharField(max_length=100, blank=True)

    last_polled_at = models.DateTimeField(null=True, blank=True)
    last_status = models.CharField(max_length=100, blank=True)  # "200 OK, 3 new" etc.
    last_error = models.TextField(blank=True)
    # What was wrong with the last feed document read, though its items were taken (a stray
    # newline before the XML declaration, ill-formed XML read loosely).
    last_warning = models.TextField(blank=True)
    errors_in_a_row = models.PositiveIntegerField(default=0)
    failing_since = models.DateTimeField(null=True, blank=True)
    item_count = models.PositiveIntegerField(default=0)  # candidates this feed has brought
    last_new_item_at = models.DateTimeField(null=True, blank=True)
    polls = models.PositiveIntegerField(default=0)

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("title", "url")
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["channel", "url"], name="feed_once_per_channel"),
        ]
        indexes: ClassVar = [
            models.Index(fields=["state", "next_poll_at"], name="feed_due_idx"),
        ]

    def __str__(self) -> str:
        return self.title or self.url


class Candidate(models.Model):
    """An item waiting in a channel's review queue to become a curated story or be dismissed."""

    class Status(models.TextChoices):
        PENDING = "pending", _("pending")
        ACCEPTED = "accepted", _("accepted")
        DISMISSED = "dismissed", _("dismissed")

    channel = models.ForeignKey(Channel, on_delete=models.CASCADE, related_name="candidates")
    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="candidates")
    feed = models.ForeignKey(
        Feed, on_delete=models.SET_NULL, null=True, blank=True, related_name="candidates"
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    section = models.ForeignKey(
        Section, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    story = models.ForeignKey(
        Story, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["channel", "item"], name="candidate_once_per_channel"),
        ]
        indexes: ClassVar = [
            models.Index(fields=["channel", "status", "-created_at"], name="candidate_queue_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.item} for {self.channel}"


class ImportRecord(models.Model):
    """What `masthead import` did with one record of one file: so a second run (or a run after
    an interruption) skips what is done and says what was already there."""

    class Outcome(models.TextChoices):
        CREATED = "created", _("created")
        PRESENT = "present", _("already present")
        FAILED = "failed", _("failed")

    channel = models.ForeignKey(Channel, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=200)  # the record's identity: a content hash or a URL
    outcome = models.CharField(max_length=16, choices=Outcome.choices)
    story = models.ForeignKey(
        Story, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    feed = models.ForeignKey(
        Feed, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    detail = models.TextField(blank=True)
    at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["channel", "key"], name="import_record_once"),
        ]

    def __str__(self) -> str:
        return f"{self.key}: {self.outcome}"
