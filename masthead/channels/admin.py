from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from .models import Channel, ChannelRole, Section
from .services import role_flag_sync


class SectionInline(admin.TabularInline):
    model = Section
    extra = 0


class ChannelRoleInline(admin.TabularInline):
    model = ChannelRole
    extra = 0
    raw_id_fields = ("user",)


@admin.register(Channel)
class ChannelAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "tagline", "created_at")
    search_fields = ("name", "slug")
    inlines = (SectionInline, ChannelRoleInline)

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        before = {role.user for role in formset.queryset} if formset.model is ChannelRole else set()
        super().save_formset(request, form, formset, change)
        if formset.model is ChannelRole:
            for user in before | {role.user for role in formset.queryset.all()}:
                role_flag_sync(user=user)


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
        previous = ChannelRole.objects.get(pk=obj.pk).user if change else None
        super().save_model(request, obj, form, change)
        for user in {obj.user, previous}:
            if user is not None:
                role_flag_sync(user=user)

    def delete_model(self, request: HttpRequest, obj: ChannelRole) -> None:
        super().delete_model(request, obj)
        role_flag_sync(user=obj.user)

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        users = {role.user for role in queryset}
        super().delete_queryset(request, queryset)
        for user in users:
            role_flag_sync(user=user)
