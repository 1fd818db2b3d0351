"""The background work of curating from the web is safe to run twice: a task whose worker died
is run again by another (core/worker/leases.py), and a live worker cut off from the database
for longer than its lease may see its task run elsewhere meanwhile."""

from __future__ import annotations

from typing import Any

import pytest

from masthead.ingest.models import Candidate, Item
from masthead.ingest.services import candidate_submit
from masthead.ingest.tasks import fetch_item
from masthead.ingest.tests.test_submit import article

pytestmark = pytest.mark.django_db


def test_fetching_an_article_twice_leaves_it_as_once(
    curator: Any, channel: Any, web: Any, django_capture_on_commit_callbacks: Any
) -> None:
    url = article(web)
    with django_capture_on_commit_callbacks(execute=True):
        submission = candidate_submit(actor=curator, channel=channel, url=url)
    assert submission.candidate is not None
    once = Item.objects.get()
    assert once.fetch_state == Item.Fetch.DONE

    fetch_item.call(once.pk)
    twice = Item.objects.get()
    assert twice.fetch_state == Item.Fetch.DONE and twice.extracted == once.extracted
    fields = ("url", "title", "author", "publisher", "published_at", "image_url", "simhash")
    assert all(getattr(twice, name) == getattr(once, name) for name in fields)
    assert Candidate.objects.count() == 1
