"""Reads behind member pages."""

from __future__ import annotations

from django.http import Http404

from .models import Profile


def profile_get_by_handle(handle: str) -> Profile:
    """The profile whose handle is ``handle`` in any letter case; Http404 if none."""
    profile = (
        Profile.objects.select_related("user")
        .filter(handle__lower=handle.lower(), user__is_active=True)
        .first()
    )
    if profile is None:
        raise Http404(f"No member @{handle}")
    return profile
