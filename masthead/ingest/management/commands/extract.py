from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from masthead.core.http import FetchError, fetch
from masthead.ingest.extract import extract, read_html


class Command(BaseCommand):
    help = (
        "Extract an article's fields (headline, byline, time, publisher, photo, excerpt, "
        "text) from a URL or from a file holding its HTML (gzip accepted)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("source", metavar="URL_OR_FILE")
        parser.add_argument("--json", action="store_true", help="print one JSON object")
        parser.add_argument("--url", default="", help="the page's address, for a file")

    def handle(self, *args: Any, **options: Any) -> None:
        source: str = options["source"]
        if source.startswith(("http://", "https://")):
            try:
                response = fetch(source, expect="html", robots=True)
            except FetchError as error:
                raise CommandError(f"{source}: {error}") from error
            fields = extract(response.content, url=response.url)
        else:
            path = Path(source)
            if not path.is_file():
                raise CommandError(f"{source}: no such file (give a URL or a file of HTML)")
            fields = extract(read_html(path.read_bytes()), url=options["url"])
        data = fields.as_json()
        if options["json"]:
            self.stdout.write(json.dumps(data, ensure_ascii=False))
            return
        for name, value in data.items():
            text = str(value or "")
            self.stdout.write(f"{name:>14}: {text[:300] + ('…' if len(text) > 300 else '')}")
