"""How Masthead writes times: in a story's own zone, with the zone's abbreviation."""

from __future__ import annotations

import datetime as dt
from functools import cache
from zoneinfo import ZoneInfo, available_timezones

from django.utils import dateformat

STORY_TIME_FORMAT = "F j, Y, g:i A T"  # July 25, 2017, 2:01 PM PDT


@cache
def zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


@cache
def zone_names() -> frozenset[str]:
    return frozenset(available_timezones())


def in_zone(moment: dt.datetime, zone_name: str) -> dt.datetime:
    return moment.astimezone(zone(zone_name))


def story_time(moment: dt.datetime, zone_name: str) -> str:
    """``July 25, 2017, 2:01 PM PDT`` for an aware datetime shown in ``zone_name``."""
    return dateformat.format(in_zone(moment, zone_name), STORY_TIME_FORMAT)
