from __future__ import annotations

from typing import Any, ClassVar

from django import forms

from .models import Notification, Preferences

KINDS = tuple(Notification.Kind.values)


class PreferencesForm(forms.ModelForm):
    """One choice per kind of notification (inbox and e-mail, inbox only, off) and the
    digest; a radio group each, so every choice is one keypress away."""

    class Meta:
        model = Preferences
        fields: ClassVar = [*KINDS, "digest"]
        widgets: ClassVar = dict.fromkeys(KINDS, forms.RadioSelect)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for kind in KINDS:
            self.fields[kind].label = Notification.Kind(kind).label
