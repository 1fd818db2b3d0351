from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from . import services
from .models import User
from .validators import (
    DISPLAY_NAME_MAX_LENGTH,
    HANDLE_MAX_LENGTH,
    normalize_display_name,
    validate_display_name,
    validate_handle,
)

HANDLE_HELP = _(
    "3 to 30 characters: letters a-z, digits and underscores, starting with a letter. "
    "Your profile will be at /@handle. It cannot be changed later."
)


class DisplayNameField(forms.CharField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(
            label=_("Display name"),
            max_length=DISPLAY_NAME_MAX_LENGTH,
            help_text=_("The name shown with your comments."),
            **kwargs,
        )

    def clean(self, value: Any) -> str:
        value = normalize_display_name(super().clean(value) or "")
        validate_display_name(value)
        return value


class SignupProfileForm(forms.Form):
    """The fields allauth's sign-up form adds for Masthead: handle and display name."""

    handle = forms.CharField(
        label=_("Handle"),
        max_length=HANDLE_MAX_LENGTH,
        help_text=HANDLE_HELP,
        validators=[validate_handle],
    )
    display_name = DisplayNameField()

    def clean_handle(self) -> str:
        handle: str = self.cleaned_data["handle"]
        if services.handle_is_taken(handle):
            raise ValidationError(_("That handle is taken."), code="taken")
        return handle

    def signup(self, request: HttpRequest, user: User) -> None:
        """allauth's hook after saving the user; the profile was made with it (adapter.py)."""


class ProfileCreateForm(SignupProfileForm):
    """For accounts made without one (e.g. by createsuperuser)."""


class ProfileEditForm(forms.Form):
    display_name = DisplayNameField()
    bio = forms.CharField(
        label=_("About you"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
