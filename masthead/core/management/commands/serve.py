from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

# One blocking thread per worker runs Python; a second overlaps one request's database wait
# with another's rendering. More threads only add GIL contention (docs/decisions/0004).
DEFAULT_THREADS = 2
# Connections a worker accepts at once. Granian counts open keep-alive connections, not
# requests in flight: a browser holds six, so a small number here stalls page loads.
DEFAULT_BACKPRESSURE = 512


def default_workers() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


class Command(BaseCommand):
    help = "Serve Masthead with granian (WSGI), static files through whitenoise."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
        parser.add_argument(
            "--workers",
            type=int,
            default=int(os.environ.get("MASTHEAD_WORKERS", 0)) or default_workers(),
        )
        parser.add_argument(
            "--threads", type=int, default=int(os.environ.get("MASTHEAD_THREADS", DEFAULT_THREADS))
        )
        parser.add_argument(
            "--backpressure",
            type=int,
            default=int(os.environ.get("MASTHEAD_BACKPRESSURE", DEFAULT_BACKPRESSURE)),
        )
        parser.add_argument(
            "--no-collectstatic",
            action="store_true",
            help="skip collecting static files (they are already collected)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        storage = settings.STORAGES["staticfiles"]["BACKEND"]
        if "Manifest" in storage and not options["no_collectstatic"]:
            call_command("collectstatic", interactive=False, verbosity=0)
        granian = shutil.which("granian") or str(Path(sys.executable).with_name("granian"))
        if not Path(granian).exists():
            raise CommandError("granian is not installed in this environment.")
        argv = [
            granian,
            "--interface",
            "wsgi",
            "--no-ws",
            "--host",
            options["host"],
            "--port",
            str(options["port"]),
            "--workers",
            str(options["workers"]),
            "--blocking-threads",
            str(options["threads"]),
            "--backpressure",
            str(options["backpressure"]),
            "--log-level",
            "warning",
            "masthead.wsgi:application",
        ]
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", settings.SETTINGS_MODULE)
        self.stdout.write(
            f"Serving on http://{options['host']}:{options['port']}/ "
            f"({options['workers']} workers x {options['threads']} threads)"
        )
        self.stdout.flush()
        os.execv(granian, argv)  # noqa: S606 - argv is built above, not from user input
