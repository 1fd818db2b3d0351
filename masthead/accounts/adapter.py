from __future__ import annotations

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from django.db import transaction
from django.http import HttpRequest

from . import services


class AccountAdapter(DefaultAccountAdapter):
    """Sign-up makes the account and the member's profile in one transaction."""

    def save_user(self, request: HttpRequest, user: Any, form: Any, commit: bool = True) -> Any:
        with transaction.atomic():
            user = super().save_user(request, user, form, commit=commit)
            if commit and "handle" in form.cleaned_data:
                services.profile_create(
                    user=user,
                    handle=form.cleaned_data["handle"],
                    display_name=form.cleaned_data["display_name"],
                )
        return user
