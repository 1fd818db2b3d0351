"""schema.org 12.0 as the tests read it (../shared/data/schemaorg/vocab-12.0/): which types
exist, their supertypes, which properties exist, the types each property is meant for
(``domainIncludes``) and the types its values may be (``rangeIncludes``).

``check`` walks a JSON-LD document and returns every term it uses that schema.org 12.0 does
not define, or uses on a type it is not meant for."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from typing import Any

from conftest import shared_data

PREFIX = "https://schema.org/"
DATA_TYPES = {"Text", "URL", "Integer", "Number", "Date", "DateTime", "Boolean", "Time"}


def _names(cell: str) -> set[str]:
    return {part.strip().removeprefix(PREFIX) for part in cell.split(",") if part.strip()}


@dataclass(frozen=True)
class Vocabulary:
    supertypes: dict[str, set[str]]  # a type: its direct supertypes
    domains: dict[str, set[str]]  # a property: the types it is meant for
    ranges: dict[str, set[str]]  # a property: the types of its values
    superseded: set[str]  # properties that a later term replaces

    def ancestors(self, name: str) -> set[str]:
        seen, todo = {name}, [name]
        while todo:
            for parent in self.supertypes.get(todo.pop(), set()):
                if parent not in seen:
                    seen.add(parent)
                    todo.append(parent)
        return seen


@cache
def vocabulary() -> Vocabulary:
    folder = shared_data("schemaorg/vocab-12.0/12.0")
    supertypes = {}
    with (folder / "schemaorg-current-https-types.csv").open(encoding="utf-8") as file:
        for row in csv.DictReader(file):
            supertypes[row["label"]] = _names(row["subTypeOf"])
    domains, ranges, superseded = {}, {}, set()
    with (folder / "schemaorg-current-https-properties.csv").open(encoding="utf-8") as file:
        for row in csv.DictReader(file):
            domains[row["label"]] = _names(row["domainIncludes"])
            ranges[row["label"]] = _names(row["rangeIncludes"])
            if row["supersededBy"].strip():
                superseded.add(row["label"])
    return Vocabulary(supertypes, domains, ranges, superseded)


def check(node: Any, problems: list[str] | None = None, where: str = "") -> list[str]:
    """Every term of ``node`` (a JSON-LD object, or a list of them) that schema.org 12.0
    does not have, or has for other types."""
    problems = [] if problems is None else problems
    vocab = vocabulary()
    if isinstance(node, list):
        for number, item in enumerate(node):
            check(item, problems, f"{where}[{number}]")
        return problems
    if not isinstance(node, dict):
        return problems
    kind = node.get("@type")
    if kind is not None and kind not in vocab.supertypes:
        problems.append(f"{where}: no type {kind!r}")
    lineage = vocab.ancestors(kind) if kind else set()
    for key, value in node.items():
        if key.startswith("@"):
            if key not in {"@context", "@type", "@id", "@graph"}:
                problems.append(f"{where}: JSON-LD keyword {key!r}")
            if key == "@graph":
                check(value, problems, f"{where}.@graph")
            continue
        path = f"{where}.{key}"
        if key not in vocab.domains:
            problems.append(f"{path}: no property {key!r}")
            continue
        if key in vocab.superseded:
            problems.append(f"{path}: superseded")
        if kind and not vocab.domains[key] & lineage:
            problems.append(f"{path}: not a property of {kind}")
        for value_node in value if isinstance(value, list) else [value]:
            if isinstance(value_node, dict) and "@type" in value_node:
                value_kinds = vocab.ancestors(value_node["@type"])
                if not vocab.ranges[key] & value_kinds:
                    problems.append(f"{path}: a {value_node['@type']} is not its range")
        check(value, problems, path)
    return problems
