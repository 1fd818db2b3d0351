from django.contrib import admin

from .models import Comment, CommentReport


class CommentReportInline(admin.TabularInline):
    model = CommentReport
    extra = 0
    raw_id_fields = ("reporter",)


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    list_display = ("__str__", "author", "status", "created_at", "edited_at", "deleted_at")
    list_filter = ("status",)
    list_select_related = ("author", "story")
    search_fields = ("body_source", "author__email", "author__profile__handle")
    raw_id_fields = ("story", "author", "parent", "moderated_by")
    readonly_fields = (
        "thread",
        "position",
        "thread_size",
        "body_html",
        "client_token",
        "created_at",
    )
    inlines = (CommentReportInline,)


@admin.register(CommentReport)
class CommentReportAdmin(admin.ModelAdmin):
    """The report list: every member report, newest first, with the reported comment."""

    list_display = ("comment", "reason", "note", "reporter", "created_at", "resolved_at")
    list_filter = ("reason", "resolved_at")
    list_select_related = ("comment", "reporter")
    raw_id_fields = ("comment", "reporter")
    search_fields = ("note", "comment__body_source")
