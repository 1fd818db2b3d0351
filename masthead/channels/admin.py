"""The admin for channels, sections and roles, and the members' admin with site moderators.
Roles and site moderators change only through ``channels.services`` (``role_grant``,
``role_revoke``, ``site_moderator_set``), which keep ``holds_channel_role`` true and tell the
moderation log."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from masthead.accounts.admin import UserAdmin as AccountsUserAdmin
from masthead.accounts.models import User

from .models import Channel, ChannelRole, Section
from .services import role_grant, role_revoke, site_moderator_set


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
        if change and not form.changed_data:
            return  # saved as it was: no one was dismissed or appointed
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


admin.site.unregister(User)


@admin.register(User)
class UserAdmin(AccountsUserAdmin):
    """The members' admin, where site admins appoint site moderators: through
    ``site_moderator_set``, which logs the appointment or dismissal."""

    appoints_site_moderators = True

    def save_model(self, request: HttpRequest, obj: User, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        if change and "is_site_moderator" in form.changed_data:
            site_moderator_set(
                actor=request.user,  # type: ignore[arg-type]
                user=obj,
                value=form.cleaned_data["is_site_moderator"],
            )

    def changed_columns(self, form: Any) -> list[str]:
        return [name for name in super().changed_columns(form) if name != "is_site_moderator"]
