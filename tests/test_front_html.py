"""The front page's tabs, a channel's page with a pin, and the pin controls pass the Nu Html
Checker, as readers, curators and site editors see them."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from masthead.accounts.tests.factories import MemberFactory
from masthead.discussion.services import comment_create
from masthead.stories import pins
from masthead.stories.tests.factories import StoryFactory

pytestmark = [pytest.mark.django_db, pytest.mark.htmlcheck]


def test_front_and_pin_pages_have_no_html_errors(
    vnu_command: list[str], tmp_path: Path, section: Any, curator: Any, member: Any
) -> None:
    stories = [StoryFactory(section=section, headline=f"Story “{n}” & more") for n in range(24)]
    StoryFactory(
        section=section,
        headline="With a photo",
        image="stories/2024/05/photo.jpg",
        image_width=1200,
        image_height=800,
        image_alt="A ferry",
    )
    comment_create(actor=member, story=stories[3], body="Worth a read.")
    pins.pin_set(actor=None, story=stories[0], front=True, place=2)
    pins.pin_set(actor=curator, story=stories[1], front=False, place=1)
    editor = MemberFactory(handle="site_editor")
    editor.is_staff = True
    editor.save(update_fields=["is_staff"])
    reader, as_curator, as_editor = Client(), Client(), Client()
    as_curator.force_login(curator)
    as_editor.force_login(editor)
    channel = section.channel.slug
    pin_url = reverse(
        "stories:pin", kwargs={"channel": channel, "public_id": stories[1].public_key}
    )
    pages = {
        "top": (reader, "/", None),
        "top-2": (reader, "/?page=2", None),
        "latest": (reader, "/latest", None),
        "top-member": (as_curator, "/", None),
        "channel": (reader, section.channel.get_absolute_url(), None),
        "desk": (as_curator, reverse("stories:desk", kwargs={"channel": channel}), None),
        "pin": (as_curator, pin_url, None),
        "pin-editor": (as_editor, pin_url, None),
        "pin-refused": (as_editor, pin_url, {"where": "front", "place": "99"}),
    }
    files = []
    for name, (client, url, data) in pages.items():
        response = client.post(url, data) if data else client.get(url)
        assert response.status_code in (200, 422), (name, response.status_code)
        path = tmp_path / f"{name}.html"
        path.write_bytes(response.content)
        files.append(str(path))
    result = subprocess.run(
        [*vnu_command, *files], capture_output=True, text=True, timeout=180, check=False
    )
    report = (result.stdout + result.stderr).strip()
    assert result.returncode == 0, f"Nu Html Checker errors:\n{report}"
