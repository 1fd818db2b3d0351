from django.contrib import admin

from .models import Channel, ChannelRole, Section


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
