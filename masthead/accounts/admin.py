from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from .models import Profile, User


class ProfileInline(admin.StackedInline):
    model = Profile
    can_delete = False


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
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

    @admin.display(description=_("handle"), ordering="profile__handle")
    def profile_handle(self, user: User) -> str:
        profile = getattr(user, "profile", None)
        return f"@{profile.handle}" if profile else "-"


@admin.register(Profile)
class ProfileAdmin(admin.ModelAdmin):
    list_display = ("handle", "display_name", "user", "created_at")
    search_fields = ("handle", "display_name", "user__email")
    raw_id_fields = ("user",)
