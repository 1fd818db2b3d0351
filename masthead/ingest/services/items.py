"""Items: what was found at a URL or in a feed, once for the installation, and the background
fetch of their articles (docs/decisions/0011-feed-items.md)."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.translation import gettext as _

from masthead.core.canonical import canonical_url, is_home_page

from .. import similarity
from ..models import FETCH_PATIENCE, FeedEntry, Item, entry_key
from ..tasks import fetch_item

NEAR_DUPLICATE_DAYS = 14  # an item is compared with items first seen this recently
NEAR_DUPLICATE_CANDIDATES = 50  # items sharing a band with the text, checked for distance
# Another worker may store the same entry or URL between our look and our write: the unique
# constraints fail our write, and a second look finds theirs.
STORE_ATTEMPTS = 2


def _text_of(title: str, summary_html: str) -> str:
    return f"{title} {strip_tags(summary_html)}"


def item_find_or_create(
    *,
    url: str,
    feed_url: str = "",
    guid: str = "",
    title: str = "",
    summary: str = "",
    author: str = "",
    publisher: str = "",
    published_at: dt.datetime | None = None,
    image_url: str = "",
) -> tuple[Item, bool]:
    """The installation's item for an article at ``url``, or for the entry ``guid`` of the
    feed at ``feed_url``. Returns (item, created).

    An entry seen before is the item it was. Otherwise the item is the one its canonical URL
    identifies, else a near duplicate of its text, else a new one; but never an item that the
    same feed has under another GUID (within a feed, distinct GUIDs are distinct items), and
    never by a URL that is only a site's home page or that the feed gives another entry too.
    """
    canonical = canonical_url(url) if url else ""
    if feed_url and not guid:
        raise ValueError("a feed's entry needs its GUID")
    if not canonical and not feed_url:
        raise ValidationError(_("An item needs an address."), code="url")
    fields = {
        "title": title[:500],
        "summary": summary,
        "author": author[:300],
        "publisher": publisher[:200],
        "published_at": published_at,
        "image_url": image_url[:2000],
    }
    for _attempt in range(STORE_ATTEMPTS - 1):
        try:
            with transaction.atomic():
                return _find_or_create(canonical, feed_url, guid, fields)
        except IntegrityError:
            continue  # stored by another worker between our look and our write: look again
    with transaction.atomic():
        return _find_or_create(canonical, feed_url, guid, fields)


def _find_or_create(
    canonical: str, feed_url: str, guid: str, fields: dict[str, Any]
) -> tuple[Item, bool]:
    key = entry_key(feed_url, guid) if feed_url else ""
    if key:
        entry = FeedEntry.objects.select_related("item").filter(key=key).first()
        if entry is not None:
            return entry.item, False
    identifies = bool(canonical) and not (feed_url and is_home_page(canonical))
    if identifies and feed_url and _feed_has_url(feed_url, canonical):
        # Another entry of this feed has this link: it names no one article (a podcast's show
        # page), so it identifies none of the items that have it, this feed's or others'.
        Item.objects.filter(url=canonical, url_identifies=True).update(url_identifies=False)
        identifies = False
    found = Item.objects.filter(url=canonical, url_identifies=True).first() if identifies else None
    value = similarity.simhash(_text_of(str(fields["title"]), str(fields["summary"])))
    if found is None:
        found = _near_duplicate(value, feed_url=feed_url)
    created = found is None
    if found is None:
        found = Item(
            url=canonical or _entry_urn(feed_url, guid),
            url_identifies=identifies,
            **fields,
        )
        found.set_simhash(value)
        found.save()
    if key:
        FeedEntry.objects.create(key=key, feed_url=feed_url, guid=guid[:500], item=found)
    return found, created


def _feed_has_url(feed_url: str, canonical: str) -> bool:
    return FeedEntry.objects.filter(feed_url=feed_url, item__url=canonical).exists()


def _entry_urn(feed_url: str, guid: str) -> str:
    # An entry without a link: an address of its own, which identifies nothing else.
    return f"urn:masthead:entry:{uuid.uuid5(uuid.NAMESPACE_URL, f'{feed_url}#{guid}')}"


def _near_duplicate(value: int | None, *, feed_url: str) -> Item | None:
    """A recent item whose text is within NEAR_BITS of ``value``, and which the feed at
    ``feed_url`` (if any) does not have already."""
    if value is None:
        return None
    b0, b1, b2, b3 = similarity.bands(value)
    since = timezone.now() - dt.timedelta(days=NEAR_DUPLICATE_DAYS)
    near = [
        other.pk
        for other in Item.objects.filter(first_seen_at__gte=since, simhash__isnull=False)
        .filter(Q(band0=b0) | Q(band1=b1) | Q(band2=b2) | Q(band3=b3))
        .only("id", "simhash")[:NEAR_DUPLICATE_CANDIDATES]
        if other.simhash is not None
        and similarity.distance(value, other.simhash) <= similarity.NEAR_BITS
    ]
    if near and feed_url:
        taken = set(
            FeedEntry.objects.filter(feed_url=feed_url, item_id__in=near).values_list(
                "item_id", flat=True
            )
        )
        near = [pk for pk in near if pk not in taken]
    return Item.objects.get(pk=near[0]) if near else None


def enqueue_fetch(item: Item, *, retry: bool = False) -> bool:
    """Have the item's article fetched in the background, after the caller's commit, if it
    was never asked for; ``retry`` also asks again after a failure, or after a fetch that
    has waited longer than FETCH_PATIENCE (its worker died). A done fetch is never repeated.

    The item's row decides, in one conditional UPDATE, not the caller's instance: two
    requests at once (a double click) queue one fetch. Returns whether this call queued it.
    """
    now = timezone.now()
    askable = Q(fetch_state=Item.Fetch.NOT_ASKED)
    if retry:
        askable |= Q(fetch_state=Item.Fetch.FAILED) | (
            Q(fetch_state=Item.Fetch.QUEUED)
            & (Q(fetch_queued_at__isnull=True) | Q(fetch_queued_at__lt=now - FETCH_PATIENCE))
        )
    queued = Item.objects.filter(askable, pk=item.pk).update(
        fetch_state=Item.Fetch.QUEUED, fetch_error="", fetch_queued_at=now
    )
    if queued:
        item_id = item.pk
        transaction.on_commit(lambda: fetch_item.enqueue(item_id))
    return bool(queued)
