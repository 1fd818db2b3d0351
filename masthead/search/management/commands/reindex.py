from __future__ import annotations

import sys
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from masthead.channels.models import Channel
from masthead.search.index import index_pending
from masthead.search.reindexing import REINDEX_BATCH, Progress, reindex

PROGRESS_EVERY = 0.25  # seconds between redraws of the progress line
BAR_WIDTH = 24


class Command(BaseCommand):
    help = (
        "Rebuild the search index: every story's document, or a channel's (--channel SLUG). "
        "Safe to run while the site serves (one short transaction per batch); a run that is "
        "interrupted goes on where it stopped when started again (--restart starts over). "
        "--pending only works off the stories marked as changed."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--channel", help="only this channel's stories (its slug)")
        parser.add_argument("--batch", type=int, default=REINDEX_BATCH, help="stories a batch")
        parser.add_argument("--restart", action="store_true", help="ignore an interrupted run")
        parser.add_argument(
            "--pending", action="store_true", help="only the stories marked as changed"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["pending"]:
            self.stdout.write(f"Re-indexed {index_pending()} marked stories.")
            return
        channel = None
        if options["channel"]:
            channel = Channel.objects.filter(slug=options["channel"]).first()
            if channel is None:
                raise CommandError(f"No channel {options['channel']!r}.")
        if options["batch"] < 1:
            raise CommandError("--batch is at least 1.")
        self.started = time.monotonic()
        self.drawn = 0.0
        self.first: int | None = None  # stories done when this run began
        self.tty = sys.stderr.isatty()
        progress = reindex(
            channel=channel, batch=options["batch"], restart=options["restart"], report=self._draw
        )
        self._draw(progress, final=True)
        self.stdout.write(
            f"Re-indexed {progress.done - (self.first or 0)} stories"
            + (f" (resumed after story {progress.resumed_after})" if progress.resumed_after else "")
            + f"; {progress.done} in the index for {channel.slug if channel else 'all channels'}."
        )

    def _draw(self, progress: Progress, *, final: bool = False) -> None:
        if self.first is None:
            self.first = progress.done
            if progress.resumed_after:
                self.stderr.write(
                    f"Resuming after story {progress.resumed_after}: "
                    f"{progress.done} of {progress.total} done before."
                )
        now = time.monotonic()
        if not final and now - self.drawn < PROGRESS_EVERY:
            return
        self.drawn = now
        seconds = now - self.started
        this_run = progress.done - self.first
        rate = this_run / seconds if seconds > 0 else 0.0
        left = progress.total - progress.done
        eta = left / rate if rate > 0 else 0.0
        share = progress.done / progress.total if progress.total else 1.0
        filled = round(share * BAR_WIDTH)
        line = (
            f"[{'#' * filled}{'.' * (BAR_WIDTH - filled)}] {progress.done:,}/{progress.total:,} "
            f"stories  {rate:,.0f}/s  {_clock(eta)} left"
        )
        if self.tty:
            self.stderr.write("\r" + line, ending="\n" if final else "")
        else:
            self.stderr.write(line)
        self.stderr.flush()


def _clock(seconds: float) -> str:
    minutes, second = divmod(round(seconds), 60)
    hours, minute = divmod(minutes, 60)
    return f"{hours}:{minute:02}:{second:02}"
