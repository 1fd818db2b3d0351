"""The curator's page for a submitted article while its fetch is lost (its task failed, or its
workers kept dying): it waits FETCH_PATIENCE, then stops refreshing and offers "Try again"
and the form to fill in by hand."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from bs4 import BeautifulSoup
from django.db.models import F
from django.test import Client
from django.urls import reverse

from masthead.ingest.models import FETCH_PATIENCE, Candidate, Item
from masthead.ingest.tests.test_submit import article

pytestmark = pytest.mark.django_db

LONGER = FETCH_PATIENCE + dt.timedelta(seconds=1)


def test_a_lost_fetch_stops_the_wait_and_offers_to_try_again(
    curator_client: Client, channel: Any, web: Any, django_capture_on_commit_callbacks: Any
) -> None:
    url = article(web)
    # The queued fetch is never run (this test's transaction never commits): as when it is lost.
    curator_client.post(reverse("ingest:submit", kwargs={"channel": channel.slug}), {"url": url})
    candidate = Candidate.objects.get()
    page_url = reverse("ingest:candidate", kwargs={"channel": channel.slug, "pk": candidate.pk})
    assert 'http-equiv="refresh"' in curator_client.get(page_url).content.decode()

    Item.objects.update(fetch_queued_at=F("fetch_queued_at") - LONGER)
    page = curator_client.get(page_url)
    soup = BeautifulSoup(page.content, "html.parser")
    assert page.status_code == 200
    assert soup.find("meta", {"http-equiv": "refresh"}) is None
    assert soup.find(attrs={"data-hx-trigger": True}) is None  # no more polling
    assert "taking much longer than it should" in soup.get_text()
    refetch = reverse("ingest:refetch", kwargs={"channel": channel.slug, "pk": candidate.pk})
    retry = soup.find("form", {"action": refetch})
    assert retry is not None and "Try again" in retry.get_text()
    assert soup.find("input", {"name": "headline"}) is not None  # the form, to fill by hand

    # A page still polling (htmx) is told to reload, and shows the above.
    polled = curator_client.get(page_url, HTTP_HX_REQUEST="true")
    assert polled.status_code == 200 and polled["HX-Refresh"] == "true"

    with django_capture_on_commit_callbacks(execute=True):
        response = curator_client.post(refetch)
    assert response.status_code == 302 and response["Location"] == page_url
    item = Item.objects.get()
    assert item.fetch_state == Item.Fetch.DONE
    filled = BeautifulSoup(curator_client.get(page_url).content, "html.parser")
    assert filled.find("input", {"name": "headline"})["value"] == "Ferry Sails On"


def test_a_fetch_asked_for_again_is_waited_for_again(
    curator_client: Client, channel: Any, web: Any
) -> None:
    url = article(web)
    curator_client.post(reverse("ingest:submit", kwargs={"channel": channel.slug}), {"url": url})
    candidate = Candidate.objects.get()
    Item.objects.update(fetch_queued_at=F("fetch_queued_at") - LONGER)
    curator_client.post(
        reverse("ingest:refetch", kwargs={"channel": channel.slug, "pk": candidate.pk})
    )
    page_url = reverse("ingest:candidate", kwargs={"channel": channel.slug, "pk": candidate.pk})
    page = curator_client.get(page_url).content.decode()
    assert 'http-equiv="refresh"' in page and "Fetching the article" in page
