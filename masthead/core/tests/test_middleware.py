"""What every request goes through before a view sees it."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from masthead.channels.services import site_moderator_set

pytestmark = pytest.mark.django_db


def test_a_nul_character_anywhere_in_the_request_is_a_bad_request(
    client: Client, member: Any
) -> None:
    site_moderator_set(actor=None, user=member, value=True)
    client.force_login(member)
    queue = reverse("discussion:site_queue")
    assert client.get(queue, {"author": "reader"}).status_code == 200
    # PostgreSQL fails a query that compares text with a NUL: it must never get that far.
    assert client.get(queue, {"author": "\x00"}).status_code == 400
    assert client.get(queue + "?show=pending&x%00y=1").status_code == 400
    assert client.get("/%00/").status_code == 400
    assert client.post(queue, {"action": "approve", "ids": ["1\x00"]}).status_code == 400
