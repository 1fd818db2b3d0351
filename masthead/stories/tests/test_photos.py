"""A lead photo through the desk and the admin: what is stored is the re-encoded image, and
the caption and credit the photo carries fill the fields the curator left empty."""

from __future__ import annotations

import io
from typing import Any

import pytest
from bs4 import BeautifulSoup
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from PIL import Image

from masthead.accounts.tests.factories import MemberFactory
from masthead.core import images
from masthead.core.tests.test_images import (
    SCRIPT,
    SRGB_ICC,
    TRAILER,
    halves,
    hostile_jpeg,
    xmp_packet,
)
from masthead.stories.models import Story
from masthead.stories.tests.test_views import story_data

pytestmark = pytest.mark.django_db


def upload(data: bytes, name: str = "photo.jpg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="image/jpeg")


def described_jpeg() -> bytes:
    out = io.BytesIO()
    packet = xmp_packet(caption="Ferries at dusk, Oslo", creator="Jo Park", credit="Nordic Wire")
    halves().save(out, "JPEG", xmp=packet)
    return out.getvalue()


def test_the_desk_stores_a_hostile_jpeg_re_encoded_upright_with_its_profile(
    curator_client: Client, section: Any
) -> None:
    url = reverse("stories:new", kwargs={"channel": section.channel.slug})
    response = curator_client.post(url, story_data(section, image=upload(hostile_jpeg())))
    assert response.status_code == 302
    story = Story.objects.get()
    with story.image.open("rb") as stored:
        content = stored.read()
    assert SCRIPT not in content and TRAILER not in content and b"<script" not in content
    image = Image.open(io.BytesIO(content))
    assert not image.getexif() and image.info["icc_profile"] == SRGB_ICC
    assert (story.image_width, story.image_height) == image.size == (200, 400)
    media = curator_client.get(story.image.url)
    assert media["Content-Type"] == "image/jpeg" and media["X-Content-Type-Options"] == "nosniff"


def test_the_photos_caption_and_credit_fill_empty_fields_and_the_curator_is_told(
    curator_client: Client, section: Any
) -> None:
    url = reverse("stories:new", kwargs={"channel": section.channel.slug})
    data = story_data(section, image=upload(described_jpeg()), image_caption="", image_credit="")
    response = curator_client.post(url, data, follow=True)
    story = Story.objects.get()
    assert (story.image_caption, story.image_credit) == (
        "Ferries at dusk, Oslo",
        "Jo Park/Nordic Wire",
    )
    page = BeautifulSoup(response.content, "html.parser")
    assert "The caption and credit came with the photo: check them." in page.get_text()
    assert "Ferries at dusk, Oslo" in page.select_one("figure figcaption").get_text()


def test_what_the_curator_wrote_is_kept(curator_client: Client, section: Any) -> None:
    url = reverse("stories:new", kwargs={"channel": section.channel.slug})
    data = story_data(section, image=upload(described_jpeg()), image_credit="")
    response = curator_client.post(url, data, follow=True)
    story = Story.objects.get()
    assert story.image_caption == "The ferry terminal at dusk"  # the curator's, not the photo's
    assert story.image_credit == "Jo Park/Nordic Wire"
    assert "The credit came with the photo: check it." in response.content.decode()


def test_a_photo_without_details_fills_nothing_and_says_nothing(
    curator_client: Client, section: Any
) -> None:
    out = io.BytesIO()
    halves().save(out, "JPEG")
    url = reverse("stories:new", kwargs={"channel": section.channel.slug})
    data = story_data(section, image=upload(out.getvalue()), image_caption="", image_credit="")
    response = curator_client.post(url, data, follow=True)
    story = Story.objects.get()
    assert (story.image_caption, story.image_credit) == ("", "")
    assert "came with the photo" not in response.content.decode()


def test_while_another_photo_is_decoded_the_desk_says_try_again_and_keeps_the_form(
    curator_client: Client, section: Any, monkeypatch: Any
) -> None:
    monkeypatch.setattr(images, "DECODE_WAIT_SECONDS", 0.01)
    url = reverse("stories:new", kwargs={"channel": section.channel.slug})
    with images._decode_slot():
        response = curator_client.post(url, story_data(section, image=upload(hostile_jpeg())))
    assert response.status_code == 422
    page = response.content.decode()
    assert "The server is busy with other photos. Try again in a moment." in page
    assert "Harbour Council Approves the Night Ferry" in page
    assert Story.objects.count() == 0


def test_an_upload_in_the_admin_is_re_encoded_too(client: Client, story: Story) -> None:
    admin = MemberFactory()
    admin.is_staff = admin.is_superuser = True
    admin.save()
    client.force_login(admin)
    change = f"/admin/stories/story/{story.pk}/change/"
    form = client.get(change).context["adminform"].form
    data = {
        name: value for name, value in form.initial.items() if value is not None and name != "image"
    }
    data.update(
        section=story.section.pk,
        channel=story.channel.pk,
        published_at_0="2026-01-01",
        published_at_1="10:00:00",
        image_caption="",
        image=upload(described_jpeg() + TRAILER, name="photo.jpg"),
    )
    response = client.post(change, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    story.refresh_from_db()
    with story.image.open("rb") as stored:
        content = stored.read()
    assert TRAILER not in content and b"Nordic Wire" not in content
    assert story.image.name.endswith(".jpg") and story.image_caption == "Ferries at dusk, Oslo"
