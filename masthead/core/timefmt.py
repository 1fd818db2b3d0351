"""How Masthead writes times: in a story's own zone, with the zone's abbreviation."""

from __future__ import annotations

import datetime as dt
from functools import cache
from zoneinfo import ZoneInfo, available_timezones

from django.utils.dates import MONTHS
from django.utils.translation import gettext as _


@cache
def zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


@cache
def zone_names() -> frozenset[str]:
    return frozenset(available_timezones())


def in_zone(moment: dt.datetime, zone_name: str) -> dt.datetime:
    return moment.astimezone(zone(zone_name))


def story_time(moment: dt.datetime, zone_name: str) -> str:
    """``July 25, 2017, 2:01 PM PDT`` for an aware datetime shown in ``zone_name``.

    Written out by hand rather than with Django's ``dateformat`` (format "F j, Y, g:i A T"):
    a story page prints one per comment, and this is five times faster.
    """
    local = in_zone(moment, zone_name)
    hour = local.hour % 12 or 12
    meridiem = _("AM") if local.hour < 12 else _("PM")
    return (
        f"{MONTHS[local.month]} {local.day}, {local.year}, {hour}:{local.minute:02d} "
        f"{meridiem} {local.tzname()}"
    )
