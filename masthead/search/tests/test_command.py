"""``masthead similarity --pairs``: one score per good line, in the input's order, under its id;
a bad line is named by its number on stderr and costs no other line its score; the command then
fails, so a script notices."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from masthead.search.similarity import pair_scores

A = "The Harbour Council voted on Tuesday to extend the Skye ferry service for eighteen months."
B = "Late on Tuesday the Harbour Council approved eighteen more months of the Skye ferry."
C = "Magnus Carlsen won the rapid chess championship in Oslo with a round to spare."


def run(path: Path, *extra: str) -> tuple[list[dict], str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("similarity", "--pairs", str(path), *extra, stdout=out, stderr=err)
    return [json.loads(line) for line in out.getvalue().splitlines()], err.getvalue()


def write(path: Path, *lines: str | dict) -> Path:
    path.write_text(
        "".join((line if isinstance(line, str) else json.dumps(line)) + "\n" for line in lines),
        encoding="utf-8",
    )
    return path


def test_scores_every_line_under_its_id_in_order(tmp_path: Path) -> None:
    source = write(
        tmp_path / "pairs.jsonl",
        {"id": "b", "text1": A, "text2": B},
        {"id": 7, "text1": A, "text2": A},
        "",
        {"id": None, "text1": C, "text2": A, "extra": "ignored"},
    )
    rows, err = run(source)
    assert err == ""
    assert [row["id"] for row in rows] == ["b", 7, None]
    expected = pair_scores([(A, B), (A, A), (C, A)])
    assert [row["score"] for row in rows] == pytest.approx(expected, abs=1e-6)
    assert rows[1]["score"] == 1.0
    assert all(0 <= row["score"] <= 1 for row in rows)


def test_bad_lines_are_named_and_the_others_still_scored(tmp_path: Path) -> None:
    source = tmp_path / "pairs.jsonl"
    source.write_bytes(
        b"\n".join(
            [
                json.dumps({"id": 1, "text1": A, "text2": B}).encode(),
                b'{"id": 2, "text1": "unterminated',
                b'["a", "list"]',
                json.dumps({"id": 4, "text1": A}).encode(),
                json.dumps({"id": 5, "text1": A, "text2": 12}).encode(),
                b'{"id": 6, "text1": "\xff\xfe", "text2": "x"}',
                json.dumps({"id": 7, "text1": C, "text2": A}).encode(),
            ]
        )
    )
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(CommandError, match=r"5 bad line\(s\).*2 scored"):
        call_command("similarity", "--pairs", str(source), stdout=out, stderr=err)
    rows = [json.loads(line) for line in out.getvalue().splitlines()]
    assert [row["id"] for row in rows] == [1, 7]
    assert [row["score"] for row in rows] == pytest.approx(pair_scores([(A, B), (C, A)]), abs=1e-6)
    messages = err.getvalue().splitlines()
    assert [message.split(": ")[1] for message in messages] == [
        "line 2",
        "line 3",
        "line 4",
        "line 5",
        "line 6",
    ]
    assert "not JSON" in messages[0]
    assert "a JSON object was expected" in messages[1]
    assert "missing text2" in messages[2]
    assert "text2 must be a string" in messages[3]
    assert "not UTF-8" in messages[4]


def test_out_writes_the_scores_to_a_file(tmp_path: Path) -> None:
    source = write(tmp_path / "pairs.jsonl", {"id": "x", "text1": A, "text2": C})
    target = tmp_path / "scores.jsonl"
    rows, _ = run(source, "--out", str(target))
    assert rows == []
    written = [json.loads(line) for line in target.read_text(encoding="utf-8").splitlines()]
    assert written == [{"id": "x", "score": pytest.approx(pair_scores([(A, C)])[0], abs=1e-6)}]


def test_an_empty_file_gives_no_lines_and_a_missing_one_an_error(tmp_path: Path) -> None:
    assert run(write(tmp_path / "empty.jsonl")) == ([], "")
    with pytest.raises(CommandError, match="no such file"):
        run(tmp_path / "absent.jsonl")


def test_the_masthead_command_reads_stdin_and_exits_1_on_a_bad_line() -> None:
    lines = json.dumps({"id": 1, "text1": A, "text2": A}) + "\nnot json\n"
    done = subprocess.run(
        [sys.executable, "-m", "masthead.cli", "similarity", "--pairs", "-"],
        input=lines.encode(),
        capture_output=True,
        check=False,
    )
    assert done.returncode == 1
    assert json.loads(done.stdout) == {"id": 1, "score": 1.0}
    assert b"-: line 2: not JSON" in done.stderr


def test_a_line_nested_too_deep_is_a_bad_line_not_a_crash(tmp_path: Path) -> None:
    source = tmp_path / "pairs.jsonl"
    source.write_bytes(
        b"[" * 100_000 + b"\n" + json.dumps({"id": 2, "text1": A, "text2": A}).encode()
    )
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(CommandError, match=r"1 bad line\(s\).*1 scored"):
        call_command("similarity", "--pairs", str(source), stdout=out, stderr=err)
    assert json.loads(out.getvalue()) == {"id": 2, "score": 1.0}
    assert "line 1: not JSON (nested too deep)" in err.getvalue()
