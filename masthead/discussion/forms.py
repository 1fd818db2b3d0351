from __future__ import annotations

import secrets
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import COMMENT_MAX_LENGTH, CommentReport


def new_client_token() -> str:
    return secrets.token_urlsafe(16)


class CommentForm(forms.Form):
    max_length = COMMENT_MAX_LENGTH  # what the comment box's counter counts down from
    body = forms.CharField(
        label=_("Your comment"),
        # No maxlength: a browser would cut a long paste silently. The service refuses an
        # overlong comment with a message saying how long it is, and the text stays in the form.
        strip=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("Write something before posting.")},
        help_text=_(
            "Markdown: *emphasis*, **strong**, [links](https://example.com), > quotes, "
            "lists and `code`."
        ),
    )
    parent = forms.IntegerField(required=False, widget=forms.HiddenInput, min_value=1)
    client_token = forms.CharField(required=False, max_length=64, widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("client_token", new_client_token())


class CommentEditForm(forms.Form):
    body = forms.CharField(
        label=_("Your comment"),
        strip=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("Write something before saving.")},
    )


class ReportForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("What is wrong with it?"),
        choices=CommentReport.Reason.choices,
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Details (optional, required for “Something else”)"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class RemoveForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason, shown to readers in place of the comment"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Say why: readers see the reason in its place.")},
    )
