"""What readers may see and what they narrowed to, as SQL over the story's own row (``s``,
``stories_story``): shared by both engines, whose placeholders Django writes as ``%s``."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import connection

from masthead.stories.models import Story


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
        """A condition on ``s`` and its parameters."""
        adapt = connection.ops.adapt_datetimefield_value
        live = ", ".join(f"'{status}'" for status in Story.LIVE_STATUSES)
        parts = [f"s.status IN ({live})", "s.published_at <= %s"]
        params: list[Any] = [adapt(self.now)]
        if self.channel is not None:
            parts.append("s.channel_id IN (SELECT id FROM channels_channel WHERE slug = %s)")
            params.append(self.channel)
        if self.section is not None:
            sections = "SELECT sec.id FROM channels_section sec WHERE sec.slug = %s"
            params.append(self.section)
            if self.channel is not None:
                sections += (
                    " AND sec.channel_id IN (SELECT id FROM channels_channel WHERE slug = %s)"
                )
                params.append(self.channel)
            parts.append(f"s.section_id IN ({sections})")
        if self.source is not None:
            parts.append("s.source_id IN (SELECT id FROM stories_source WHERE domain = %s)")
            params.append(self.source)
        if self.kind is not None:
            parts.append("s.kind = %s")
            params.append(self.kind)
        if self.start is not None:
            parts.append("s.published_at >= %s")
            params.append(adapt(self.start))
        if self.end is not None:
            parts.append("s.published_at < %s")
            params.append(adapt(self.end))
        return " AND ".join(parts), params
