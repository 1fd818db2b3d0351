from typing import Any

from django import forms
from django.contrib import admin
from django.core.files.uploadedfile import UploadedFile
from django.db import models
from django.db.models import F
from django.http import HttpRequest

from masthead.core.images import process_upload

from .models import Source, Story
from .services import story_pages_changed


def _formfield(field: Any, **kwargs: Any) -> Any:
    if isinstance(field, models.URLField):
        kwargs["assume_scheme"] = "https"  # a bare domain is an https address
    return field.formfield(**kwargs)


class StoryAdminForm(forms.ModelForm):
    """An admin's photo upload is re-encoded like the desk's: the uploader's bytes are never
    what is stored, and the caption and credit it carries fill empty fields."""

    class Meta:
        model = Story
        fields = "__all__"  # noqa: DJ007 - the admin shows every editable field
        formfield_callback = _formfield

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
    # Publishing, scheduling and withdrawing go through the desk (stories.services), where
    # "a withdrawn story stays withdrawn" is kept; the admin edits what a story says.
    readonly_fields = (
        "public_id",
        "status",
        "published_at",
        "withdrawn_at",
        "withdrawn_reason",
        "comment_count",
        "thread_count",
        "revision",
        "created_at",
        "updated_at",
    )

    def formfield_for_dbfield(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if isinstance(db_field, models.URLField):
            kwargs["assume_scheme"] = "https"
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def save_model(self, request: HttpRequest, obj: Story, form: Any, change: bool) -> None:
        if not change:
            super().save_model(request, obj, form, change)
            return
        # Only what the form changed is written: counts and status may have moved since the
        # form was loaded. Pages and caches key a story by its revision: bump it too.
        old_path = Story.objects.get(pk=obj.pk).get_absolute_url()
        obj.revision = F("revision") + 1
        columns = {field.name for field in Story._meta.concrete_fields}
        changed = [name for name in form.changed_data if name in columns]
        if "image" in changed:  # with its size, and the caption and credit it may bring
            changed += ["image_width", "image_height", "image_caption", "image_credit"]
        obj.save(update_fields=[*changed, "revision", "updated_at"])
        obj.refresh_from_db(fields=["revision"])
        story_pages_changed(obj, old_path=old_path)
