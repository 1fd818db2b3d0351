"""Reads about channels, and the permission questions every app asks of them."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from masthead.core.errors import NotFound

from .models import Channel, ChannelRole, Follow, Section

CURATING_ROLES = (ChannelRole.Role.OWNER, ChannelRole.Role.CURATOR)
MODERATING_ROLES = (*CURATING_ROLES, ChannelRole.Role.MODERATOR)


def channel_list() -> QuerySet[Channel]:
    return Channel.objects.prefetch_related("sections")


def _no_channel(slug: str) -> NotFound:
    return NotFound(
        _("No such channel"),
        _("There is no channel at /%(slug)s/. Every channel is on the front page.")
        % {"slug": slug},
    )


def channel_get(slug: str) -> Channel:
    found = Channel.objects.prefetch_related("sections").filter(slug=slug).first()
    if found is None:
        raise _no_channel(slug)
    return found


def section_get(*, channel_slug: str, slug: str) -> Section:
    """A section with its channel, in one query (a second says which of them is missing)."""
    found = (
        Section.objects.select_related("channel")
        .filter(channel__slug=channel_slug, slug=slug)
        .first()
    )
    if found is not None:
        return found
    channel = Channel.objects.filter(slug=channel_slug).first()
    if channel is None:
        raise _no_channel(channel_slug)
    raise NotFound(
        _("No such section"),
        _("%(channel)s has no section called “%(slug)s”. Its sections are on its page.")
        % {"channel": channel.name, "slug": slug},
    )


def can_curate(user: Any, channel_id: int) -> bool:
    """Owners and curators of the channel, and site staff, write and curate its stories."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if user.is_staff:
        return True
    if not user.holds_channel_role:
        return False
    return ChannelRole.objects.filter(
        user=user, channel_id=channel_id, role__in=CURATING_ROLES
    ).exists()


def is_owner(user: Any, channel_id: int) -> bool:
    """The channel's owners, and site staff: who manage its team and export its members."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if user.is_staff:
        return True
    if not user.holds_channel_role:
        return False
    return ChannelRole.objects.filter(
        user=user, channel_id=channel_id, role=ChannelRole.Role.OWNER
    ).exists()


def can_moderate(user: Any, channel_id: int) -> bool:
    """Who moderates the channel's discussions: its owners, curators and moderators, site
    moderators and site staff."""
    return moderator_role(user, channel_id) is not None


def moderator_role(user: Any, channel_id: int) -> str | None:
    """The role under which ``user`` moderates the channel ("staff", "site moderator",
    "owner", "curator", "moderator"), or None. The public moderation log names the role."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    if user.is_staff:
        return "staff"
    if user.is_site_moderator:
        return "site moderator"
    if not user.holds_channel_role:
        return None
    held = set(
        ChannelRole.objects.filter(
            user=user, channel_id=channel_id, role__in=MODERATING_ROLES
        ).values_list("role", flat=True)
    )
    return next((str(role) for role in MODERATING_ROLES if role in held), None)


def channels_moderated_by(user: Any) -> QuerySet[Channel]:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Channel.objects.none()
    if user.is_staff or user.is_site_moderator:
        return Channel.objects.all()
    return Channel.objects.filter(roles__user=user, roles__role__in=MODERATING_ROLES).distinct()


def channels_curated_by(user: Any) -> QuerySet[Channel]:
    if not getattr(user, "is_authenticated", False):
        return Channel.objects.none()
    if user.is_staff:
        return Channel.objects.all()
    return Channel.objects.filter(roles__user=user, roles__role__in=CURATING_ROLES).distinct()


def team(*, channel_id: int) -> QuerySet[ChannelRole]:
    """The channel's owners, curators and moderators, with their profiles."""
    return (
        ChannelRole.objects.filter(channel_id=channel_id)
        .select_related("user__profile")
        .order_by("role", "user__profile__handle")
    )


def follows(user: Any, channel_id: int) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return Follow.objects.filter(member=user, channel_id=channel_id).exists()


def followed_channel_ids(user: Any) -> list[int]:
    return list(Follow.objects.filter(member=user).values_list("channel_id", flat=True))


def channels_followed(user: Any) -> list[Channel]:
    """The channels ``user`` follows, by name."""
    return list(Channel.objects.filter(follows__member=user).order_by("name"))
