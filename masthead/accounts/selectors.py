"""Reads behind member pages."""

from __future__ import annotations

from django.utils.translation import gettext as _

from masthead.core.errors import NotFound

from .models import Profile


def profile_get_by_handle(handle: str) -> Profile:
    """The profile whose handle is ``handle`` in any letter case; Http404 if none."""
    profile = (
        Profile.objects.select_related("user")
        .filter(handle__lower=handle.lower(), user__is_active=True)
        .first()
    )
    if profile is None:
        raise NotFound(
            _("No such member"),
            _(
                "No member is called @%(handle)s. The handle may be mistyped, or the member "
                "may have closed their account."
            )
            % {"handle": handle},
        )
    return profile
