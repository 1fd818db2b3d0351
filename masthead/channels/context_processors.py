from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.core.cache import cache
from django.http import HttpRequest

from masthead.core.localcache import LocalCache

NAV_CACHE_KEY = "channels:nav:v1"
NAV_CACHE_SECONDS = 300  # a new channel appears in every page's navigation within this time
LOCAL_SECONDS = 10  # each process's own copy
_local = LocalCache(max_entries=1)


@dataclass(frozen=True)
class NavChannel:
    name: str
    url: str


def nav_channels() -> list[NavChannel]:
    """The channels in the site navigation; read from this process's copy (LOCAL_SECONDS),
    else the shared cache, not the database, per page."""
    from .models import Channel

    channels: list[NavChannel] | None = _local.get(NAV_CACHE_KEY)
    if channels is not None:
        return channels
    channels = cache.get(NAV_CACHE_KEY)
    if channels is None:
        channels = [
            NavChannel(name=c.name, url=c.get_absolute_url())
            for c in Channel.objects.only("slug", "name").order_by("name")
        ]
        cache.set(NAV_CACHE_KEY, channels, NAV_CACHE_SECONDS)
    _local.set(NAV_CACHE_KEY, channels, LOCAL_SECONDS)
    return channels


def nav_channels_forget() -> None:
    """After a commit that adds or renames a channel: this process at once, the others
    within LOCAL_SECONDS."""
    cache.delete(NAV_CACHE_KEY)
    _local.delete(NAV_CACHE_KEY)


def navigation(request: HttpRequest) -> dict[str, Callable[[], list[NavChannel]]]:
    return {"nav_channels": nav_channels}
