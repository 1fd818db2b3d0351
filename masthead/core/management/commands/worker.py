from __future__ import annotations

import threading
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser
from django.utils.module_loading import import_string


class Command(BaseCommand):
    help = (
        "Run background work: queued tasks (django-tasks, database backend) and the loops "
        "in MASTHEAD_WORKER_LOOPS (feed polling, e-mail digests). Run as many workers as "
        "you like, on as many machines as share the database."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--queue", default="*", help="queue name, or * for all")
        parser.add_argument(
            "--batch",
            action="store_true",
            help="one round of every loop, then the queued tasks, then exit",
        )
        parser.add_argument("--worker-id", default=None)
        parser.add_argument("--max-tasks", type=int, default=None)
        parser.add_argument(
            "--no-loops",
            action="store_true",
            help="queued tasks only (no feed polling, no digests)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        loops = [] if options["no_loops"] else list(settings.MASTHEAD_WORKER_LOOPS)
        kwargs: dict[str, Any] = {
            "queue_name": options["queue"],
            "reload": False,
            "startup_delay": False,
            "verbosity": options["verbosity"],
        }
        if options["worker_id"]:
            kwargs["worker_id"] = options["worker_id"]
        if options["max_tasks"]:
            kwargs["max_tasks"] = options["max_tasks"]
        if options["batch"]:
            for path in loops:
                self.stdout.write(f"{path}: {import_string(path).once()} done")
            call_command("db_worker", batch=True, **kwargs)
            return
        stop = threading.Event()
        threads = [
            threading.Thread(
                target=import_string(path).forever, args=(stop,), daemon=True, name=path
            )
            for path in loops
        ]
        for thread in threads:
            thread.start()
        try:
            call_command("db_worker", **kwargs)
        finally:
            stop.set()
            for thread in threads:
                thread.join(timeout=30)
