"""Personal access tokens: how a member's own scripts and apps use the API."""

from __future__ import annotations

import hashlib
import secrets
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

SECRET_PREFIX = "mh_"  # noqa: S105 - not a secret: says what the string is, to a person and to secret scanners
SECRET_BYTES = 32  # 256 bits of randomness: beyond guessing, so one unsalted hash suffices
LOOKUP_LENGTH = 8  # characters after the prefix kept in the clear, to show which token is which
TOKENS_PER_MEMBER = 20  # live tokens a member may have; more is a leak waiting to happen


def new_secret() -> str:
    return SECRET_PREFIX + secrets.token_urlsafe(SECRET_BYTES)


def digest_of(secret: str) -> str:
    """What the database keeps: a copy of it opens nothing."""
    return hashlib.sha256(secret.encode()).hexdigest()


class AccessToken(models.Model):
    """A token a member made, named and scoped; shown once, kept as its SHA-256. Revoking it
    keeps the row (the member sees when it was last used), and it opens nothing from the
    commit on. Written by api.services only."""

    class Scope(models.TextChoices):
        READ = "read", _("read")
        WRITE = "write", _("read and write")

    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="access_tokens"
    )
    name = models.CharField(_("name"), max_length=100)
    scope = models.CharField(_("scope"), max_length=8, choices=Scope.choices)
    prefix = models.CharField(max_length=16, editable=False)  # "mh_" and its first characters
    digest = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(null=True, blank=True, editable=False)
    # The member's session hash when it was made (Django's, from the password hash): a
    # password changed or reset since ends the token, as it ends every session.
    password_mark = models.CharField(max_length=128, blank=True, editable=False)

    class Meta:
        ordering = ("-created_at", "-id")
        indexes: ClassVar = [
            models.Index(fields=["member", "-created_at"], name="token_member_idx")
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    def allows(self, scope: str) -> bool:
        return scope == self.Scope.READ or self.scope == self.Scope.WRITE
