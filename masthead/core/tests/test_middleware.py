"""What every request goes through before a view sees it."""

from __future__ import annotations

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_a_nul_character_anywhere_in_the_request_is_a_bad_request(client: Client) -> None:
    # PostgreSQL fails a query that compares text with a NUL (the moderation queue's author
    # filter did, tests/test_url_walk.py): no view may get one.
    assert client.get("/", {"author": "reader"}).status_code == 200
    assert client.get("/", {"author": "\x00"}).status_code == 400
    assert client.get("/?show=pending&x%00y=1").status_code == 400
    assert client.get("/%00/").status_code == 400
    assert client.post("/accounts/login/", {"login": "a\x00@example.test"}).status_code == 400
