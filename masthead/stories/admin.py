from django.contrib import admin

from .models import Source, Story


@admin.register(Source)
class SourceAdmin(admin.ModelAdmin):
    list_display = ("name", "domain")
    search_fields = ("name", "domain")


@admin.register(Story)
class StoryAdmin(admin.ModelAdmin):
    list_display = (
        "headline",
        "channel",
        "section",
        "kind",
        "status",
        "published_at",
        "comment_count",
    )
    list_filter = ("status", "kind", "channel")
    list_select_related = ("channel", "section")
    search_fields = ("headline", "byline", "original_url")
    date_hierarchy = "published_at"
    raw_id_fields = ("created_by", "source")
    readonly_fields = (
        "public_id",
        "comment_count",
        "thread_count",
        "revision",
        "created_at",
        "updated_at",
    )
