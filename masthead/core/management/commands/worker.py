from __future__ import annotations

from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = (
        "Run background tasks (django-tasks database backend). Run as many as you like, on "
        "as many machines as share the database: each task is claimed by one worker."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--queue", default="*", help="queue name, or * for all")
        parser.add_argument("--batch", action="store_true", help="run what is queued, then exit")
        parser.add_argument("--worker-id", default=None)
        parser.add_argument("--max-tasks", type=int, default=None)

    def handle(self, *args: Any, **options: Any) -> None:
        kwargs: dict[str, Any] = {
            "queue_name": options["queue"],
            "reload": False,
            "startup_delay": False,
        }
        if options["batch"]:
            kwargs["batch"] = True
        if options["worker_id"]:
            kwargs["worker_id"] = options["worker_id"]
        if options["max_tasks"]:
            kwargs["max_tasks"] = options["max_tasks"]
        call_command("db_worker", **kwargs)
