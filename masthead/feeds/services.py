"""Writes of the feeds app: a member's private feed address, made when they ask for it and
reset on the member's request (the old address stops working with the commit)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from masthead.accounts.models import User

from .models import FeedToken, digest_of, new_nonce, token_for


def _check_own(actor: User, member: User) -> None:
    if actor.pk != member.pk or not actor.is_active:
        raise PermissionDenied(_("Only the member may see or reset their feed address."))


def feed_token_get_or_create(*, actor: User, member: User) -> FeedToken:
    """The member's feed address, made on first use. Two first uses at once make one: the
    unique member column refuses the second, which then reads the first's."""
    _check_own(actor, member)
    found = FeedToken.objects.filter(member=member).first()
    if found is not None:
        return found
    nonce = new_nonce()
    try:
        with transaction.atomic():
            return FeedToken.objects.create(
                member=member, nonce=nonce, digest=digest_of(token_for(nonce))
            )
    except IntegrityError:
        return FeedToken.objects.get(member=member)


@transaction.atomic
def feed_token_reset(*, actor: User, member: User) -> FeedToken:
    """A new address for the member's feeds; the one before stops working. The row is read
    again under a lock, so two resets at once take turns and the last one's address holds."""
    _check_own(actor, member)
    token = feed_token_get_or_create(actor=actor, member=member)
    token = FeedToken.objects.select_for_update().get(pk=token.pk)
    token.nonce = new_nonce()
    token.digest = digest_of(token_for(token.nonce))
    token.reset_at = timezone.now()
    token.full_clean()
    token.save(update_fields=["nonce", "digest", "reset_at"])
    return token
