"""The moderation queue: a channel's (its moderators) and the whole site's (site moderators).

Tabs for comments waiting for review, reported, hidden and removed, with counts; a filter by
author; actions on one comment (htmx swaps its row) or on the selected ones (a plain form
post, redirected back). Every action goes through discussion.services, which checks the
moderator's right on the comment's channel and writes the moderation log.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods

from masthead.accounts.auth import member_of
from masthead.channels.models import Channel
from masthead.channels.selectors import channel_get, channels_moderated_by
from masthead.core import ratelimit
from masthead.core.numbers import whole_number
from masthead.moderation import services as moderation

from . import selectors, services
from .models import Comment
from .permissions import CommentPolicy
from .views import MODERATION_ACTIONS

BULK_MAX = selectors.QUEUE_PAGE


def _act(actor: Any, comment: Comment, action: str, reason: str) -> None:
    """The queue's actions are the story page's (views.MODERATION_ACTIONS), and removal."""
    if action == "remove":
        services.comment_remove(actor=actor, comment=comment, reason=reason)
    elif action in QUEUE_ACTIONS:
        MODERATION_ACTIONS[action](actor=actor, comment=comment)
    else:
        raise ValidationError(_("Unknown action."))


QUEUE_ACTIONS = ("approve", "hide", "restore")


@login_required
@require_http_methods(["GET", "POST"])
@ratelimit.limited("moderation")
def channel_queue(request: HttpRequest, channel: str) -> HttpResponseBase:
    found = channel_get(channel)
    moderation.require_moderator(member_of(request), found)
    return _queue(request, found)


@login_required
@require_http_methods(["GET", "POST"])
@ratelimit.limited("moderation")
def site_queue(request: HttpRequest) -> HttpResponseBase:
    """The whole site's queue for site moderators; for a channel's moderators, their channels
    with what waits in each."""
    actor = member_of(request)
    if actor.is_staff or actor.is_site_moderator:
        return _queue(request, None)
    channels = list(channels_moderated_by(actor))
    if not channels:
        raise PermissionDenied(_("Only moderators can see moderation queues."))
    return render(
        request,
        "discussion/queue_channels.html",
        {
            "channels": [
                (channel, selectors.queue_counts(channel_id=channel.pk)) for channel in channels
            ]
        },
    )


def _queue(request: HttpRequest, channel: Channel | None) -> HttpResponseBase:
    tab = request.GET.get("show", "pending")
    if tab not in selectors.QUEUE_TABS:
        tab = "pending"
    if request.method == "POST":
        return _post(request, channel, tab)
    author = request.GET.get("author", "").strip()[:40]
    before = request.GET.get("after", "")
    comments = selectors.queue(
        channel_id=channel.pk if channel else None,
        tab=tab,
        author_handle=author,
        before=whole_number(before),
    )
    context = {
        "channel": channel,
        "tab": tab,
        "author": author,
        "comments": comments,
        "counts": selectors.queue_counts(channel_id=channel.pk if channel else None),
        "reasons": selectors.report_reasons([c.pk for c in comments]) if tab == "reported" else {},
        "more": len(comments) == selectors.QUEUE_PAGE,
        "policy": CommentPolicy.for_moderator(request.user),
    }
    return render(request, "discussion/queue.html", context)


def _post(request: HttpRequest, channel: Channel | None, tab: str) -> HttpResponseBase:
    actor = member_of(request)
    # One comment's own button sends act=ACTION:ID; the bulk buttons send action and the ticked
    # comments.
    action, _sep, one = request.POST.get("act", "").partition(":")
    if whole_number(one) is not None:
        ids = [int(one)]
    else:
        action = request.POST.get("action", "")
        ids = [n for pk in request.POST.getlist("comment") if (n := whole_number(pk)) is not None][
            :BULK_MAX
        ]
    reason = " ".join(request.POST.get("reason", "").split())
    comments = Comment.objects.filter(pk__in=ids).select_related("story__channel", "author")
    if channel is not None:
        comments = comments.filter(story__channel=channel)
    done, failed = 0, []
    for comment in comments:
        try:
            _act(actor, comment, action, reason)
            done += 1
        except (PermissionDenied, ValidationError) as error:
            failed.append(f"{comment.number}: {' '.join(getattr(error, 'messages', [str(error)]))}")
    if request.htmx and whole_number(one) is not None:  # type: ignore[attr-defined]
        done_text = {
            "approve": _("%(number)s is approved."),
            "hide": _("%(number)s is hidden."),
            "restore": _("%(number)s is restored."),
            "remove": _("%(number)s is removed."),
        }.get(action, _("%(number)s: done."))
        number = comments[0].number if comments else ""
        text = failed[0] if failed else done_text % {"number": number}
        return render(
            request,
            "discussion/fragments/queue_done.html",
            {"text": text},
            status=200 if not failed else 422,
        )
    if done:
        messages.success(
            request, ngettext("%(n)d comment done.", "%(n)d comments done.", done) % {"n": done}
        )
    for problem in failed:
        messages.error(request, problem)
    if not ids:
        messages.error(request, _("Select the comments first."))
    return redirect(f"{request.path}?show={tab}")
