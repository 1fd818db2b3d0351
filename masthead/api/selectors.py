"""Reads behind the tokens page."""

from __future__ import annotations

from django.db.models import F, QuerySet

from masthead.accounts.models import User

from .models import AccessToken


def access_tokens_of(member: User) -> QuerySet[AccessToken]:
    """The member's tokens, live ones first, newest first."""
    return AccessToken.objects.filter(member=member).order_by(
        F("revoked_at").desc(nulls_first=True), "-created_at", "-id"
    )
