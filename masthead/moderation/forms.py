from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Ban, ChannelRules, WordRule

BAN_DAYS_MAX = 3650


class RulesForm(forms.ModelForm):
    class Meta:
        model = ChannelRules
        fields = (
            "premoderation",
            "new_member_approvals",
            "rejection_rate",
            "score_queue_at",
            "score_refuse_at",
            "close_after_days",
            "reaction_word",
            "threads_per_page",
        )
        widgets = {"premoderation": forms.RadioSelect}


class WordRuleForm(forms.Form):
    phrase = forms.CharField(label=_("Word or phrase"), max_length=100)
    kind = forms.ChoiceField(label=_("What happens"), choices=WordRule.Kind.choices)


class BanForm(forms.Form):
    handle = forms.CharField(label=_("Member's handle"), max_length=40)
    kind = forms.ChoiceField(label=_("Kind"), choices=Ban.Kind.choices)
    reason = forms.CharField(label=_("Reason (the member reads it)"), max_length=500)
    days = forms.IntegerField(
        label=_("Days (empty: until lifted)"),
        required=False,
        min_value=1,
        max_value=BAN_DAYS_MAX,
    )
