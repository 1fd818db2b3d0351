"""Writes for members: accounts and profiles."""

from __future__ import annotations

from allauth.account.models import EmailAddress
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from .models import Profile, User
from .validators import normalize_display_name, validate_display_name


def handle_is_taken(handle: str, *, exclude_user_id: int | None = None) -> bool:
    taken = Profile.objects.filter(handle__lower=handle.lower())
    if exclude_user_id is not None:
        taken = taken.exclude(user_id=exclude_user_id)
    return taken.exists()


@transaction.atomic
def profile_create(*, user: User, handle: str, display_name: str) -> Profile:
    """The member's profile. The form sent twice makes it once: the second finds it (under
    the member's row lock) and answers with it; two members taking one handle at once, one
    of them is told it is taken."""
    display_name = normalize_display_name(display_name)
    validate_display_name(display_name)
    User.objects.select_for_update().filter(pk=user.pk).first()
    existing = Profile.objects.filter(user_id=user.pk).first()
    if existing is not None:
        if existing.handle.lower() == handle.lower():
            return existing
        raise ValidationError({"handle": _("You have a handle already.")}, code="has_handle")
    if handle_is_taken(handle):
        raise ValidationError({"handle": _("That handle is taken.")}, code="taken")
    profile = Profile(user=user, handle=handle, display_name=display_name)
    profile.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            profile.save()
    except IntegrityError:  # the same handle, taken a moment ago by someone else
        raise ValidationError({"handle": _("That handle is taken.")}, code="taken") from None
    return profile


@transaction.atomic
def profile_update(*, actor: User, profile: Profile, display_name: str, bio: str) -> Profile:
    if actor.pk != profile.user_id and not actor.is_staff:
        raise PermissionError(_("Only the member can change their profile."))
    display_name = normalize_display_name(display_name)
    validate_display_name(display_name)
    profile.display_name = display_name
    profile.bio = bio.strip()
    profile.full_clean(validate_constraints=False)
    profile.save(update_fields=["display_name", "bio"])
    return profile


@transaction.atomic
def member_create(
    *,
    email: str,
    password: str | None,
    handle: str,
    display_name: str,
    verified: bool = True,
) -> User:
    """A member with a confirmed (or not) e-mail address and a profile: demo and tests."""
    user = User.objects.create_user(email=email, password=password)
    EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=verified)
    profile_create(user=user, handle=handle, display_name=display_name)
    return user
