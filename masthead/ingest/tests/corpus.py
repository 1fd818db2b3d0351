"""The labelled pages of ../shared/data/extraction/trafilatura-eval, for the extraction test
and the extraction benchmark: each page's HTML, its URL, and what a good extraction must and
must not contain."""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class LabelledPage:
    url: str
    path: Path
    must_have: list[str]
    must_not_have: list[str]
    title: str = ""
    authors: tuple[str, ...] = ()
    date: str = ""  # YYYY-MM-DD
    extra: dict[str, str] = field(default_factory=dict)

    def html(self) -> bytes:
        return gzip.decompress(self.path.read_bytes())


def labelled_pages(folder: Path) -> Iterator[LabelledPage]:
    labels = json.loads((folder / "evaldata.json").read_text(encoding="utf-8"))
    for url, label in labels.items():
        name = label["file"] + ".gz"
        path = next(
            (folder / sub / name for sub in ("eval", "cache") if (folder / sub / name).exists()),
            None,
        )
        if path is None:
            continue
        yield LabelledPage(
            url=url,
            path=path,
            must_have=label.get("with", []),
            must_not_have=label.get("without", []),
            title=label.get("title", ""),
            authors=_names(label.get("author")),
            date=label.get("date", ""),
        )


def _names(value: object) -> tuple[str, ...]:
    if isinstance(value, list):
        return tuple(str(name) for name in value if name)
    return (str(value),) if value else ()
