from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from masthead.search.similarity import pair_scores

SCORE_DIGITS = 6  # finer than any difference the measure can mean


class Command(BaseCommand):
    help = (
        "Score pairs of texts for being the same story: each input line is a JSON object "
        '{"id", "text1", "text2"}, each output line {"id": ..., "score": S}, S from 0 '
        "(unrelated) to 1 (the same story). The statistics come from all the file's texts "
        "together. A bad line is reported on stderr by its number; the other lines are scored, "
        "and the command then exits with status 1."
    )
    requires_system_checks: list[str] = []  # reads no model: no reason to pay for the checks

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--pairs", required=True, metavar="FILE.jsonl", help="- for stdin")
        parser.add_argument("--out", metavar="FILE", help="write the scores there, not stdout")

    def handle(self, *args: Any, **options: Any) -> None:
        source: str = options["pairs"]
        if source == "-":
            raw = sys.stdin.buffer.read()
        else:
            path = Path(source)
            if not path.is_file():
                raise CommandError(f"{source}: no such file")
            raw = path.read_bytes()
        ids, pairs, errors = read_pairs(raw)
        for error in errors:
            self.stderr.write(f"{source}: {error}")
        scores = pair_scores(pairs) if pairs else []
        text = "".join(
            json.dumps({"id": id_, "score": round(score, SCORE_DIGITS)}, ensure_ascii=False) + "\n"
            for id_, score in zip(ids, scores, strict=True)
        )
        if options["out"]:
            Path(options["out"]).write_text(text, encoding="utf-8")
        else:
            self.stdout.write(text, ending="")
        if errors:
            raise CommandError(
                f"{len(errors)} bad line(s) of {source} skipped; {len(scores)} scored"
            )


def read_pairs(raw: bytes) -> tuple[list[Any], list[tuple[str, str]], list[str]]:
    """The ids and text pairs of the good lines, and a message naming each bad one. Blank lines
    are neither."""
    ids: list[Any] = []
    pairs: list[tuple[str, str]] = []
    errors: list[str] = []
    for number, line in enumerate(raw.split(b"\n"), start=1):
        if not line.strip():
            continue
        try:
            item = json.loads(line.decode("utf-8-sig" if number == 1 else "utf-8"))
        except UnicodeDecodeError:
            errors.append(f"line {number}: not UTF-8")
            continue
        except json.JSONDecodeError as error:
            errors.append(f"line {number}: not JSON ({error.msg} at column {error.colno})")
            continue
        except RecursionError:  # nested deeper than the parser goes
            errors.append(f"line {number}: not JSON (nested too deep)")
            continue
        if not isinstance(item, dict):
            errors.append(f"line {number}: a JSON object was expected")
            continue
        missing = [key for key in ("id", "text1", "text2") if key not in item]
        if missing:
            errors.append(f"line {number}: missing {', '.join(missing)}")
            continue
        wrong = [key for key in ("text1", "text2") if not isinstance(item[key], str)]
        if wrong:
            errors.append(f"line {number}: {' and '.join(wrong)} must be a string")
            continue
        ids.append(item["id"])
        pairs.append((item["text1"], item["text2"]))
    return ids, pairs, errors
