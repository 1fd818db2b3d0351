from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router

from masthead.channels import selectors
from masthead.channels.models import Channel

from .. import present
from ..problems import Problem
from ..schemas import ChannelList, ChannelOut, FollowOut, Slug
from .common import READ_ERRORS

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


__all__ = ["FollowOut", "channel_or_404", "router"]
