from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from masthead.accounts.auth import member_of
from masthead.core import ratelimit
from masthead.core.numbers import whole_number
from masthead.core.ratelimit import limited

from . import mail, services
from .forms import PreferencesForm
from .models import Notification


def _private(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    """The member's notifications, newest first, the unread ones marked New. Looking writes
    nothing (a GET never does): "Mark all read" does, for what the page showed."""
    member = member_of(request)
    notifications = services.inbox(member)
    unread = {n.pk for n in notifications if n.read_at is None}
    return _private(
        render(
            request,
            "notifications/inbox.html",
            {"notifications": notifications, "unread": unread},
        )
    )


@login_required
@limited("profile")
@require_http_methods(["POST"])
def inbox_read(request: HttpRequest) -> HttpResponse:
    """Mark read what the inbox showed: up to its newest notification (``up_to``)."""
    member = member_of(request)
    up_to = whole_number(request.POST.get("up_to"), 0)
    if up_to > 0:
        services.mark_read(member, up_to=up_to)
        messages.success(request, _("Your inbox is read."))
    return redirect("notifications:inbox")


@login_required
@limited("profile")
@require_http_methods(["GET", "POST"])
def preferences(request: HttpRequest) -> HttpResponse:
    """Per kind: inbox and e-mail, inbox only, or off; and one e-mail a day instead."""
    member = member_of(request)
    current = services.preferences_for(member)
    form = PreferencesForm(request.POST or None, instance=current)
    if request.method == "POST" and form.is_valid():
        services.preferences_update(
            member, **{name: form.cleaned_data[name] for name in form.Meta.fields}
        )
        messages.success(request, _("Your notification settings are saved."))
        return redirect("notifications:settings")
    return _private(render(request, "notifications/settings.html", {"form": form}))


@csrf_exempt  # the signed token is the credential; mail clients POST here (RFC 8058)
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """GET asks (link checkers in mail servers open links: a GET must change nothing);
    POST, from the page's one button or the mail client's unsubscribe button, stops the
    e-mails."""
    try:
        user_id, kind = mail.unsubscribe_read(token)
    except signing.BadSignature:
        response = render(request, "notifications/unsubscribe.html", {"invalid": True}, status=400)
        return _private(response)
    what = (
        _("all notification e-mails")
        if kind == mail.ALL_KINDS
        else _("e-mails about “%(kind)s”") % {"kind": Notification.Kind(kind).label}
    )
    done = False
    if request.method == "POST":
        # Counted per member, not per address: mail providers send everyone's one-click
        # unsubscribes from a few servers.
        try:
            ratelimit.check("unsubscribe", request=request, user_id=user_id)
        except ratelimit.RateLimited as error:
            return ratelimit.too_often(request, error)
        done = services.unsubscribe(user_id, kind) is not None
    return _private(
        render(
            request,
            "notifications/unsubscribe.html",
            {"what": what, "done": done, "asked": request.method == "POST"},
        )
    )
