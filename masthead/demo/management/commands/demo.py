from __future__ import annotations

import os
import signal
import subprocess
import sys
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
            "Background work (notifications, fetching pages, feeds) runs beside it; its e-mails "
            "are printed here.\n"
        )
        self.stdout.flush()
        serve_with_worker(options["host"], options["port"])


def serve_with_worker(host: str, port: int) -> None:
    """`masthead serve` and one `masthead worker`, stopped together: the demo's replies reach
    inboxes and its submitted URLs are fetched, as on a real installation."""
    masthead = [sys.executable, "-m", "masthead.cli"]
    worker = subprocess.Popen([*masthead, "worker"])  # noqa: S603 - our own CLI
    server = subprocess.Popen([*masthead, "serve", "--host", host, "--port", str(port)])  # noqa: S603

    def stop(*_args: Any) -> None:
        raise SystemExit(0)

    signal.signal(signal.SIGTERM, stop)
    try:
        server.wait()
    except KeyboardInterrupt:
        pass
    finally:
        for process in (server, worker):
            process.terminate()
        for process in (server, worker):
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
