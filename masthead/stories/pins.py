"""Editors' pins: a story held at a place of the front page or of its channel's page.

Site editors (site staff: admins, who also run the admin where front pins are listed) pin to
the front page; a channel's curators and owners pin the channel's stories to its page. A pin
has a place (1 is first, up to PIN_PLACES) and may have an end: an expired pin stops showing
on its own (pages ask for pins that have not expired), so no job is needed to take it down.

Each write locks the story's row first, then checks, then writes: two editors pinning one
story at once are served one after the other, and a story withdrawn since the editor's page
was loaded is refused. A place holds one pin (a database constraint); pinning another story
there takes the place over, which ``update_or_create`` does under the place's row lock.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from masthead.accounts.models import User
from masthead.channels.models import Channel
from masthead.core import pagecache

from .models import PIN_PLACES, Story, StoryPin
from .services import check_can_curate, story_locked


def can_pin_front(actor: User | None) -> bool:
    """Site editors: site staff (and the operator, ``actor`` None)."""
    return actor is None or (actor.is_authenticated and actor.is_active and actor.is_staff)


def check_can_pin(actor: User | None, *, channel: Channel | None) -> None:
    """``channel`` None: the front page."""
    if channel is not None:
        check_can_curate(actor, channel)
    elif not can_pin_front(actor):
        raise PermissionDenied(_("Only site editors pin stories to the front page."))


def _pages_changed(channel: Channel | None) -> None:
    if channel is None:
        paths, channels = ["/"], []
    else:
        paths, channels = [], [channel.get_absolute_url()]
    transaction.on_commit(lambda: pagecache.invalidate_paths(paths, channels=channels))


def _check_place(place: int) -> None:
    if not 1 <= place <= PIN_PLACES:
        raise ValidationError(
            {"place": _("Choose a place from 1 to %(count)s.") % {"count": PIN_PLACES}},
            code="place",
        )


def _check_expiry(expires_at: dt.datetime | None, now: dt.datetime) -> None:
    if expires_at is None:
        return
    if timezone.is_naive(expires_at):
        raise ValueError("a pin's end must be aware")
    if expires_at <= now:
        raise ValidationError({"expires_at": _("The end of a pin must be in the future.")})


def check_pin_set(
    *,
    actor: User | None,
    story: Story,
    front: bool,
    place: int,
    expires_at: dt.datetime | None = None,
    now: dt.datetime | None = None,
) -> Story:
    """What ``pin_set`` checks, in a transaction: the story's row, fresh and locked until the
    transaction ends; PermissionDenied or ValidationError if it may not be pinned there. A
    form saved through ``pin_set`` in the same transaction (the admin's) calls it from its
    ``clean()``, so that what the service refuses is a form error, not a server error."""
    fresh = story_locked(story)
    check_can_pin(actor, channel=None if front else fresh.channel)
    _check_place(place)
    now = now or timezone.now()
    _check_expiry(expires_at, now)
    if not fresh.is_live(now):
        raise ValidationError(_("Only a published story can be pinned."), code="not_live")
    return fresh


@transaction.atomic
def pin_set(
    *,
    actor: User | None,
    story: Story,
    front: bool,
    place: int,
    expires_at: dt.datetime | None = None,
) -> StoryPin:
    """Pin ``story`` at ``place`` of the front page (``front``) or of its channel's page,
    until ``expires_at`` (None: until unpinned). A story pinned there already moves to the
    place; a story at the place already gives it up. Pinning again as it is changes nothing
    but the end."""
    now = timezone.now()
    fresh = check_pin_set(
        actor=actor, story=story, front=front, place=place, expires_at=expires_at, now=now
    )
    channel = None if front else fresh.channel
    # Its pin elsewhere on this page (perhaps expired) gives way: one place per story.
    StoryPin.objects.filter(channel=channel, story=fresh).exclude(place=place).delete()
    pin, _created = StoryPin.objects.update_or_create(
        channel=channel,
        place=place,
        defaults={"story": fresh, "expires_at": expires_at, "pinned_by": actor, "pinned_at": now},
    )
    _pages_changed(channel)
    return pin


@transaction.atomic
def pin_remove(*, actor: User | None, story: Story, front: bool) -> bool:
    """Unpin ``story`` from the front page (``front``) or its channel's page; whether a pin
    was there (a second click finds none, and changes nothing)."""
    fresh = story_locked(story)
    channel = None if front else fresh.channel
    check_can_pin(actor, channel=channel)
    removed, _kinds = StoryPin.objects.filter(channel=channel, story=fresh).delete()
    if removed:
        _pages_changed(channel)
    return bool(removed)
