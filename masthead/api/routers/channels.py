from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router

from masthead.accounts.models import User
from masthead.channels import selectors, services
from masthead.channels.models import Channel
from masthead.core import ratelimit

from .. import present
from ..auth import WRITE
from ..problems import Problem
from ..schemas import ChannelList, ChannelOut, FollowOut, Slug
from .common import READ_ERRORS, WRITE_ERRORS

router = Router(tags=["channels"])


def channel_or_404(slug: str) -> Channel:
    found = selectors.channel_list().filter(slug=slug).first()
    if found is None:
        raise Problem(404, _("No channel is named “%(slug)s”.") % {"slug": slug})
    return found


@router.get("", response={200: ChannelList, **READ_ERRORS}, url_name="channel_list")
def channel_list(request: HttpRequest) -> dict[str, Any]:
    """Every channel, with its sections in the order of its navigation."""
    return {"items": [present.channel(request, c) for c in selectors.channel_list()]}


@router.get("/{slug}", response={200: ChannelOut, **READ_ERRORS}, url_name="channel_get")
def channel_get(request: HttpRequest, slug: Slug) -> dict[str, Any]:
    """One channel, by its slug."""
    return present.channel(request, channel_or_404(slug))


def _follow(request: HttpRequest, slug: str, following: bool) -> dict[str, Any]:
    member: User = request.auth  # type: ignore[attr-defined]
    channel = channel_or_404(slug)
    ratelimit.check("follow", request=request, user_id=member.pk)
    now = services.follow_set(actor=member, channel=channel, following=following)
    return {"channel": channel.slug, "following": now}


@router.put(
    "/{slug}/follow", auth=WRITE, response={200: FollowOut, **WRITE_ERRORS}, url_name="follow"
)
def follow_put(request: HttpRequest, slug: Slug) -> dict[str, Any]:
    """Follow the channel: its stories in your Latest and your private feeds."""
    return _follow(request, slug, True)


@router.delete("/{slug}/follow", auth=WRITE, response={200: FollowOut, **WRITE_ERRORS})
def follow_delete(request: HttpRequest, slug: Slug) -> dict[str, Any]:
    """Stop following the channel."""
    return _follow(request, slug, False)
