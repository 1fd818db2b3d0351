"""The background work of curating from the web is safe to run twice: a task whose worker died
is run again by another (core/worker/leases.py), and a live worker cut off from the database
for longer than its lease may see its task run elsewhere meanwhile."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection

from masthead.core.tests.webserver import Reply, Request
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


def meanwhile(action: Callable[[], None]) -> None:
    """Run ``action`` from the web server's thread, while the fetch waits for its reply: the
    other worker, on a database connection of its own."""
    try:
        action()
    finally:
        connection.close()


@pytest.mark.django_db(transaction=True)
def test_a_run_whose_fetch_fails_after_another_run_finished_leaves_it_done(web: Any) -> None:
    """A task reclaimed after an outage runs while the first run is still fetching; the first
    stores its extraction, then the second's own fetch fails. The extraction stays."""
    item = Item.objects.create(url="https://example.org/ferry", fetch_state=Item.Fetch.QUEUED)
    extracted = {"headline": "Ferry Sails On"}

    def reply(request: Request) -> Reply:
        meanwhile(
            lambda: Item.objects.filter(pk=item.pk).update(
                fetch_state=Item.Fetch.DONE, extracted=extracted
            )
        )
        return Reply(503, b"down for a moment", {"Content-Type": "text/html"})

    Item.objects.filter(pk=item.pk).update(url=web.route("/ferry", reply))
    assert fetch_item.call(item.pk) == Item.Fetch.DONE
    item.refresh_from_db()
    assert (item.fetch_state, item.extracted, item.fetch_error) == (Item.Fetch.DONE, extracted, "")


def test_a_run_of_a_fetch_already_done_fetches_nothing(
    curator: Any, channel: Any, web: Any, django_capture_on_commit_callbacks: Any
) -> None:
    url = article(web)
    with django_capture_on_commit_callbacks(execute=True):
        candidate_submit(actor=curator, channel=channel, url=url)
    done = Item.objects.get()
    web.route("/2017/07/ferry", Reply(504, b"timed out", {"Content-Type": "text/html"}))

    assert fetch_item.call(done.pk) == Item.Fetch.DONE  # a reclaimed run, after the first
    assert Item.objects.get().extracted == done.extracted
    assert [r.path for r in web.requests].count("/2017/07/ferry") == 1


@pytest.mark.django_db(transaction=True)
def test_an_extraction_is_not_stored_over_one_another_run_stored(web: Any) -> None:
    page = article(web)
    item = Item.objects.create(url=page, fetch_state=Item.Fetch.QUEUED)
    extracted = {"headline": "Ferry Sails On"}
    served = web.routes["/2017/07/ferry"]
    assert isinstance(served, Reply)

    def reply(request: Request) -> Reply:
        meanwhile(
            lambda: Item.objects.filter(pk=item.pk).update(
                fetch_state=Item.Fetch.DONE, extracted=extracted
            )
        )
        return served

    web.route("/2017/07/ferry", reply)
    assert fetch_item.call(item.pk) == Item.Fetch.DONE
    item.refresh_from_db()
    assert (item.extracted, item.title) == (extracted, "")
