"""Candidates: items in a channel's review queue, submitted by a curator or brought by a
feed; accepted as curated stories (through masthead.stories.services) or dismissed."""

from __future__ import annotations

import datetime as dt
import io
import logging
from dataclasses import dataclass, field
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.translation import gettext as _

from masthead.accounts.models import User
from masthead.channels.models import Channel, Section
from masthead.core.canonical import canonical_url
from masthead.core.http import FetchError, fetch
from masthead.core.timefmt import in_zone, zone_name_for
from masthead.stories.models import Story
from masthead.stories.services import check_can_curate, lead_photo_stored, story_save

from ..models import Candidate
from .items import enqueue_fetch, item_find_or_create

logger = logging.getLogger(__name__)


IMAGE_MAX_BYTES = 8 * 1024 * 1024
DATE_ONLY = len("2017-07-25")  # how an extraction writes a date that comes without a time


@dataclass
class Submission:
    """What became of a URL a curator submitted."""

    candidate: Candidate | None = None
    story_here: Story | None = None  # already curated in this channel
    stories_elsewhere: list[Story] = field(default_factory=list)  # curated by other channels


def stories_for_url(url: str) -> list[Story]:
    return list(Story.objects.filter(original_url=url).select_related("channel", "section"))


@transaction.atomic
def candidate_submit(
    *, actor: User, channel: Channel, url: str, section: Section | None = None
) -> Submission:
    """A curator pastes an article's address: it is fetched and extracted in the background
    and waits as a candidate; an article this channel already curated points to its story."""
    check_can_curate(actor, channel)
    canonical = canonical_url(url)
    existing = stories_for_url(canonical)
    here = next((story for story in existing if story.channel_id == channel.pk), None)
    if here is not None:
        return Submission(story_here=here)
    item, _created = item_find_or_create(url=canonical)
    candidate, _new = Candidate.objects.get_or_create(
        channel=channel, item=item, defaults={"submitted_by": actor, "section": section}
    )
    if candidate.status == Candidate.Status.DISMISSED:
        candidate.status = Candidate.Status.PENDING
        candidate.save(update_fields=["status"])
    enqueue_fetch(item, retry=True)  # a failed fetch is tried again on request
    return Submission(
        candidate=candidate, stories_elsewhere=[s for s in existing if s.channel_id != channel.pk]
    )


def candidate_refetch(*, actor: User, candidate: Candidate) -> bool:
    """Fetch the candidate's article (again, after a failure or a fetch that never came
    back). Returns whether a fetch was queued: not when one is on its way already."""
    check_can_curate(actor, candidate.channel)
    with transaction.atomic():
        return enqueue_fetch(candidate.item, retry=True)


def candidate_initial(candidate: Candidate) -> dict[str, Any]:
    """The curated-story form, filled from what the item knows: the extraction, else the feed.
    The original article's time is given in the zone its page gave (a named zone for an
    offset, so that the story page writes "2:01 PM PDT")."""
    item = candidate.item
    data = item.extracted or {}
    published = data.get("published") or ""
    if len(published) > DATE_ONLY:
        moment: dt.datetime | None = dt.datetime.fromisoformat(published)
    else:
        # The feed's time, if it gave one; a page that gives a date without a time gives no
        # time to show (the item keeps it as midnight UTC, for ordering): the curator says.
        moment = item.published_at
        if published and moment == dt.datetime.fromisoformat(published).replace(tzinfo=dt.UTC):
            moment = None
    zone_name = zone_name_for(moment) if moment is not None else "UTC"
    return {
        "original_url": item.url if item.url.startswith("http") else "",
        "source_name": data.get("publisher") or item.publisher,
        "headline": data.get("headline") or item.title,
        "byline": data.get("byline") or item.author,
        "excerpt": data.get("excerpt") or strip_tags(item.summary)[:600],
        "image_url": data.get("image") or item.image_url,
        "image_caption": data.get("image_caption", ""),
        "image_credit": data.get("image_credit", ""),
        "original_published_at": (
            in_zone(moment, zone_name).replace(tzinfo=None) if moment is not None else None
        ),
        "time_zone": zone_name,
        "section": candidate.section_id,
    }


def candidate_accept(
    *,
    actor: User,
    candidate: Candidate,
    action: str = "publish",
    publish_at: dt.datetime | None = None,
    image: IO[bytes] | None = None,
    image_url: str = "",
    source_name: str = "",
    **fields: Any,
) -> Story:
    """The curator's story from a candidate: a curated story linking to the original, its lead
    photo uploaded or copied from the original page (through the guarded client).
    ``action`` is "publish" (now), "schedule" (at ``publish_at``) or "draft".

    The photo is fetched, decoded and stored first, with no transaction open (and deleted
    again if no story takes it); then the candidate is claimed (pending to accepted, a
    conditional UPDATE) and the story saved in one transaction, so a form sent twice makes
    one story and the second answer names it.
    """
    check_can_curate(actor, candidate.channel)
    _refuse_accepted(candidate)
    if image is None and image_url:
        image = _download_image(image_url)
    with lead_photo_stored(image) as photo, transaction.atomic():
        claimed = (
            Candidate.objects.filter(pk=candidate.pk)
            .exclude(status=Candidate.Status.ACCEPTED)
            .update(status=Candidate.Status.ACCEPTED, decided_at=timezone.now(), decided_by=actor)
        )
        if not claimed:
            _refuse_accepted(Candidate.objects.select_related("story").get(pk=candidate.pk))
        story = story_save(
            actor=actor,
            channel=candidate.channel,
            kind=Story.Kind.CURATED,
            action=action,
            publish_at=publish_at,
            image=photo,
            source_name=source_name,
            **fields,
        )
        Candidate.objects.filter(pk=candidate.pk).update(story=story)
    return story


def _refuse_accepted(candidate: Candidate) -> None:
    if candidate.status == Candidate.Status.ACCEPTED:
        raise ValidationError(
            _("This candidate is already a story: %(url)s")
            % {"url": candidate.story.get_absolute_url() if candidate.story else ""},
            code="accepted",
        )


def _download_image(url: str) -> IO[bytes] | None:
    """The lead photo of an article, or None if it cannot be had (the story goes without)."""
    try:
        response = fetch(url, expect="image", max_bytes=IMAGE_MAX_BYTES)
    except FetchError as error:
        logger.info("lead image %s not copied: %s", url, error)
        return None
    return io.BytesIO(response.content)


@transaction.atomic
def candidates_dismiss(*, actor: User, channel: Channel, ids: list[int]) -> int:
    check_can_curate(actor, channel)
    return Candidate.objects.filter(
        channel=channel, pk__in=ids, status=Candidate.Status.PENDING
    ).update(status=Candidate.Status.DISMISSED, decided_at=timezone.now(), decided_by=actor)
