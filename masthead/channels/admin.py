"""The admin for channels, sections and roles. Roles change only through
``channels.services`` (``role_grant``, ``role_revoke``), which keep ``holds_channel_role`` true
and tell the moderation log."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from masthead.accounts.models import User

from .models import Channel, ChannelRole, Section
from .services import role_grant, role_revoke


class SectionInline(admin.TabularInline):
    model = Section
    extra = 0


class ChannelRoleInline(admin.TabularInline):
    """The channel's team, to read; appointments are made under Channel roles."""

    model = ChannelRole
    extra = 0
    fields = readonly_fields = ("user", "role", "created_at")
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Channel)
class ChannelAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "tagline", "created_at")
    search_fields = ("name", "slug")
    inlines = (SectionInline, ChannelRoleInline)


@admin.register(Section)
class SectionAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "channel", "position")
    list_filter = ("channel",)
    list_select_related = ("channel",)


@admin.register(ChannelRole)
class ChannelRoleAdmin(admin.ModelAdmin):
    list_display = ("channel", "user", "role", "created_at")
    list_filter = ("role", "channel")
    list_select_related = ("channel", "user")
    raw_id_fields = ("user",)

    def save_model(self, request: HttpRequest, obj: ChannelRole, form: Any, change: bool) -> None:
        actor: User = request.user  # type: ignore[assignment]
        if change:
            before = ChannelRole.objects.select_related("channel", "user").get(pk=obj.pk)
            role_revoke(actor=actor, channel=before.channel, user=before.user, role=before.role)
        granted = role_grant(actor=actor, channel=obj.channel, user=obj.user, role=obj.role)
        obj.pk = granted.pk

    def delete_model(self, request: HttpRequest, obj: ChannelRole) -> None:
        role_revoke(actor=request.user, channel=obj.channel, user=obj.user, role=obj.role)  # type: ignore[arg-type]

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        for role in queryset.select_related("channel", "user"):
            self.delete_model(request, role)
