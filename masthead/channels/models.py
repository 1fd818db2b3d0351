from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from masthead.core.urlfill import url_fill

from .validators import validate_channel_slug, validate_slug


class Channel(models.Model):
    """An independent publisher on the platform, with its own curators and sections."""

    slug = models.CharField(
        _("slug"), max_length=50, unique=True, validators=[validate_channel_slug]
    )
    name = models.CharField(_("name"), max_length=100)
    tagline = models.CharField(_("tagline"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("name",)

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return Channel.path_of(self.slug)

    @staticmethod
    def path_of(slug: str) -> str:
        return url_fill("pages:channel", channel=slug)


class Section(models.Model):
    channel = models.ForeignKey(Channel, on_delete=models.CASCADE, related_name="sections")
    slug = models.CharField(_("slug"), max_length=50, validators=[validate_slug])
    name = models.CharField(_("name"), max_length=100)
    position = models.PositiveSmallIntegerField(
        _("position"), default=0, help_text=_("Order in the channel's navigation.")
    )

    class Meta:
        ordering = ("channel", "position", "name")
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["channel", "slug"], name="section_slug_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.channel.name} / {self.name}"

    def get_absolute_url(self) -> str:
        return Section.path_of(channel=self.channel.slug, section=self.slug)

    @staticmethod
    def path_of(*, channel: str, section: str) -> str:
        return url_fill("pages:section", channel=channel, section=section)


class ChannelRole(models.Model):
    """A member's role in a channel. Owners appoint curators and moderators; owners and
    curators curate; all three moderate the channel's discussions."""

    class Role(models.TextChoices):
        OWNER = "owner", _("owner")
        CURATOR = "curator", _("curator")
        MODERATOR = "moderator", _("moderator")

    channel = models.ForeignKey(Channel, on_delete=models.CASCADE, related_name="roles")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="channel_roles"
    )
    role = models.CharField(max_length=16, choices=Role.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["channel", "user", "role"], name="channel_role_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user} is {self.role} of {self.channel}"


class Follow(models.Model):
    """A member follows a channel: its new stories come to their home page."""

    channel = models.ForeignKey(Channel, on_delete=models.CASCADE, related_name="follows")
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="follows"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["member", "channel"], name="follow_once"),
        ]

    def __str__(self) -> str:
        return f"{self.member_id} follows {self.channel_id}"
