"""Times of the demo's content, relative to now, so that the demo always looks current."""

from __future__ import annotations

import datetime as dt
from typing import Any

from masthead.core.timefmt import zone

# A piece "from today" whose time of day is still to come is from yesterday instead, and this
# long before now at the latest: nothing in the demo is dated in the future.
NOT_BEFORE_NOW = dt.timedelta(minutes=30)


def moment_of(entry: dict[str, Any], now: dt.datetime) -> dt.datetime:
    """``entry``'s "days_ago" and "time" (HH:MM) in its "time_zone", as an aware datetime."""
    hour, minute = (int(part) for part in entry["time"].split(":"))
    place = zone(entry["time_zone"])
    day = now.astimezone(place).date() - dt.timedelta(days=int(entry["days_ago"]))
    moment = dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=place)
    while moment > now - NOT_BEFORE_NOW:
        moment -= dt.timedelta(days=1)
    return moment
