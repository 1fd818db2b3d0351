"""A member's private feed address: the token in the URL of their followed channels' feeds."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

from django.conf import settings
from django.db import models

TOKEN_LENGTH = 32  # characters of base64url: 192 bits, beyond guessing
NONCE_BYTES = 16


def token_for(nonce: str) -> str:
    """The token a nonce stands for. Derived with the secret key, so that a copy of the
    database alone opens no member's feed (rotating SECRET_KEY resets every address)."""
    digest = hmac.new(
        settings.SECRET_KEY.encode(), b"masthead.feeds.token:" + nonce.encode(), hashlib.sha256
    ).digest()
    return base64.urlsafe_b64encode(digest).decode()[:TOKEN_LENGTH]


def digest_of(token: str) -> str:
    """What the database keeps to find a token's member (an index on the hash, not the token)."""
    return hashlib.sha256(token.encode()).hexdigest()


def new_nonce() -> str:
    return secrets.token_hex(NONCE_BYTES)


class FeedToken(models.Model):
    """The private address of a member's followed-channels feeds. Resetting it (a new nonce)
    retires the old address at once. Written by feeds.services only."""

    member = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="feed_token"
    )
    nonce = models.CharField(max_length=64)
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    reset_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"feed address of member {self.member_id}"

    @property
    def token(self) -> str:
        return token_for(self.nonce)
