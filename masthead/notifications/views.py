from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from masthead.accounts.auth import member_of

from . import services


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    """The member's notifications, newest first; seeing them marks them read."""
    member = member_of(request)
    notifications = services.inbox(member)
    unread = {n.pk for n in notifications if n.read_at is None}
    services.mark_read(member)
    response = render(
        request,
        "notifications/inbox.html",
        {"notifications": notifications, "unread": unread},
    )
    response["Cache-Control"] = "private, no-store"
    return response
