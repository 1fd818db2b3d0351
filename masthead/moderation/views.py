"""A channel's moderation rules, word list and bans (its moderators), and its public log."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from masthead.accounts.auth import member_of
from masthead.accounts.selectors import profile_get_by_handle
from masthead.channels.models import Channel
from masthead.channels.selectors import channel_get
from masthead.core import ratelimit
from masthead.core.forms import UNPROCESSABLE
from masthead.core.numbers import whole_number

from . import selectors, services
from .forms import BanForm, RulesForm, WordRuleForm
from .models import Ban, WordRule

LOG_PAGE = 50


def log(request: HttpRequest, channel: str) -> HttpResponse:
    """The channel's public moderation log: what was done, by which role, never by whom."""
    return _log_page(request, channel_get(channel))


def site_log(request: HttpRequest) -> HttpResponse:
    """What site moderators and admins did outside any one channel: site-wide bans, and who
    was made a site moderator (by role, never by name)."""
    return _log_page(request, None)


def _log_page(request: HttpRequest, channel: Channel | None) -> HttpResponse:
    comment_id = whole_number(request.GET.get("comment"))
    entries = selectors.public_log(
        channel_id=channel.pk if channel else None, comment_id=comment_id
    )
    page = Paginator(entries, LOG_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "moderation/log.html",
        {"channel": channel, "page": page, "comment_id": comment_id},
    )


@login_required
@require_http_methods(["GET", "POST"])
@ratelimit.limited("moderation")
def rules(request: HttpRequest, channel: str) -> HttpResponseBase:
    found = channel_get(channel)
    actor = member_of(request)
    services.require_moderator(actor, found)
    form = RulesForm(request.POST or None, instance=services.rules_copy(found.pk), prefix="rules")
    status = 200
    if request.method == "POST":
        if form.is_valid():
            services.rules_update(
                actor=actor,
                channel=found,
                **{name: form.cleaned_data[name] for name in form.fields},
            )
            messages.success(request, _("The channel's rules are saved."))
            return redirect("moderation:rules", channel=found.slug)
        status = UNPROCESSABLE
    return _rules_page(request, found, form=form, status=status)


def _rules_page(
    request: HttpRequest,
    channel: object,
    *,
    form: RulesForm | None = None,
    word_form: WordRuleForm | None = None,
    ban_form: BanForm | None = None,
    status: int = 200,
) -> HttpResponse:
    channel_id = channel.pk  # type: ignore[attr-defined]
    return render(
        request,
        "moderation/rules.html",
        {
            "channel": channel,
            "form": form or RulesForm(instance=services.rules_copy(channel_id), prefix="rules"),
            "word_form": word_form or WordRuleForm(prefix="word"),
            "ban_form": ban_form or BanForm(prefix="ban"),
            "word_rules": selectors.word_rules(channel_id=channel_id),
            "bans": selectors.bans(channel_id=channel_id),
        },
        status=status,
    )


@login_required
@require_POST
@ratelimit.limited("moderation")
def word_add(request: HttpRequest, channel: str) -> HttpResponseBase:
    found = channel_get(channel)
    form = WordRuleForm(request.POST, prefix="word")
    if form.is_valid():
        try:
            services.word_rule_add(actor=member_of(request), channel=found, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Added to the word list."))
            return redirect("moderation:rules", channel=found.slug)
    services.require_moderator(member_of(request), found)
    return _rules_page(request, found, word_form=form, status=UNPROCESSABLE)


@login_required
@require_POST
@ratelimit.limited("moderation")
def word_remove(request: HttpRequest, channel: str, pk: int) -> HttpResponseBase:
    found = channel_get(channel)
    rule = get_object_or_404(WordRule, pk=pk, channel=found)
    services.word_rule_remove(actor=member_of(request), rule=rule)
    messages.success(request, _("“%(phrase)s” is off the list.") % {"phrase": rule.phrase})
    return redirect("moderation:rules", channel=found.slug)


@login_required
@require_POST
@ratelimit.limited("moderation")
def ban_add(request: HttpRequest, channel: str) -> HttpResponseBase:
    found = channel_get(channel)
    actor = member_of(request)
    services.require_moderator(actor, found)
    form = BanForm(request.POST, prefix="ban")
    if form.is_valid():
        data = form.cleaned_data
        try:
            profile = profile_get_by_handle(data["handle"].lstrip("@"))
        except Http404:
            form.add_error("handle", _("No member has this handle."))
        else:
            days = data["days"]
            try:
                services.ban_create(
                    actor=actor,
                    user=profile.user,
                    channel=found,
                    kind=data["kind"],
                    reason=data["reason"],
                    expires_at=timezone.now() + dt.timedelta(days=days) if days else None,
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("@%(handle)s is banned.") % {"handle": profile.handle})
                return redirect("moderation:rules", channel=found.slug)
    return _rules_page(request, found, ban_form=form, status=UNPROCESSABLE)


@login_required
@require_POST
@ratelimit.limited("moderation")
def ban_lift(request: HttpRequest, channel: str, pk: int) -> HttpResponseBase:
    found = channel_get(channel)
    ban = get_object_or_404(Ban, pk=pk, channel=found)
    services.ban_lift(actor=member_of(request), ban=ban)
    messages.success(request, _("The ban is lifted."))
    return redirect("moderation:rules", channel=found.slug)
