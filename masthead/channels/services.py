"""Writes for channels, sections and roles."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from masthead.accounts.models import User

from . import signals
from .context_processors import nav_channels_forget
from .models import Channel, ChannelRole, Follow, Section
from .selectors import is_owner


def _require_admin(actor: User | None) -> None:
    # actor None is the operator at the command line (masthead createchannel, the demo loader)
    if actor is not None and not actor.is_staff:
        raise PermissionDenied(_("Only site admins create channels and sections."))


@transaction.atomic
def channel_create(
    *,
    actor: User | None,
    slug: str,
    name: str,
    tagline: str = "",
    description: str = "",
    owner: User | None = None,
) -> Channel:
    _require_admin(actor)
    channel = Channel(slug=slug, name=name, tagline=tagline, description=description)
    channel.full_clean()
    channel.save()
    if owner is not None:
        role_grant(actor=actor, channel=channel, user=owner, role=ChannelRole.Role.OWNER)
    transaction.on_commit(nav_channels_forget)
    return channel


@transaction.atomic
def section_create(
    *, actor: User | None, channel: Channel, slug: str, name: str, position: int = 0
) -> Section:
    _require_admin(actor)
    section = Section(channel=channel, slug=slug, name=name, position=position)
    section.full_clean()
    section.save()
    return section


def _lock_member(user: User) -> None:
    """One role change per member at a time: ``holds_channel_role`` is computed from what the
    member holds after the change."""
    User.objects.select_for_update().filter(pk=user.pk).first()


@transaction.atomic
def role_grant(*, actor: User | None, channel: Channel, user: User, role: str) -> ChannelRole:
    """Admins grant any role; an owner of the channel appoints its curators and moderators.
    Granting a role the member holds already changes nothing."""
    _require_appointer(actor, channel, role)
    if role not in ChannelRole.Role.values:
        raise ValueError(f"unknown role {role!r}")
    _lock_member(user)
    grant, created = ChannelRole.objects.get_or_create(channel=channel, user=user, role=role)
    role_flag_sync(user=user)
    if created:
        signals.role_changed.send(
            sender=ChannelRole, actor=actor, channel=channel, user=user, role=role, granted=True
        )
    return grant


@transaction.atomic
def role_revoke(*, actor: User | None, channel: Channel, user: User, role: str) -> None:
    _require_appointer(actor, channel, role)
    _lock_member(user)
    revoked, _kinds = ChannelRole.objects.filter(channel=channel, user=user, role=role).delete()
    role_flag_sync(user=user)
    if revoked:
        signals.role_changed.send(
            sender=ChannelRole, actor=actor, channel=channel, user=user, role=role, granted=False
        )


APPOINTED_BY_OWNERS = (ChannelRole.Role.CURATOR, ChannelRole.Role.MODERATOR)


def _require_appointer(actor: User | None, channel: Channel, role: str) -> None:
    if actor is None or actor.is_staff:
        return
    if not (is_owner(actor, channel.pk) and role in APPOINTED_BY_OWNERS):
        raise PermissionDenied(_("Only the channel's owner appoints its curators and moderators."))


@transaction.atomic
def site_moderator_set(*, actor: User | None, user: User, value: bool) -> None:
    """Site moderators moderate every channel; only site admins appoint them."""
    if actor is not None and not actor.is_staff:
        raise PermissionDenied(_("Only site admins appoint site moderators."))
    changed = (
        User.objects.filter(pk=user.pk)
        .exclude(is_site_moderator=value)
        .update(is_site_moderator=value)
    )
    user.is_site_moderator = value
    if changed:
        signals.role_changed.send(
            sender=User, actor=actor, channel=None, user=user, role="moderator", granted=value
        )


def role_flag_sync(*, user: User) -> None:
    """Set ``User.holds_channel_role`` from the roles the member holds now. Every write to
    roles ends here, the admin's included (channels/admin.py). The row decides, not the
    caller's instance of the member, which another write may have outdated."""
    holds = ChannelRole.objects.filter(user=user).exists()
    User.objects.filter(pk=user.pk).exclude(holds_channel_role=holds).update(
        holds_channel_role=holds
    )
    user.holds_channel_role = holds


def follow_set(*, actor: User, channel: Channel, following: bool) -> bool:
    """Follow the channel, or stop; returns whether the member follows it now."""
    if not actor.is_authenticated or not actor.is_active:
        raise PermissionDenied(_("Log in to follow a channel."))
    if following:
        changed = Follow.objects.get_or_create(member=actor, channel=channel)[1]
    else:
        changed = bool(Follow.objects.filter(member=actor, channel=channel).delete()[0])
    if changed:
        channel_id = channel.pk
        # The follow has committed: a receiver that fails (the recount's task not queued,
        # the database gone) is logged, not the member's error; the rank loop repairs the
        # scores.
        transaction.on_commit(
            lambda: signals.follow_changed.send(sender=Follow, channel_id=channel_id),
            robust=True,
        )
    return following
