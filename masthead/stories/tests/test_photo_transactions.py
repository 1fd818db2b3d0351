"""A photo is decoded and stored with no transaction open, by every path (the desk, the admin,
and, in tests/test_import.py, the importers), and the file a photo replaces is deleted only
once the change that replaced it has committed: a change that fails leaves the story's photo
in place, and stores nothing that stays (docs/decisions/0012-uploaded-images.md)."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.db import connections
from django.test import Client
from django.urls import reverse
from PIL import Image

from masthead.accounts.tests.factories import MemberFactory
from masthead.core import images
from masthead.stories.models import Story
from masthead.stories.services import story_save, story_update
from masthead.stories.tests.test_photos import upload
from masthead.stories.tests.test_views import story_data

pytestmark = pytest.mark.django_db


def transaction_open() -> bool:
    """Whether a transaction is open (the test's own, which wraps every test, does not count:
    Django marks it, as masthead/core/http.py's guard reads it)."""
    return any(
        not getattr(block, "_from_testcase", False)
        for connection in connections.all(initialized_only=True)
        for block in connection.atomic_blocks
    )


def photo_work(monkeypatch: Any) -> list[tuple[str, bool]]:
    """Record each decode (from its wait for the decode slot), each file stored and each
    deleted, with whether a transaction was open then."""
    seen: list[tuple[str, bool]] = []
    slot = images._decode_slot

    def decode_slot() -> Any:
        seen.append(("decode", transaction_open()))
        return slot()

    monkeypatch.setattr(images, "_decode_slot", decode_slot)
    storage = Story._meta.get_field("image").storage
    for method, label in (("save", "store"), ("delete", "delete")):
        real = getattr(storage, method)

        def recorded(*args: Any, _real: Any = real, _label: str = label, **kwargs: Any) -> Any:
            seen.append((_label, transaction_open()))
            return _real(*args, **kwargs)

        monkeypatch.setattr(storage, method, recorded)
    return seen


def jpeg(colour: str = "navy") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (320, 200), colour).save(out, "JPEG")
    return out.getvalue()


def stored_files() -> set[str]:
    root = Path(settings.MEDIA_ROOT)
    return {str(path.relative_to(root)) for path in root.rglob("*") if path.is_file()}


def test_the_desk_decodes_and_stores_a_photo_with_no_transaction_open(
    curator_client: Client, section: Any, monkeypatch: Any
) -> None:
    work = photo_work(monkeypatch)
    url = reverse("stories:new", kwargs={"channel": section.channel.slug})
    response = curator_client.post(url, story_data(section, image=upload(jpeg())))
    assert response.status_code == 302
    assert work == [("decode", False), ("store", False)]
    assert stored_files() == {Story.objects.get().image.name}


def test_the_admin_decodes_and_stores_a_photo_before_its_transaction(
    client: Client,
    story: Story,
    monkeypatch: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    story = story_update(actor=None, story=story, image=io.BytesIO(jpeg("teal")))
    first = story.image.name
    admin = MemberFactory()
    admin.is_staff = admin.is_superuser = True
    admin.save()
    client.force_login(admin)
    change = f"/admin/stories/story/{story.pk}/change/"
    form = client.get(change).context["adminform"].form
    data = {
        name: value for name, value in form.initial.items() if value is not None and name != "image"
    }
    data.update(section=story.section.pk, channel=story.channel.pk, image=upload(jpeg()))
    work = photo_work(monkeypatch)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(change, data)
        assert response.status_code == 302, response.content.decode()[:2000]
        assert first in stored_files()  # until the change has committed
    assert work == [("decode", False), ("store", False), ("delete", False)]
    story.refresh_from_db()
    assert story.image.name != first and stored_files() == {story.image.name}
    assert (story.image_width, story.image_height) == (320, 200)


def test_a_photo_the_admin_refuses_is_not_kept(
    client: Client, story: Story, monkeypatch: Any
) -> None:
    admin = MemberFactory()
    admin.is_staff = admin.is_superuser = True
    admin.save()
    client.force_login(admin)
    change = f"/admin/stories/story/{story.pk}/change/"
    form = client.get(change).context["adminform"].form
    data = {
        name: value for name, value in form.initial.items() if value is not None and name != "image"
    }
    data.update(section="", channel=story.channel.pk, image=upload(jpeg()))  # section missing
    assert client.post(change, data).status_code == 200
    assert stored_files() == set() and not Story.objects.get(pk=story.pk).image
    data.update(section=story.section.pk, image=upload(b"not a photo"))
    page = client.post(change, data)
    assert page.status_code == 200
    assert "This file is not an image we can read." in page.content.decode()


def test_a_replaced_photo_goes_after_commit_and_stays_when_the_change_fails(
    curator: Any, story: Story, django_capture_on_commit_callbacks: Any
) -> None:
    channel = story.channel
    story = story_update(actor=curator, story=story, image=io.BytesIO(jpeg("teal")))
    first = story.image.name
    fields = {"headline": story.headline, "section": story.section}

    # Scheduling at a time without a zone fails after the photo was replaced or removed: the
    # story keeps its photo, and the new one is not kept.
    for change in ({"image": io.BytesIO(jpeg())}, {"remove_image": True}):
        with (
            pytest.raises(ValueError, match="aware"),
            django_capture_on_commit_callbacks(execute=True),
        ):
            story_save(
                actor=curator,
                channel=channel,
                story=story,
                action="schedule",
                publish_at=dt.datetime(2030, 1, 1, 9, 0),  # noqa: DTZ001 - the point
                **fields,
                **change,
            )
        assert Story.objects.get(pk=story.pk).image.name == first
        assert stored_files() == {first}

    with django_capture_on_commit_callbacks(execute=True):
        story = story_save(
            actor=curator, channel=channel, story=story, action="draft", remove_image=True, **fields
        )
        assert stored_files() == {first}  # until the change has committed
    assert not story.image and (story.image_width, story.image_height) == (None, None)
    assert stored_files() == set()


def test_two_replacements_from_stale_instances_keep_the_last_photo_alone(
    curator: Any, story: Story, django_capture_on_commit_callbacks: Any
) -> None:
    story = story_update(actor=curator, story=story, image=io.BytesIO(jpeg("teal")))
    stale = [Story.objects.get(pk=story.pk) for _ in range(2)]
    with django_capture_on_commit_callbacks(execute=True):
        for instance, colour in zip(stale, ("navy", "olive"), strict=True):
            story_update(actor=curator, story=instance, image=io.BytesIO(jpeg(colour)))
    story.refresh_from_db()
    assert stored_files() == {story.image.name}
