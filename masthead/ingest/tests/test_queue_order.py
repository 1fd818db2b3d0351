"""The review queue lists candidates newest first by the time it shows of each (the item's
publication, else its arrival), whatever order a feed's poll brought them in."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from masthead.ingest import selectors
from masthead.ingest.models import Candidate, Item

pytestmark = pytest.mark.django_db


def test_newest_first_by_the_time_shown(channel: Any) -> None:
    now = timezone.now()
    published = {"old": now - dt.timedelta(days=2), "new": now - dt.timedelta(hours=1)}
    # One poll: the newer item arrives first, then the day-old one (arrival order would list
    # the old one above the new), then one without a date.
    for name in ("new", "old"):
        item = Item.objects.create(
            url=f"https://ledger.example/{name}", published_at=published[name]
        )
        Candidate.objects.create(channel=channel, item=item)
    undated = Item.objects.create(url="https://ledger.example/undated")
    Candidate.objects.create(channel=channel, item=undated)  # arrived now: the newest shown
    urls = [c.item.url for c in selectors.queue(channel=channel)]
    assert urls == [
        "https://ledger.example/undated",
        "https://ledger.example/new",
        "https://ledger.example/old",
    ]
