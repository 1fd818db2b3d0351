from typing import Any

from django import forms
from django.contrib import admin
from django.core.files.uploadedfile import UploadedFile
from django.db.models import F
from django.http import HttpRequest

from masthead.core.images import process_upload

from .models import Source, Story
from .services import story_pages_changed


class StoryAdminForm(forms.ModelForm):
    """An admin's photo upload is re-encoded like the desk's: the uploader's bytes are never
    what is stored, and the caption and credit it carries fill empty fields."""

    class Meta:
        model = Story
        fields = "__all__"  # noqa: DJ007 - the admin shows every editable field

    def clean_image(self) -> Any:
        image = self.cleaned_data.get("image")
        if not isinstance(image, UploadedFile):
            return image  # unchanged, or cleared
        processed = process_upload(image, name="lead")
        self.photo_text = (processed.caption, processed.credit)
        return processed.file

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        caption, credit = getattr(self, "photo_text", ("", ""))
        if not (data.get("image_caption") or "").strip():
            data["image_caption"] = caption
        if not (data.get("image_credit") or "").strip():
            data["image_credit"] = credit
        return data


@admin.register(Source)
class SourceAdmin(admin.ModelAdmin):
    list_display = ("name", "domain")
    search_fields = ("name", "domain")


@admin.register(Story)
class StoryAdmin(admin.ModelAdmin):
    form = StoryAdminForm
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

    def save_model(self, request: HttpRequest, obj: Story, form: Any, change: bool) -> None:
        # Pages and caches key a story by its revision: an edit here must bump it too.
        old_path = Story.objects.get(pk=obj.pk).get_absolute_url() if change else None
        if change:
            obj.revision = F("revision") + 1
        super().save_model(request, obj, form, change)
        obj.refresh_from_db(fields=["revision"])
        story_pages_changed(obj, old_path=old_path)
