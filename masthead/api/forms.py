from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import AccessToken


class AccessTokenForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=100,
        help_text=_("What uses it, so that you know which to revoke: “my reader app”."),
        error_messages={"required": _("Name the token.")},
    )
    scope = forms.ChoiceField(
        label=_("It may"),
        choices=[
            (AccessToken.Scope.READ, _("Read: what you see when logged in")),
            (AccessToken.Scope.WRITE, _("Read and write: comment, react, report, follow")),
        ],
        initial=AccessToken.Scope.READ,
        widget=forms.RadioSelect,
    )
