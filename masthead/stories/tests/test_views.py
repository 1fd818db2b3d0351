"""The curators' pages: who may use them, writing with a photo, curating by hand, withdrawing."""

from __future__ import annotations

import io
from typing import Any

import pytest
from bs4 import BeautifulSoup
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from PIL import Image

from masthead.stories.models import Story

pytestmark = pytest.mark.django_db


def jpeg(width: int = 1200, height: int = 800) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), "darkgreen").save(buffer, "JPEG")
    return SimpleUploadedFile("harbour.jpg", buffer.getvalue(), content_type="image/jpeg")


def story_data(section: Any, **extra: Any) -> dict[str, Any]:
    return {
        "section": section.pk,
        "headline": "Harbour Council Approves the Night Ferry",
        "byline": "Ada Lindqvist",
        "time_zone": "Europe/Oslo",
        "excerpt": "The vote was close.",
        "body": "The vote was close.\n\n## What Changes\n\nFerries run until 2 a.m.",
        "image_caption": "The ferry terminal at dusk",
        "image_credit": "Photographer: Jo Park",
        "image_alt": "A lit ferry terminal",
        "comments_open": "on",
        "action": "publish",
        **extra,
    }


@pytest.mark.parametrize("name", ["desk", "new", "curate"])
def test_only_the_channels_curators_reach_the_desk(
    name: str, client: Client, member_client: Client, curator_client: Client, channel: Any
) -> None:
    url = reverse(f"stories:{name}", kwargs={"channel": channel.slug})
    assert client.get(url).status_code == 302  # to log in
    assert member_client.get(url).status_code == 403
    assert curator_client.get(url).status_code == 200


def test_a_curator_of_another_channel_is_refused(client: Client, channel: Any) -> None:
    from masthead.accounts.tests.factories import MemberFactory
    from masthead.channels.models import ChannelRole
    from masthead.channels.services import role_grant
    from masthead.channels.tests.factories import ChannelFactory

    outsider = MemberFactory()
    role_grant(actor=None, channel=ChannelFactory(), user=outsider, role=ChannelRole.Role.OWNER)
    client.force_login(outsider)
    response = client.post(reverse("stories:new", kwargs={"channel": channel.slug}), {})
    assert response.status_code == 403
    assert Story.objects.count() == 0


def test_write_and_publish_an_original_story_with_a_photo(
    curator_client: Client, section: Any
) -> None:
    url = reverse("stories:new", kwargs={"channel": section.channel.slug})
    response = curator_client.post(url, story_data(section, image=jpeg(3600, 2400)))
    story = Story.objects.get()
    assert response.status_code == 302 and response["Location"] == story.get_absolute_url()
    assert story.status == Story.Status.PUBLISHED and story.kind == Story.Kind.ORIGINAL
    assert story.body == (
        "<p>The vote was close.</p>\n<h2>What Changes</h2>\n<p>Ferries run until 2 a.m.</p>"
    )
    assert story.image.name.startswith("stories/") and story.image.name.endswith(".jpg")
    assert (story.image_width, story.image_height) == (2400, 1600)  # scaled to the maximum side
    page = BeautifulSoup(curator_client.get(story.get_absolute_url()).content, "html.parser")
    assert page.select_one("figure img")["alt"] == "A lit ferry terminal"


def test_curate_an_article_by_hand(curator_client: Client, section: Any) -> None:
    url = reverse("stories:curate", kwargs={"channel": section.channel.slug})
    form = BeautifulSoup(curator_client.get(url).content, "html.parser")
    assert form.find("input", {"name": "original_published_at"})  # the form asks for it
    data = story_data(
        section,
        original_url="https://www.ledger.example/a?id=1",
        source_name="The Ledger",
        body="An excerpt.",
        original_published_at="2017-07-25T23:01",
    )
    assert curator_client.post(url, data).status_code == 302
    story = Story.objects.get()
    assert story.kind == Story.Kind.CURATED
    assert (story.source.name, story.source.domain) == ("The Ledger", "ledger.example")
    page = curator_client.get(story.get_absolute_url()).content.decode()
    assert "Read full story" in page and "https://www.ledger.example/a?id=1" in page
    assert "July 25, 2017, 11:01 PM CEST" in page  # in the story's zone, Europe/Oslo
    edit = reverse(
        "stories:edit", kwargs={"channel": section.channel.slug, "public_id": story.public_key}
    )
    form = BeautifulSoup(curator_client.get(edit).content, "html.parser")
    assert form.find("input", {"name": "original_published_at"})["value"] == "2017-07-25T23:01"


def test_curated_story_needs_the_original_url(curator_client: Client, section: Any) -> None:
    url = reverse("stories:curate", kwargs={"channel": section.channel.slug})
    response = curator_client.post(url, story_data(section))
    assert response.status_code == 422
    assert "This field is required." in response.content.decode()
    assert Story.objects.count() == 0


def test_a_file_that_is_not_an_image_is_refused_and_the_form_kept(
    curator_client: Client, section: Any
) -> None:
    url = reverse("stories:new", kwargs={"channel": section.channel.slug})
    fake = SimpleUploadedFile("photo.jpg", b"%PDF-1.4 not an image", content_type="image/jpeg")
    response = curator_client.post(url, story_data(section, image=fake))
    assert response.status_code == 422
    page = response.content.decode()
    assert "This file is not an image we can read." in page
    assert "Harbour Council Approves the Night Ferry" in page  # what was typed is still there
    assert Story.objects.count() == 0


def test_an_oversized_upload_is_refused(
    curator_client: Client, section: Any, settings: Any
) -> None:
    settings.MASTHEAD_MAX_IMAGE_BYTES = 100_000
    url = reverse("stories:new", kwargs={"channel": section.channel.slug})
    response = curator_client.post(url, story_data(section, image=jpeg(3000, 3000)))
    assert response.status_code == 422
    assert "; the limit is 0.1 MB." in response.content.decode()
    assert Story.objects.count() == 0


def test_schedule_needs_a_future_time_in_the_story_zone(
    curator_client: Client, section: Any
) -> None:
    url = reverse("stories:new", kwargs={"channel": section.channel.slug})
    past = curator_client.post(
        url, story_data(section, action="schedule", publish_at="2001-01-01T09:00")
    )
    assert past.status_code == 422 and "must be in the future" in past.content.decode()
    curator_client.post(url, story_data(section, action="schedule", publish_at="2099-01-01T09:00"))
    story = Story.objects.get()
    assert story.status == Story.Status.SCHEDULED
    assert story.published_at.isoformat() == "2099-01-01T08:00:00+00:00"  # 09:00 in Oslo


def test_edit_changes_the_slug_and_old_links_redirect(curator_client: Client, story: Any) -> None:
    old = story.get_absolute_url()
    url = reverse(
        "stories:edit", kwargs={"channel": story.channel.slug, "public_id": story.public_key}
    )
    form = curator_client.get(url)
    assert form.status_code == 200
    response = curator_client.post(url, story_data(story.section, headline="A New Headline"))
    story.refresh_from_db()
    assert response["Location"] == story.get_absolute_url()
    assert story.slug == "a-new-headline"
    assert curator_client.get(old)["Location"] == story.get_absolute_url()


def test_withdraw_needs_a_reason_and_then_answers_410(
    curator_client: Client, client: Client, story: Any, member_client: Client
) -> None:
    url = reverse(
        "stories:withdraw", kwargs={"channel": story.channel.slug, "public_id": story.public_key}
    )
    assert member_client.post(url, {"reason": "x"}).status_code == 403
    assert curator_client.post(url, {"reason": ""}).status_code == 422
    assert curator_client.post(url, {"reason": "Wrong figures."}).status_code == 302
    assert client.get(story.get_absolute_url()).status_code == 410


def test_an_edit_in_the_admin_reaches_the_story_page(
    client: Client, story: Any, monkeypatch: Any
) -> None:
    from masthead.accounts.tests.factories import MemberFactory

    admin = MemberFactory()
    admin.is_staff = admin.is_superuser = True
    admin.save()
    reader = Client()
    assert "Corrected In The Admin" not in reader.get(story.get_absolute_url()).content.decode()
    client.force_login(admin)
    form = client.get(f"/admin/stories/story/{story.pk}/change/")
    assert form.status_code == 200
    data = {
        name: value
        for name, value in form.context["adminform"].form.initial.items()
        if value is not None and name != "image"
    }
    data.update(
        headline="Corrected In The Admin",
        section=story.section.pk,
        channel=story.channel.pk,
        status="draft",  # not in the form: publishing goes through the desk
    )
    # Comments posted after the admin read the story and before it saved are not written
    # over: they land just as the save takes its lock.
    from masthead.stories import admin as story_admin

    locked = story_admin.story_locked

    def comments_arrive_then_lock(instance: Any) -> Any:
        Story.objects.filter(pk=instance.pk).update(comment_count=7)
        return locked(instance)

    monkeypatch.setattr(story_admin, "story_locked", comments_arrive_then_lock)
    response = client.post(f"/admin/stories/story/{story.pk}/change/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    story.refresh_from_db()
    assert story.revision == 2 and story.comment_count == 7
    assert story.status == Story.Status.PUBLISHED
    assert "Corrected In The Admin" in reader.get(story.get_absolute_url()).content.decode()
