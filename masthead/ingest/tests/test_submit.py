"""A curator pastes an article's address: fetched and read in the background, the filled form,
the curated story; an article already curated; a page that cannot be read."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from bs4 import BeautifulSoup
from django.conf import settings
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from PIL import Image

from masthead.core.tests.webserver import Reply
from masthead.ingest.models import Candidate, Item
from masthead.stories.models import Story

pytestmark = pytest.mark.django_db

HTML = {"Content-Type": "text/html; charset=utf-8"}


def photo() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (1200, 800), "navy").save(out, "JPEG")
    return out.getvalue()


def article(
    web: Any, path: str = "/2017/07/ferry", published: str = "2017-07-25T14:01:00-07:00"
) -> str:
    body = "".join(
        f"<p>Paragraph {n}: the ferry sailed on, carrying families and officials "
        f"across the strait on its ninth voyage.</p>"
        for n in range(6)
    )
    page = f"""<html lang="en"><head><title>Ferry Sails On | The Ledger</title>
    <meta property="og:site_name" content="The Ledger">
    <meta property="og:image" content="/photos/ferry.jpg">
    <meta property="article:published_time" content="{published}">
    <link rel="canonical" href="{web.url(path)}"></head>
    <body><article><h1>Ferry Sails On</h1><p class="byline">By Ilse Marten</p>
    <figure><img src="/photos/ferry.jpg"><figcaption>The ferry at dawn
    <span class="credit">Photographer: Jo Park</span></figcaption></figure>{body}
    </article></body></html>"""
    web.route("/photos/ferry.jpg", Reply(200, photo(), {"Content-Type": "image/jpeg"}))
    return web.route(path, Reply(200, page.encode(), HTML))


def submit(client: Client, channel: Any, url: str, capture: Any) -> Any:
    with capture(execute=True):
        return client.post(reverse("ingest:submit", kwargs={"channel": channel.slug}), {"url": url})


def test_submit_fetch_fill_and_publish(
    curator_client: Client,
    channel: Any,
    section: Any,
    web: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    url = article(web)
    response = submit(
        curator_client, channel, url + "?utm_source=tw&id=7#top", django_capture_on_commit_callbacks
    )
    candidate = Candidate.objects.get()
    assert response["Location"] == reverse(
        "ingest:candidate", kwargs={"channel": channel.slug, "pk": candidate.pk}
    )
    item = candidate.item
    assert item.fetch_state == Item.Fetch.DONE
    assert item.url == url  # tracking parameters and fragment gone; the page's canonical wins

    page = curator_client.get(response["Location"])
    soup = BeautifulSoup(page.content, "html.parser")
    assert soup.find("input", {"name": "headline"})["value"] == "Ferry Sails On"
    assert soup.find("input", {"name": "source_name"})["value"] == "The Ledger"
    assert soup.find("input", {"name": "image_credit"})["value"] == "Photographer: Jo Park"
    assert soup.find("input", {"name": "image_url"})["value"] == web.url("/photos/ferry.jpg")
    # The article's own time, in the zone its page gave (-07:00 in July: Pacific time).
    zone = soup.find("select", {"name": "time_zone"}).find("option", selected=True)["value"]
    assert zone == "America/Los_Angeles"
    assert soup.find("input", {"name": "original_published_at"})["value"] == "2017-07-25T14:01"

    form = {
        field["name"]: field.get("value", "")
        for field in soup.select("form.story-form input")
        if field.get("type") not in {"file", "radio", "checkbox"} and field.get("name")
    }
    form.update(
        section=section.pk,
        action="publish",
        time_zone=zone,
        comments_open="on",
        excerpt=soup.find("textarea", {"name": "excerpt"}).text,
        body="",
    )
    saved = curator_client.post(response["Location"], form)
    story = Story.objects.get()
    assert saved["Location"] == story.get_absolute_url()
    assert (story.kind, story.status, story.original_url) == ("curated", "published", url)
    assert story.source.name == "The Ledger" and story.image and story.image_width == 1200
    candidate.refresh_from_db()
    assert candidate.status == Candidate.Status.ACCEPTED and candidate.story == story
    page = curator_client.get(story.get_absolute_url()).content.decode()
    assert "Read full story" in page and "Photographer: Jo Park" in page
    assert "July 25, 2017, 2:01 PM PDT" in page  # the original's time, not the curation's
    assert story.published_at > story.original_published_at  # lists go by the curation


def test_an_article_curated_here_points_to_its_story(
    curator_client: Client, channel: Any, web: Any, django_capture_on_commit_callbacks: Any
) -> None:
    from masthead.stories.tests.factories import SourceFactory, StoryFactory

    url = article(web)
    story = StoryFactory(
        section=channel.sections.first(),
        kind=Story.Kind.CURATED,
        source=SourceFactory(),
        original_url=url,
    )
    response = submit(
        curator_client, channel, url + "#comments", django_capture_on_commit_callbacks
    )
    assert response["Location"] == story.get_absolute_url()
    assert not Candidate.objects.exists()


def test_an_article_curated_elsewhere_is_offered_as_a_link(
    curator_client: Client, channel: Any, web: Any, django_capture_on_commit_callbacks: Any
) -> None:
    from masthead.channels.tests.factories import SectionFactory
    from masthead.stories.tests.factories import SourceFactory, StoryFactory

    url = article(web)
    elsewhere = StoryFactory(
        section=SectionFactory(), kind=Story.Kind.CURATED, source=SourceFactory(), original_url=url
    )
    response = submit(curator_client, channel, url, django_capture_on_commit_callbacks)
    page = curator_client.get(response["Location"]).content.decode()
    assert elsewhere.get_absolute_url() in page


@pytest.mark.parametrize(
    ("reply", "reason"),
    [
        (Reply(404, b"gone"), "The server answered 404"),
        (
            Reply(200, b"%PDF-1.4", {"Content-Type": "application/pdf"}),
            "Expected a web page but got PDF document",
        ),
    ],
)
def test_a_page_that_cannot_be_read_says_why_and_leaves_the_form(
    curator_client: Client,
    channel: Any,
    web: Any,
    reply: Reply,
    reason: str,
    django_capture_on_commit_callbacks: Any,
) -> None:
    url = web.route("/broken", reply)
    response = submit(curator_client, channel, url, django_capture_on_commit_callbacks)
    page = curator_client.get(response["Location"])
    text = page.content.decode()
    assert reason in text and "Fill in the story by hand" in text
    soup = BeautifulSoup(page.content, "html.parser")
    assert soup.find("input", {"name": "original_url"})["value"] == url
    assert soup.find("input", {"name": "headline"}).get("value", "") == ""


def test_a_bad_address_is_refused_in_the_form(curator_client: Client, channel: Any) -> None:
    response = curator_client.post(
        reverse("ingest:submit", kwargs={"channel": channel.slug}), {"url": "ftp://files.example/x"}
    )
    assert response.status_code == 422
    assert "Enter the full address of an article" in response.content.decode()


def test_while_fetching_the_page_waits_and_refreshes(
    curator_client: Client, channel: Any, web: Any
) -> None:
    url = article(web)
    # Without running the queued task: the candidate waits.
    curator_client.post(reverse("ingest:submit", kwargs={"channel": channel.slug}), {"url": url})
    candidate = Candidate.objects.get()
    page_url = reverse("ingest:candidate", kwargs={"channel": channel.slug, "pk": candidate.pk})
    page = curator_client.get(page_url).content.decode()
    assert 'http-equiv="refresh"' in page and "Fetching the article" in page
    assert curator_client.get(page_url, HTTP_HX_REQUEST="true").status_code == 204


def test_only_the_channels_curators_submit(
    member_client: Client, client: Client, channel: Any
) -> None:
    url = reverse("ingest:submit", kwargs={"channel": channel.slug})
    assert member_client.post(url, {"url": "https://ledger.example/a"}).status_code == 403
    assert client.post(url, {"url": "https://ledger.example/a"}).status_code == 302
    assert (
        member_client.get(reverse("ingest:queue", kwargs={"channel": channel.slug})).status_code
        == 403
    )
    assert not Candidate.objects.exists()


def test_a_candidate_accepted_twice_makes_one_story(
    curator: Any, channel: Any, section: Any
) -> None:
    from masthead.ingest import services
    from masthead.ingest.services import item_find_or_create

    item, _ = item_find_or_create(url="https://ledger.example/2017/07/ferry", title="Ferry")
    candidate = Candidate.objects.create(channel=channel, item=item)
    first, second = (Candidate.objects.get(pk=candidate.pk) for _ in range(2))
    fields = {
        "section": section,
        "headline": "Ferry Sails On",
        "original_url": item.url,
        "action": "publish",
    }
    story = services.candidate_accept(
        actor=curator, candidate=first, image=io.BytesIO(photo()), **fields
    )
    with pytest.raises(ValidationError, match="already a story") as refused:
        services.candidate_accept(
            actor=curator, candidate=second, image=io.BytesIO(photo()), **fields
        )
    assert story.get_absolute_url() in str(refused.value)
    assert Story.objects.count() == 1
    candidate.refresh_from_db()
    assert candidate.status == Candidate.Status.ACCEPTED and candidate.story == story
    # The second photo, stored before the second transaction, is not kept.
    media = Path(settings.MEDIA_ROOT)
    assert [p.relative_to(media).as_posix() for p in media.rglob("*.jpg")] == [story.image.name]


def test_the_candidate_form_sent_again_leads_to_the_one_story(
    curator_client: Client, curator: Any, channel: Any, section: Any
) -> None:
    from masthead.ingest import services
    from masthead.ingest.services import item_find_or_create

    item, _ = item_find_or_create(url="https://ledger.example/2017/07/ferry", title="Ferry")
    candidate = Candidate.objects.create(channel=channel, item=item)
    Item.objects.filter(pk=item.pk).update(fetch_state=Item.Fetch.FAILED)
    story = services.candidate_accept(
        actor=curator,
        candidate=candidate,
        section=section,
        headline="Ferry Sails On",
        original_url=item.url,
    )
    url = reverse("ingest:candidate", kwargs={"channel": channel.slug, "pk": candidate.pk})
    answer = curator_client.post(url, {"headline": "Again", "section": section.pk})
    assert answer.status_code == 302 and answer["Location"] == story.get_absolute_url()
    assert Story.objects.count() == 1


def test_a_url_submitted_twice_at_once_is_fetched_once(
    curator: Any, channel: Any, web: Any, django_capture_on_commit_callbacks: Any
) -> None:
    from masthead.ingest import services

    url = article(web)
    with django_capture_on_commit_callbacks(execute=True):
        first = services.candidate_submit(actor=curator, channel=channel, url=url)
        again = services.candidate_submit(actor=curator, channel=channel, url=url)
        assert first.candidate == again.candidate
        assert services.candidate_refetch(actor=curator, candidate=first.candidate) is False
    assert [r.path for r in web.requests].count("/2017/07/ferry") == 1
    item = Item.objects.get()
    assert item.fetch_state == Item.Fetch.DONE
    # Done is done: asking again fetches nothing more.
    with django_capture_on_commit_callbacks(execute=True):
        assert services.candidate_refetch(actor=curator, candidate=first.candidate) is False
    assert [r.path for r in web.requests].count("/2017/07/ferry") == 1


def test_try_again_asks_anew_after_a_failure_once(
    curator: Any, channel: Any, web: Any, django_capture_on_commit_callbacks: Any
) -> None:
    from masthead.ingest import services

    url = web.route("/gone", Reply(404, b"no", HTML))
    with django_capture_on_commit_callbacks(execute=True):
        submitted = services.candidate_submit(actor=curator, channel=channel, url=url)
    assert Item.objects.get().fetch_state == Item.Fetch.FAILED
    stale = [Candidate.objects.get(pk=submitted.candidate.pk) for _ in range(2)]
    with django_capture_on_commit_callbacks(execute=True):
        asked = [services.candidate_refetch(actor=curator, candidate=c) for c in stale]
    assert asked == [True, False]
    assert [r.path for r in web.requests].count("/gone") == 2  # the first try and one retry


def test_a_page_that_gives_only_a_date_leaves_the_time_to_the_curator(
    curator_client: Client, channel: Any, web: Any, django_capture_on_commit_callbacks: Any
) -> None:
    url = article(web, published="2017-07-25")
    response = submit(curator_client, channel, url, django_capture_on_commit_callbacks)
    assert Item.objects.get().extracted["published"] == "2017-07-25"  # not a made-up midnight
    soup = BeautifulSoup(curator_client.get(response["Location"]).content, "html.parser")
    assert not soup.find("input", {"name": "original_published_at"}).get("value")
