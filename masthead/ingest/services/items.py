"""Items: what was found at a URL or in a feed, once per canonical URL (and once per near
duplicate), with what extraction made of the page."""

from __future__ import annotations

import datetime as dt
import logging
import uuid

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.translation import gettext as _

from masthead.core.canonical import canonical_url
from masthead.core.http import FetchError, fetch

from .. import similarity
from ..extract import Extracted, extract
from ..models import Item

logger = logging.getLogger(__name__)


NEAR_DUPLICATE_DAYS = 14  # an item is compared with items first seen this recently


def _text_of(title: str, summary_html: str) -> str:
    return f"{title} {strip_tags(summary_html)}"


def _near_duplicate(value: int | None) -> Item | None:
    if value is None:
        return None
    b0, b1, b2, b3 = similarity.bands(value)
    since = timezone.now() - dt.timedelta(days=NEAR_DUPLICATE_DAYS)
    for other in (
        Item.objects.filter(first_seen_at__gte=since, simhash__isnull=False)
        .filter(Q(band0=b0) | Q(band1=b1) | Q(band2=b2) | Q(band3=b3))
        .only("id", "simhash")[:50]
    ):
        if (
            other.simhash is not None
            and similarity.distance(value, other.simhash) <= similarity.NEAR_BITS
        ):
            return Item.objects.get(pk=other.pk)
    return None


def _set_simhash(item: Item, value: int | None) -> None:
    item.simhash = value
    item.band0, item.band1, item.band2, item.band3 = (
        similarity.bands(value) if value is not None else (None, None, None, None)
    )


def item_find_or_create(
    *,
    url: str,
    guid: str = "",
    title: str = "",
    summary: str = "",
    author: str = "",
    publisher: str = "",
    published_at: dt.datetime | None = None,
    image_url: str = "",
) -> tuple[Item, bool]:
    """The installation's item for an article: found by canonical URL, then by feed GUID, then
    by near-duplicate text; created otherwise. Returns (item, created)."""
    canonical = canonical_url(url) if url else ""
    if canonical:
        found = Item.objects.filter(url=canonical).first()
        if found is not None:
            return found, False
    if guid:
        found = Item.objects.filter(guid=guid[:500]).first()
        if found is not None:
            return found, False
    value = similarity.simhash(_text_of(title, summary))
    found = _near_duplicate(value)
    if found is not None:
        return found, False
    item = Item(
        url=canonical or f"urn:masthead:guid:{uuid.uuid5(uuid.NAMESPACE_URL, guid)}",
        guid=guid[:500],
        title=title[:500],
        summary=summary,
        author=author[:300],
        publisher=publisher[:200],
        published_at=published_at,
        image_url=image_url[:2000],
    )
    _set_simhash(item, value)
    try:
        with transaction.atomic():
            item.save()
    except IntegrityError:  # another worker made it a moment ago
        return Item.objects.get(url=item.url), False
    return item, True


def item_fetch(item_id: int) -> Item:
    """Fetch and extract an item's article (a background task). A failure is recorded on the
    item with its reason, for the curator to read."""
    item = Item.objects.get(pk=item_id)
    try:
        response = fetch(item.url, expect="html", robots=True)
        fields = extract(response.content, url=response.url)
    except FetchError as error:
        Item.objects.filter(pk=item.pk).update(
            fetch_state=Item.Fetch.FAILED, fetch_error=str(error), fetched_at=timezone.now()
        )
        item.refresh_from_db()
        return item
    except Exception as error:
        logger.exception("extraction failed for %s", item.url)
        Item.objects.filter(pk=item.pk).update(
            fetch_state=Item.Fetch.FAILED,
            fetched_at=timezone.now(),
            fetch_error=_("The page could not be read: %(error)s") % {"error": error},
        )
        item.refresh_from_db()
        return item
    return _apply_extraction(item, fields)


@transaction.atomic
def _apply_extraction(item: Item, fields: Extracted) -> Item:
    item = Item.objects.select_for_update().get(pk=item.pk)
    item.extracted = fields.as_json()
    item.fetch_state, item.fetch_error, item.fetched_at = Item.Fetch.DONE, "", timezone.now()
    item.title = item.title or fields.headline[:500]
    item.author = item.author or fields.byline[:300]
    item.publisher = fields.publisher[:200] or item.publisher
    item.published_at = item.published_at or fields.published
    item.image_url = item.image_url or fields.image[:2000]
    if fields.canonical_url:
        try:
            canonical = canonical_url(fields.canonical_url)
        except ValidationError:
            canonical = ""
        # The page's own canonical address wins, unless another item already has it.
        if canonical and canonical != item.url and not Item.objects.filter(url=canonical).exists():
            item.url = canonical
    value = similarity.simhash(fields.body_text)
    if value is not None:
        _set_simhash(item, value)
    item.save()
    return item


def enqueue_fetch(item: Item) -> None:
    from ..tasks import fetch_item  # the tasks module imports services

    if item.fetch_state in {Item.Fetch.QUEUED, Item.Fetch.DONE}:
        return
    Item.objects.filter(pk=item.pk).update(
        fetch_state=Item.Fetch.QUEUED, fetch_error="", fetch_queued_at=timezone.now()
    )
    item_id = item.pk
    transaction.on_commit(lambda: fetch_item.enqueue(item_id))
