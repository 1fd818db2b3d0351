"""What readers may see and what they narrowed to, as SQL over ``f``, the story's facts
(``search_story``, kept by triggers in step with ``stories_story``): shared by both engines,
whose placeholders Django writes as ``%s``."""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass
from typing import Any

from django.db import connection

from masthead.stories.models import Story

COUNTED = 1000  # a clause held by more stories than this is common: its count stops there
# The newest of many matches are ranked by where each clause is: the headline, the excerpt,
# the names (byline, publisher, section, channel); the body counts 1. In the proportions of
# SQLite's bm25 column weights.
PLACE_WEIGHTS = (10, 4, 2)


@dataclass(frozen=True)
class Filters:
    now: dt.datetime
    channel: str | None = None  # channel slug
    section: str | None = None  # section slug, in ``channel`` when given, else in any
    source: str | None = None  # publisher domain
    kind: str | None = None
    start: dt.datetime | None = None  # published at or after
    end: dt.datetime | None = None  # published before

    def sql(self) -> tuple[str, list[Any]]:
        """A condition on ``f`` and its parameters."""
        adapt = connection.ops.adapt_datetimefield_value
        live = ", ".join(f"'{status}'" for status in Story.LIVE_STATUSES)
        parts = [f"f.status IN ({live})", "f.published_at <= %s"]
        params: list[Any] = [adapt(self.now)]
        if self.channel is not None:
            parts.append("f.channel_id IN (SELECT id FROM channels_channel WHERE slug = %s)")
            params.append(self.channel)
        if self.section is not None:
            sections = "SELECT sec.id FROM channels_section sec WHERE sec.slug = %s"
            params.append(self.section)
            if self.channel is not None:
                sections += (
                    " AND sec.channel_id IN (SELECT id FROM channels_channel WHERE slug = %s)"
                )
                params.append(self.channel)
            parts.append(f"f.section_id IN ({sections})")
        if self.source is not None:
            parts.append("f.source_id IN (SELECT id FROM stories_source WHERE domain = %s)")
            params.append(self.source)
        if self.kind is not None:
            parts.append("f.kind = %s")
            params.append(self.kind)
        if self.start is not None:
            parts.append("f.published_at >= %s")
            params.append(adapt(self.start))
        if self.end is not None:
            parts.append("f.published_at < %s")
            params.append(adapt(self.end))
        return " AND ".join(parts), params


STORIES_KEPT_SECONDS = 300.0  # how long a process trusts its count of stories (for idf)
_stories: tuple[float, int] = (0.0, 0)


def stories_indexed() -> int:
    """About how many stories there are, for the rarity of a word (idf): counted at most
    every ``STORIES_KEPT_SECONDS`` per process, from the narrow facts table."""
    global _stories
    now = time.monotonic()
    if now - _stories[0] > STORIES_KEPT_SECONDS or _stories[1] == 0:
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM search_story")
            _stories = (now, int(cursor.fetchone()[0]))
    return max(_stories[1], 1)
