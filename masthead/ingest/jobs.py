"""The bodies of curating's background work, run by the tasks in ingest/tasks.py.

This module enqueues nothing: services enqueue tasks, tasks run these (an import-linter
contract in pyproject.toml keeps the direction). Each job goes to the network first and only
then opens the short transaction that stores what it found.
"""

from __future__ import annotations

import logging

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from masthead.core.canonical import canonical_url, is_home_page
from masthead.core.http import FetchError, fetch

from . import similarity
from .extract import Extracted, extract
from .models import Item

logger = logging.getLogger(__name__)


def item_fetch(item_id: int) -> Item:
    """Fetch and extract an item's article. A failure is recorded on the item with its
    reason, for the curator to read.

    A run may be a second one: its task reclaimed from a worker that was cut off, and that
    worker may be done meanwhile. A done extraction is never fetched again nor written over,
    by a failure or by another extraction.
    """
    item = Item.objects.get(pk=item_id)
    if item.fetch_state == Item.Fetch.DONE:
        return item
    try:
        response = fetch(item.url, expect="html", robots=True)
        fields = extract(response.content, url=response.url)
    except FetchError as error:
        return _failed(item, str(error))
    except Exception as error:
        logger.exception("extraction failed for %s", item.url)
        return _failed(item, _("The page could not be read: %(error)s") % {"error": error})
    return _apply_extraction(item, fields)


def _failed(item: Item, reason: str) -> Item:
    # Only over the fetch that was asked for: another run may have finished it meanwhile.
    Item.objects.filter(pk=item.pk, fetch_state=Item.Fetch.QUEUED).update(
        fetch_state=Item.Fetch.FAILED, fetch_error=reason, fetched_at=timezone.now()
    )
    item.refresh_from_db()
    return item


@transaction.atomic
def _apply_extraction(item: Item, fields: Extracted) -> Item:
    item = Item.objects.select_for_update().get(pk=item.pk)
    if item.fetch_state == Item.Fetch.DONE:
        return item  # another run stored it first
    item.extracted = fields.as_json()
    item.fetch_state, item.fetch_error, item.fetched_at = Item.Fetch.DONE, "", timezone.now()
    item.title = item.title or fields.headline[:500]
    item.author = item.author or fields.byline[:300]
    item.publisher = fields.publisher[:200] or item.publisher
    item.published_at = item.published_at or fields.published
    item.image_url = item.image_url or fields.image[:2000]
    value = similarity.simhash(fields.body_text)
    if value is not None:
        item.set_simhash(value)
    canonical = _adoptable_canonical(item, fields.canonical_url)
    if canonical:
        # The page's own canonical address wins, unless another item took it a moment ago.
        address = item.url
        item.url = canonical
        try:
            with transaction.atomic():
                item.save()
            return item
        except IntegrityError:
            item.url = address
    item.save()
    return item


def _adoptable_canonical(item: Item, declared: str) -> str:
    """The page's rel=canonical, if the item may take it as its address: only an item its URL
    identifies, only an article's address (pages that name the home page as their canonical
    are common), and only one no other item is identified by."""
    if not declared or not item.url_identifies:
        return ""
    try:
        canonical = canonical_url(declared)
    except ValidationError:
        return ""
    if canonical == item.url or is_home_page(canonical):
        return ""
    if Item.objects.filter(url=canonical, url_identifies=True).exists():
        return ""
    return canonical
