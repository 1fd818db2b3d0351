from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import F
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _

from masthead.accounts.models import User

from .models import Source, Story, StoryPin
from .pins import check_pin_set, pin_remove, pin_set
from .services import (
    LeadPhoto,
    lead_photo,
    lead_photo_discard,
    story_image_set,
    story_locked,
    story_pages_changed,
)

# Where the photo of a POST, decoded and stored before the admin's transaction, waits for the
# form the admin builds inside it.
PHOTO_ATTRIBUTE = "masthead_lead_photo"


def _formfield(field: Any, **kwargs: Any) -> Any:
    if isinstance(field, models.URLField):
        kwargs["assume_scheme"] = "https"  # a bare domain is an https address
    return field.formfield(**kwargs)


class StoryAdminForm(forms.ModelForm):
    """An admin's photo upload is re-encoded like the desk's: the uploader's bytes are never
    what is stored. It reaches the form already decoded and stored (``photo``, set by
    ``StoryAdmin.changeform_view`` before the admin's transaction opens) or refused
    (``photo_error``); the form's own image field only says whether to clear the photo."""

    photo: LeadPhoto | None = None
    photo_error: ValidationError | None = None

    class Meta:
        model = Story
        fields = "__all__"  # noqa: DJ007 - the admin shows every editable field
        formfield_callback = _formfield

    def clean_image(self) -> None:
        self.remove_image = self.cleaned_data.get("image") is False  # "Clear" was ticked
        return None  # the story's image is set by story_image_set, never by the form

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.photo_error is not None:
            self.add_error(None, self.photo_error)  # on the image field
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

    def changeform_view(
        self,
        request: HttpRequest,
        object_id: str | None = None,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        """Decode, re-encode and store an uploaded photo before Django opens the transaction
        the form is saved in (docs/decisions/0012-uploaded-images.md): on SQLite that holds
        the whole database's write lock, and a decode may wait its turn for seconds."""
        upload = request.FILES.get("image") if request.method == "POST" else None
        may_save = (
            self.has_add_permission(request)
            if object_id is None
            else self.has_change_permission(request)
        )
        prepared: LeadPhoto | ValidationError | None = None
        if upload is not None and may_save:  # decoding is work: only for who may save
            del request.FILES["image"]  # for the form's field, which would verify it again
            try:
                prepared = lead_photo(upload)
            except ValidationError as error:
                prepared = error
        setattr(request, PHOTO_ATTRIBUTE, prepared)
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        finally:
            # Refused with the form, or the save failed: no story names it.
            if (
                isinstance(prepared, LeadPhoto)
                and not Story.objects.filter(image=prepared.name).exists()
            ):
                lead_photo_discard(prepared)

    def get_form(
        self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any
    ) -> Any:
        form = super().get_form(request, obj, change, **kwargs)
        prepared = getattr(request, PHOTO_ATTRIBUTE, None)
        if prepared is None:
            return form
        given = "photo_error" if isinstance(prepared, ValidationError) else "photo"
        return type(form.__name__, (form,), {given: prepared})

    def save_model(
        self, request: HttpRequest, obj: Story, form: StoryAdminForm, change: bool
    ) -> None:
        if not change:
            story_image_set(story=obj, photo=form.photo)
            super().save_model(request, obj, form, change)
            return
        # Only what the form changed is written: counts and status may have moved since the
        # form was loaded. Pages and caches key a story by its revision: bump it too.
        current = story_locked(obj)
        old_path = current.get_absolute_url()
        obj.image.name = current.image.name  # the file replaced is the one named now
        image_changed = story_image_set(story=obj, photo=form.photo, remove=form.remove_image)
        obj.revision = F("revision") + 1
        columns = {field.name for field in Story._meta.concrete_fields}
        changed = [name for name in form.changed_data if name in columns and name != "image"]
        if image_changed:  # with its size, and the caption and credit it may bring
            changed += [
                "image",
                "image_width",
                "image_height",
                "image_bytes",
                "image_caption",
                "image_credit",
            ]
        obj.save(update_fields=[*changed, "revision", "updated_at"])
        obj.refresh_from_db(fields=["revision"])
        story_pages_changed(obj, old_path=old_path)

    # A story deleted here leaves the pages that showed it (its own, its channel's, the front
    # page's and the searches'), after the delete's commit, as every story service does (the
    # admin's delete action runs outside a transaction: without one, the pages would be
    # dropped before the rows, and a request in between could cache them again).
    def delete_model(self, request: HttpRequest, obj: Story) -> None:
        with transaction.atomic():
            story_pages_changed(obj)
            super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: models.QuerySet[Story]) -> None:
        with transaction.atomic():
            for story in queryset.select_related("channel", "section"):
                story_pages_changed(story)
            super().delete_queryset(request, queryset)


class StoryPinAdminForm(forms.ModelForm):
    """What the pin services refuse, refused on the form (the admin shows a form's errors;
    an error raised while saving would be a server error). The admin validates and saves in
    one transaction: the service's check locks the story here, so it cannot change before
    ``save_model`` pins it."""

    actor: User  # the admin's user, set by StoryPinAdmin.get_form (None would be the operator)

    class Meta:
        model = StoryPin
        fields = ("story", "channel", "place", "expires_at")

    def _get_validation_exclusions(self) -> set[str]:
        # A place or story pinned already is no error: the service passes the place on (the
        # model's constraints on them are left out of the form's check; the service checks
        # the place's range).
        return {*super()._get_validation_exclusions(), "place", "story"}  # type: ignore[misc]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        pin = self.instance
        changing = pin.pk is not None  # only the end is changed: the rest is the pin's
        story = pin.story if changing else data.get("story")
        channel = pin.channel if changing else data.get("channel")
        place = pin.place if changing else data.get("place")
        if story is None or place is None or "expires_at" not in data:
            return data  # a field's own error says why
        if channel is not None and channel.pk != story.channel_id:
            self.add_error("channel", _("A story is pinned to its own channel's page."))
            return data
        try:
            check_pin_set(
                actor=self.actor,
                story=story,
                front=channel is None,
                place=place,
                expires_at=data["expires_at"],
            )
        except PermissionDenied as error:
            self.add_error(None, str(error))
        except ValidationError as error:
            if not hasattr(error, "error_dict"):
                self.add_error(None, error)
                return data
            for name, errors in error.error_dict.items():
                self.add_error(name if name in self.fields else None, errors)
        return data


@admin.register(StoryPin)
class StoryPinAdmin(admin.ModelAdmin):
    """Front-page pins (channel empty) and channel pins, written through stories.pins: a place
    taken by another story passes to the new one, a story pinned elsewhere on the page moves.
    To move a pin, add it at its new place; only its end is changed here."""

    form = StoryPinAdminForm
    list_display = ("story", "page", "place", "expires_at", "pinned_by", "pinned_at")
    list_filter = (("channel", admin.EmptyFieldListFilter), "channel")
    list_select_related = ("story", "channel", "pinned_by")
    raw_id_fields = ("story",)
    ordering = ("channel", "place")

    @admin.display(description=_("page"))
    def page(self, pin: StoryPin) -> str:
        return str(_("front page")) if pin.channel_id is None else str(pin.channel)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return ("story", "channel", "place") if obj is not None else ()

    def get_form(
        self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any
    ) -> Any:
        form = super().get_form(request, obj, change, **kwargs)
        return type(form.__name__, (form,), {"actor": request.user})

    def save_model(self, request: HttpRequest, obj: StoryPin, form: Any, change: bool) -> None:
        pin = pin_set(
            actor=request.user,  # type: ignore[arg-type]
            story=obj.story,
            front=obj.channel_id is None,
            place=obj.place,
            expires_at=obj.expires_at,
        )
        obj.pk, obj.pinned_by, obj.pinned_at = pin.pk, pin.pinned_by, pin.pinned_at

    def delete_model(self, request: HttpRequest, obj: StoryPin) -> None:
        pin_remove(actor=request.user, story=obj.story, front=obj.channel_id is None)  # type: ignore[arg-type]

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        for pin in queryset.select_related("story"):
            self.delete_model(request, pin)
