"""Members' private feed addresses in the admin: when each was made and last reset, never the
token (nor what derives it); members reset their own on /accounts/feeds/."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from .models import FeedToken


@admin.register(FeedToken)
class FeedTokenAdmin(admin.ModelAdmin):
    list_display = ("member", "created_at", "reset_at")
    fields = ("member", "created_at", "reset_at")
    readonly_fields = fields
    search_fields = ("member__email",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
