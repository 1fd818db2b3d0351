"""Writes of the api app: a member's personal access tokens, made and revoked by the member."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from masthead.accounts.models import User

from .models import (
    LOOKUP_LENGTH,
    SECRET_PREFIX,
    TOKENS_PER_MEMBER,
    AccessToken,
    digest_of,
    new_secret,
)


def _check_own(actor: User, member: User) -> None:
    if not actor.is_authenticated or not actor.is_active or actor.pk != member.pk:
        raise PermissionDenied(_("Only the member may make or revoke their tokens."))


@transaction.atomic
def access_token_create(
    *, actor: User, member: User, name: str, scope: str
) -> tuple[AccessToken, str]:
    """A new token for ``member``; returns it with its secret, which is never stored: the
    caller shows it once. The member's row is locked first, so two creations at once count
    the live tokens one after the other and the limit holds."""
    _check_own(actor, member)
    User.objects.select_for_update().only("pk").get(pk=member.pk)
    live = AccessToken.objects.filter(member=member, revoked_at__isnull=True).count()
    if live >= TOKENS_PER_MEMBER:
        raise ValidationError(
            _("You have %(count)s tokens; revoke one you no longer use first.") % {"count": live},
            code="too_many",
        )
    secret = new_secret()
    token = AccessToken(
        member=member,
        name=name.strip(),
        scope=scope,
        prefix=secret[: len(SECRET_PREFIX) + LOOKUP_LENGTH],
        digest=digest_of(secret),
        password_mark=member.get_session_auth_hash(),
    )
    token.full_clean()
    token.save()
    return token, secret


@transaction.atomic
def access_token_revoke(*, actor: User, token: AccessToken) -> AccessToken:
    """The token opens nothing from the commit on. Read again under a lock: revoking twice (a
    double click, two tabs) revokes once and keeps the first time."""
    fresh = AccessToken.objects.select_for_update().select_related("member").get(pk=token.pk)
    _check_own(actor, fresh.member)
    if fresh.revoked_at is None:
        fresh.revoked_at = timezone.now()
        fresh.save(update_fields=["revoked_at"])
    return fresh
