from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from masthead.channels.models import Channel, Section
from masthead.ingest.importers import ImportFailed, records, run_record
from masthead.ingest.models import ImportRecord

PROGRESS_EVERY = 0.2  # seconds between redraws of the progress line


class Command(BaseCommand):
    help = (
        "Import text captures of story pages, WARC archives of article pages and OPML lists "
        "of feeds into a channel. Safe to run again: nothing is created twice, and an "
        "interrupted import goes on where it stopped. Exits 1 if anything failed."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("paths", nargs="+", metavar="PATH")
        parser.add_argument("--channel", required=True, help="the channel's slug")
        parser.add_argument("--section", help="the section's slug (default: the first)")

    def handle(self, *args: Any, **options: Any) -> None:
        channel = Channel.objects.filter(slug=options["channel"]).first()
        if channel is None:
            raise CommandError(f"No channel {options['channel']!r}.")
        section = None
        if options["section"]:
            section = Section.objects.filter(channel=channel, slug=options["section"]).first()
            if section is None:
                raise CommandError(f"No section {options['section']!r} in {channel.slug}.")
        counts = {"created": 0, "present": 0, "failed": 0}
        created: list[str] = []
        failures: list[str] = []
        started = last_drawn = time.monotonic()
        for name in options["paths"]:
            path = Path(name)
            if not path.is_file():
                failures.append(f"{name}: no such file")
                counts["failed"] += 1
                continue
            try:
                for record in records(path, channel=channel, section=section):
                    outcome, result = run_record(channel, record)
                    counts[outcome] += 1
                    if outcome == ImportRecord.Outcome.CREATED:
                        target = (
                            result.story.get_absolute_url()
                            if result.story
                            else f"feed {record.label}"
                        )
                        created.append(
                            f"{target}{'  (' + result.detail + ')' if result.detail else ''}"
                        )
                    elif outcome == ImportRecord.Outcome.FAILED:
                        failures.append(f"{path.name}: {record.label}: {result.detail}")
                    now = time.monotonic()
                    if now - last_drawn >= PROGRESS_EVERY:
                        self._progress(name, counts, now - started)
                        last_drawn = now
            except ImportFailed as error:
                failures.append(f"{path.name}: {error}")
                counts["failed"] += 1
        self._progress("done", counts, time.monotonic() - started, final=True)
        self._summary(counts, created, failures)
        if failures:
            sys.exit(1)

    def _progress(
        self, name: str, counts: dict[str, int], seconds: float, *, final: bool = False
    ) -> None:
        total = sum(counts.values())
        rate = total / seconds if seconds > 0 else 0.0
        line = (
            f"\r{name[-40:]:<40} {total:>6} records  {rate:6.1f}/s  created "
            f"{counts['created']}, present {counts['present']}, failed {counts['failed']}"
        )
        self.stderr.write(line, ending="\n" if final else "")
        self.stderr.flush()

    def _summary(self, counts: dict[str, int], created: list[str], failures: list[str]) -> None:
        self.stdout.write(f"Created {counts['created']}:")
        for line in created:
            self.stdout.write(f"  {line}")
        self.stdout.write(f"Already present: {counts['present']}")
        self.stdout.write(f"Failed: {len(failures)}")
        for line in failures:
            self.stdout.write(f"  {line}")
