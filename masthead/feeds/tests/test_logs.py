"""A member's private feed address is a secret: the request log names it without its token."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from django.test import Client

from masthead.feeds.services import feed_token_get_or_create

pytestmark = pytest.mark.django_db


def test_a_private_feed_address_is_logged_without_its_token(
    client: Client, member: Any, caplog: pytest.LogCaptureFixture
) -> None:
    token = feed_token_get_or_create(actor=member, member=member).token
    with caplog.at_level(logging.WARNING, logger="django.request"):
        response = client.get(f"/feeds/{token}/rss.xml?page=7")  # a live token, past its end
    assert response.status_code == 404
    logged = [r.getMessage() for r in caplog.records if r.name == "django.request"]
    assert logged, "the 404 is logged"
    assert all(token not in line for line in logged)
    assert any("/feeds/…/rss.xml" in line for line in logged)
