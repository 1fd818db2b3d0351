from __future__ import annotations

import sys
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from masthead.channels.models import Channel
from masthead.search.services import related_update
from masthead.stories.models import Story

PROGRESS_EVERY = 1.0  # seconds between progress lines


class Command(BaseCommand):
    help = (
        "Compute the related stories of every public story (or a channel's, --channel SLUG), "
        "as the worker does after a publication: for an installation whose stories were "
        "published before it had related stories, or after a change to how they are chosen. "
        "Safe to run while the site serves; running it again writes only what changed."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--channel", help="only this channel's stories (its slug)")

    def handle(self, *args: Any, **options: Any) -> None:
        stories = Story.objects.filter(status__in=Story.LIVE_STATUSES)
        if options["channel"]:
            channel = Channel.objects.filter(slug=options["channel"]).first()
            if channel is None:
                raise CommandError(f"No channel {options['channel']!r}.")
            stories = stories.filter(channel=channel)
        ids = list(stories.order_by("-published_at", "-pk").values_list("pk", flat=True))
        started = drawn = time.monotonic()
        changed = 0
        for done, story_id in enumerate(ids, start=1):
            changed += related_update(story_id)
            now = time.monotonic()
            if now - drawn >= PROGRESS_EVERY or done == len(ids):
                drawn = now
                rate = done / max(now - started, 1e-9)
                left = (len(ids) - done) / rate
                sys.stderr.write(
                    f"\r{done:,} of {len(ids):,} stories, {rate:.1f}/s, {left:.0f} s left  "
                )
        if ids:
            sys.stderr.write("\n")
        self.stdout.write(
            f"Computed the related stories of {len(ids)} stories; {changed} lists changed."
        )
