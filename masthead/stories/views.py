"""The curators' desk: their channel's stories, and writing, curating, pinning and
withdrawing them."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from masthead.accounts.auth import member_of
from masthead.channels.models import Channel
from masthead.channels.selectors import can_curate, channel_get
from masthead.core.forms import UNPROCESSABLE, submit
from masthead.core.timefmt import in_zone

from . import front, pins, selectors, services
from .forms import PinForm, StoryForm, WithdrawForm
from .models import Story


def curator_required(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """Resolve ``channel`` to the Channel and let only its curators (and staff) in."""

    @login_required
    @wraps(view)
    def wrapped(request: HttpRequest, channel: str, **kwargs: Any) -> HttpResponseBase:
        found = channel_get(channel)
        if not can_curate(request.user, found.pk):
            raise PermissionDenied(_("Only the channel's curators and owners may do this."))
        return view(request, found, **kwargs)

    return wrapped


def _story_in(channel: Channel, public_id: str) -> Story:
    story = selectors.story_get_by_public_id(public_id)
    if story is None or story.channel_id != channel.pk:
        raise Http404(_("No such story in this channel."))
    return story


@curator_required
def desk(request: HttpRequest, channel: Channel) -> HttpResponse:
    return render(
        request,
        "stories/desk.html",
        {
            "channel": channel,
            "stories": selectors.story_list_for_curator(channel=channel)[:200],
            "pins": front.pins_of_channel(channel=channel),
            "may_pin_front": pins.can_pin_front(member_of(request)),
        },
    )


def _save(request: HttpRequest, form: StoryForm, story: Story | None) -> Story:
    data = form.cleaned_data
    return services.story_save(
        actor=member_of(request),
        channel=form.channel,
        story=story,
        kind=form.kind,
        action=data["action"],
        publish_at=data.get("publish_at"),
        image=data.get("image"),
        remove_image=data.get("remove_image", False),
        source_name=data.get("source_name", ""),
        **form.story_fields(),
    )


def _story_form_page(
    request: HttpRequest, channel: Channel, kind: str, story: Story | None
) -> HttpResponse:
    initial: dict[str, Any] = {"time_zone": "UTC", "comments_open": True}
    if story is not None:
        initial.update({name: getattr(story, name) for name in services.EDITABLE_FIELDS})
        initial["source_name"] = story.source.name if story.source else ""
        for name, moment in (
            ("publish_at", story.published_at),
            ("original_published_at", story.original_published_at),
        ):
            if moment is not None:
                initial[name] = in_zone(moment, story.time_zone).replace(tzinfo=None)
    form = StoryForm(
        request.POST or None,
        request.FILES or None,
        channel=channel,
        kind=kind,
        story=story,
        initial=initial,
    )
    status = 200
    if request.method == "POST":
        status = UNPROCESSABLE
        if form.is_valid():
            outcome = submit(
                form, request, scope="story", action=lambda: _save(request, form, story)
            )
            if outcome.value is not None:
                saved = outcome.value
                messages.success(request, _("Saved “%(headline)s”.") % {"headline": saved.headline})
                if notice := form.photo_text_notice(saved):
                    messages.info(request, notice)
                return redirect(saved.get_absolute_url())
            status = outcome.status
    return render(
        request,
        "stories/story_form.html",
        {
            "channel": channel,
            "form": form,
            "story": story,
            "kind": kind,
        },
        status=status,
    )


@curator_required
@require_http_methods(["GET", "POST"])
def story_new(request: HttpRequest, channel: Channel) -> HttpResponse:
    return _story_form_page(request, channel, Story.Kind.ORIGINAL, None)


@curator_required
@require_http_methods(["GET", "POST"])
def story_curate(request: HttpRequest, channel: Channel) -> HttpResponse:
    return _story_form_page(request, channel, Story.Kind.CURATED, None)


@curator_required
@require_http_methods(["GET", "POST"])
def story_edit(request: HttpRequest, channel: Channel, public_id: str) -> HttpResponse:
    story = _story_in(channel, public_id)
    if story.status == Story.Status.WITHDRAWN:
        raise PermissionDenied(_("A withdrawn story cannot be edited."))
    return _story_form_page(request, channel, story.kind, story)


@curator_required
@require_http_methods(["GET", "POST"])
def story_withdraw(request: HttpRequest, channel: Channel, public_id: str) -> HttpResponse:
    story = _story_in(channel, public_id)
    form = WithdrawForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.story_withdraw(
            actor=member_of(request),
            story=story,
            reason=form.cleaned_data["reason"],
        )
        messages.success(request, _("The story is withdrawn."))
        return redirect("stories:desk", channel=channel.slug)
    return render(
        request,
        "stories/withdraw.html",
        {"channel": channel, "story": story, "form": form},
        status=UNPROCESSABLE if form.errors else 200,
    )


@curator_required
@require_http_methods(["GET", "POST"])
def story_pin(request: HttpRequest, channel: Channel, public_id: str) -> HttpResponse:
    """Pin a story to its channel's page (or, for site editors, the front page)."""
    story = _story_in(channel, public_id)
    actor = member_of(request)
    may_pin_front = pins.can_pin_front(actor)
    form = PinForm(request.POST or None, story=story, may_pin_front=may_pin_front)
    status = 200
    if request.method == "POST":
        status = UNPROCESSABLE
        if form.is_valid():
            outcome = submit(
                form,
                request,
                scope="story",
                action=lambda: pins.pin_set(
                    actor=actor,
                    story=story,
                    front=form.front,
                    place=form.cleaned_data["place"],
                    expires_at=form.cleaned_data["expires_at"],
                ),
            )
            if outcome.value is not None:
                where = _("the front page") if form.front else channel.name
                messages.success(
                    request,
                    _("“%(headline)s” is pinned at place %(place)s of %(where)s.")
                    % {"headline": story.headline, "place": outcome.value.place, "where": where},
                )
                return redirect("stories:desk", channel=channel.slug)
            status = outcome.status
    return render(
        request,
        "stories/pin.html",
        {
            "channel": channel,
            "story": story,
            "form": form,
            "pins": front.pins_of_channel(channel=channel).get(story.pk, []),
            "taken": {
                "channel": front.places_taken(channel=channel),
                "front": front.places_taken(channel=None) if may_pin_front else None,
            },
        },
        status=status,
    )


@curator_required
@require_http_methods(["POST"])
def story_unpin(request: HttpRequest, channel: Channel, public_id: str) -> HttpResponse:
    story = _story_in(channel, public_id)
    on_front = request.POST.get("where") == PinForm.WHERE_FRONT
    form = forms.Form({})  # carries a refusal, if any
    outcome = submit(
        form,
        request,
        scope="story",
        action=lambda: pins.pin_remove(actor=member_of(request), story=story, front=on_front),
    )
    if outcome.done:
        messages.success(request, _("Unpinned “%(headline)s”.") % {"headline": story.headline})
    else:
        for error in form.non_field_errors():
            messages.error(request, str(error))
    return redirect("stories:desk", channel=channel.slug)
