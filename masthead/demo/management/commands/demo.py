from __future__ import annotations

import os
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

from masthead.demo import loader

from .loaddemo import print_accounts


class Command(BaseCommand):
    help = (
        "Migrate the database, load the demo content and serve the site "
        "(http://127.0.0.1:8000 by default; PORT to change)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--no-serve", action="store_true", help="set up, then exit")

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write("Migrating the database...")
        call_command("migrate", interactive=False, verbosity=0)
        self.stdout.write("Loading demo content...")
        report = loader.load()
        self.stdout.write(
            f"  created {report.channels} channels, {report.members} members, "
            f"{report.stories} stories, {report.comments} comments"
            if report.created_anything
            else "  already loaded"
        )
        print_accounts(self.stdout, report)
        if options["no_serve"]:
            return
        self.stdout.write(
            f"Masthead is at http://{options['host']}:{options['port']}/ (Ctrl-C to stop)\n"
        )
        call_command("serve", host=options["host"], port=options["port"])
