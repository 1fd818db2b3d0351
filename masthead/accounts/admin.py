from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db import connection
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from masthead.core.numbers import whole_number

from .models import Profile, User


class ProfileInline(admin.StackedInline):
    model = Profile
    can_delete = False


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    """Members' logins. Appointing a site moderator is a moderation decision, logged: this app
    sits below the channels' services that make it, so here the flag is read-only and
    ``channels/admin.py`` registers the admin that appoints (``site_moderator_set``)."""

    ordering = ("email",)
    list_display = (
        "email",
        "profile_handle",
        "is_site_moderator",
        "is_staff",
        "is_active",
        "date_joined",
    )
    list_filter = ("is_site_moderator", "is_staff", "is_active")
    list_select_related = ("profile",)
    search_fields = ("email", "profile__handle", "profile__display_name")
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (
            _("Permissions"),
            {
                "fields": (
                    "is_active",
                    "is_site_moderator",
                    "is_staff",
                    "is_superuser",
                    "groups",
                    "user_permissions",
                )
            },
        ),
        (_("Dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "password1", "password2")}),)
    inlines = (ProfileInline,)
    appoints_site_moderators = False  # True in the admin that does it through the services

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        fields = tuple(super().get_readonly_fields(request, obj))
        return fields if self.appoints_site_moderators else (*fields, "is_site_moderator")

    def save_model(self, request: HttpRequest, obj: User, form: Any, change: bool) -> None:
        if not change:
            super().save_model(request, obj, form, change)
            return
        # Only what the form changed is written: the services keep other columns (roles held,
        # login bans, appointments), which may have moved since the row was read.
        changed = self.changed_columns(form)
        if changed:
            obj.save(update_fields=changed)

    def changed_columns(self, form: Any) -> list[str]:
        columns = {field.name for field in User._meta.concrete_fields}
        return [name for name in form.changed_data if name in columns]

    @admin.display(description=_("handle"), ordering="profile__handle")
    def profile_handle(self, user: User) -> str:
        profile = getattr(user, "profile", None)
        return f"@{profile.handle}" if profile else "-"


@admin.register(Profile)
class ProfileAdmin(admin.ModelAdmin):
    list_display = ("handle", "display_name", "user", "created_at")
    search_fields = ("handle", "display_name", "user__email")
    raw_id_fields = ("user",)

    def get_object(
        self, request: HttpRequest, object_id: str, from_field: str | None = None
    ) -> Profile | None:
        # The key is the user's id through a one-to-one field, and Django keeps an id out of
        # range from the database only for integer columns, not for related keys: a number
        # too long for the column would fail the query instead of finding nothing.
        _low, high = connection.ops.integer_field_range("BigIntegerField")
        if from_field is None and (whole_number(object_id) is None or int(object_id) > high):
            return None
        found: Any = super().get_object(request, object_id, from_field)
        return found
