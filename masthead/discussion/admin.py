"""Comments and reports in the admin, to read and find.

Nothing is added, changed or deleted here. A comment's number (and its thread's
``thread_size``), the story's counts, its status and its text are kept by
``discussion.services``, which lock the rows they change, and moderators' decisions go
through the moderation queue, which logs each one. A row saved from the admin would write
back what it read (a stale ``thread_size`` makes the next reply collide with a number taken),
a status changed here would skip the story's count and the log, and moderators do not rewrite
members' words (docs/decisions/0009-moderators-do-not-edit.md). A deleted comment keeps its
number as a tombstone: the author deletes it, or a moderator removes it, on the story page.
A report's resolution is the moderation queue's too: it keeps the comment's ``open_reports``.
"""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from .models import Comment, CommentReport


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class CommentReportInline(admin.TabularInline):
    model = CommentReport
    extra = 0
    fields = readonly_fields = ("reason", "note", "reporter", "created_at", "resolved_at")
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Comment)
class CommentAdmin(ReadOnlyAdmin):
    list_display = ("__str__", "author", "status", "created_at", "edited_at", "deleted_at")
    list_filter = ("status",)
    list_select_related = ("author", "story")
    search_fields = ("body_source", "author__email", "author__profile__handle")
    # Shown with the form's fields, which are read-only too: what the services keep.
    readonly_fields = (
        "thread",
        "position",
        "thread_size",
        "body_html",
        "held_reason",
        "open_reports",
        "reaction_count",
        "reported_at",
        "client_token",
        "created_at",
    )
    inlines = (CommentReportInline,)

    def view_on_site(self, obj: Comment) -> str:
        """The comment in its place on the story page, where moderators act on it."""
        return f"{obj.story.get_absolute_url()}#{obj.anchor}"


@admin.register(CommentReport)
class CommentReportAdmin(ReadOnlyAdmin):
    """The report list: every member report, newest first, with the reported comment."""

    list_display = ("comment", "reason", "note", "reporter", "created_at", "resolved_at")
    list_filter = ("reason", "resolved_at")
    list_select_related = ("comment", "reporter")
    search_fields = ("note", "comment__body_source")
