"""The channel's team page: its owner appoints and removes curators and moderators."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from masthead.accounts.auth import member_of
from masthead.accounts.models import User
from masthead.accounts.selectors import profile_get_by_handle
from masthead.core import ratelimit

from . import selectors, services
from .models import Channel, ChannelRole

UNPROCESSABLE = 422


class AppointForm(forms.Form):
    handle = forms.CharField(label=gettext_lazy("Member's handle"), max_length=40)
    role = forms.ChoiceField(
        label=gettext_lazy("Role"),
        choices=[(role, ChannelRole.Role(role).label) for role in services.APPOINTED_BY_OWNERS],
    )


def _owner_or_staff(user: User, channel: Channel) -> None:
    if not selectors.is_owner(user, channel.pk):
        raise PermissionDenied(_("Only the channel's owner manages its team."))


@login_required
@require_http_methods(["GET", "POST"])
@ratelimit.limited("moderation")
def team(request: HttpRequest, channel: str) -> HttpResponseBase:
    found = selectors.channel_get(channel)
    actor = member_of(request)
    _owner_or_staff(actor, found)
    form = AppointForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = UNPROCESSABLE
        if form.is_valid():
            try:
                profile = profile_get_by_handle(form.cleaned_data["handle"].lstrip("@"))
            except Http404:
                form.add_error("handle", _("No member has this handle."))
            else:
                role = form.cleaned_data["role"]
                services.role_grant(actor=actor, channel=found, user=profile.user, role=role)
                messages.success(
                    request,
                    _("@%(handle)s is now a %(role)s of %(channel)s.")
                    % {
                        "handle": profile.handle,
                        "role": ChannelRole.Role(role).label,
                        "channel": found.name,
                    },
                )
                return redirect("channels:team", channel=found.slug)
    return render(
        request,
        "channels/team.html",
        {"channel": found, "form": form, "roles": selectors.team(channel_id=found.pk)},
        status=status,
    )


@login_required
@require_POST
@ratelimit.limited("moderation")
def team_remove(request: HttpRequest, channel: str, pk: int) -> HttpResponseBase:
    found = selectors.channel_get(channel)
    grant = ChannelRole.objects.filter(pk=pk, channel=found).select_related("user").first()
    if grant is None:
        raise Http404(_("No such role."))
    services.role_revoke(actor=member_of(request), channel=found, user=grant.user, role=grant.role)
    messages.success(request, _("The role is removed."))
    return redirect("channels:team", channel=found.slug)


@login_required
def following(request: HttpRequest) -> HttpResponseBase:
    """The channels a member follows, to unfollow, and the others, to follow: each button
    the one a channel's page has (it answers in place with htmx, or comes back here)."""
    member = member_of(request)
    followed = selectors.channels_followed(member)
    ids = {channel.pk for channel in followed}
    others = [channel for channel in selectors.channel_list() if channel.pk not in ids]
    response = render(request, "channels/following.html", {"followed": followed, "others": others})
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
@ratelimit.limited("follow")
def follow(request: HttpRequest, channel: str) -> HttpResponseBase:
    found = selectors.channel_get(channel)
    following = services.follow_set(
        actor=member_of(request), channel=found, following=request.POST.get("follow") == "1"
    )
    if request.headers.get("HX-Request"):
        return render(request, "channels/_follow.html", {"channel": found, "following": following})
    messages.success(
        request,
        (_("You follow %(channel)s.") if following else _("You no longer follow %(channel)s."))
        % {"channel": found.name},
    )
    if request.POST.get("back") == "following":  # the button was on the list of follows
        return redirect("channels:following")
    return redirect(found.get_absolute_url())
