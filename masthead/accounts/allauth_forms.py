"""allauth's forms as the site words them (settings ACCOUNT_FORMS): sentence case, as every
other label of the site.

Apart from masthead.accounts.forms: allauth's forms module imports that one (the sign-up form's
base class, ACCOUNT_SIGNUP_FORM_CLASS), so that one cannot import allauth's.
"""

from __future__ import annotations

from typing import Any

from allauth.account import forms
from django.utils.translation import gettext_lazy as _

NEW_PASSWORD_LABELS = {"password1": _("New password"), "password2": _("New password (again)")}


def _relabel(form: Any, labels: dict[str, Any]) -> None:
    for name, label in labels.items():
        if name in form.fields:
            form.fields[name].label = label  # the form's own copy of the field


class LoginForm(forms.LoginForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _relabel(self, {"remember": _("Stay logged in on this browser")})


class ResetPasswordKeyForm(forms.ResetPasswordKeyForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _relabel(self, NEW_PASSWORD_LABELS)


class ChangePasswordForm(forms.ChangePasswordForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _relabel(self, {"oldpassword": _("Current password"), **NEW_PASSWORD_LABELS})
