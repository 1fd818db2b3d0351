"""SQLite's engine: the FTS5 table ``search_fts`` (porter over unicode61, diacritics removed),
ranked by bm25 with a weight per column.

The query goes to FTS5 in its own syntax, built here from the parsed query with every word
double-quoted (a quoted string is only ever words to FTS5, never an operator or a column
name): ``("strike" OR "walkout") "pay" NOT ("tariffs")``. FTS5 computes bm25 from its own
statistics for every match and sorts; for the sizes this engine serves (measured on 100,000
stories in docs/performance.md) that fits the budget, with the live filter joined in.
"""

from __future__ import annotations

import re
from typing import Any

import Stemmer
from django.db import connection

from ..query import EXTRA_FOLDS, Phrase, Query
from .filters import Filters

# bm25 weights, in the table's column order: the headline says what the story is about; the
# excerpt is its summary; names (byline, publisher, section and channel) find by who and where.
WEIGHTS = {
    "headline": 10.0,
    "excerpt": 4.0,
    "byline": 3.0,
    "source": 2.0,
    "place": 2.0,
    "body": 1.0,
}
_BM25 = "bm25(search_fts, " + ", ".join(str(w) for w in WEIGHTS.values()) + ")"
_FOLDS = str.maketrans(EXTRA_FOLDS)


def _phrase(phrase: Phrase) -> str:
    text = " ".join(phrase).translate(_FOLDS).replace('"', '""')
    return f'"{text}"'


def match_expression(query: Query) -> str:
    """The FTS5 MATCH string for a query that has clauses."""
    positive = " AND ".join(
        "(" + " OR ".join(_phrase(p) for p in clause) + ")" for clause in query.clauses
    )
    if query.excluded:
        positive = f"({positive}) NOT (" + " OR ".join(_phrase(p) for p in query.excluded) + ")"
    return positive


def _where(query: Query, filters: Filters) -> tuple[str, list[Any]]:
    condition, params = filters.sql()
    return (
        "FROM search_fts JOIN stories_story s ON s.id = search_fts.rowid "
        f"WHERE search_fts MATCH %s AND {condition}",
        [match_expression(query), *params],
    )


def count(query: Query, filters: Filters, *, cap: int) -> int:
    where, params = _where(query, filters)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM (SELECT 1 {where} LIMIT %s)", [*params, cap])  # noqa: S608 - constants and placeholders only
        return int(cursor.fetchone()[0])


def page(
    query: Query, filters: Filters, *, sort: str, offset: int, limit: int
) -> list[tuple[int, float]]:
    """(story id, rank) best first, higher rank better."""
    where, params = _where(query, filters)
    order = "s.published_at DESC, s.id DESC" if sort == "newest" else "score, s.published_at DESC"
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT s.id, {_BM25} AS score {where} ORDER BY {order} LIMIT %s OFFSET %s",
            [*params, limit, offset],
        )
        return [(int(pk), -float(score)) for pk, score in cursor.fetchall()]


_PORTER = Stemmer.Stemmer("porter")  # FTS5's porter tokenizer: the same algorithm


def document_frequencies(words: list[str]) -> dict[str, int]:
    """How many documents hold each (folded) word, as FTS5 stems it."""
    stems = {word: _PORTER.stemWord(word.translate(_FOLDS)) for word in words}
    unique = sorted(set(stems.values()))
    found: dict[str, int] = {}
    with connection.cursor() as cursor:
        for start in range(0, len(unique), 500):
            chunk = unique[start : start + 500]
            marks = ", ".join(["%s"] * len(chunk))
            cursor.execute(f"SELECT term, doc FROM search_fts_terms WHERE term IN ({marks})", chunk)  # noqa: S608 - constants and placeholders only
            found.update((term, int(doc)) for term, doc in cursor.fetchall())
    return {word: found.get(stem, 0) for word, stem in stems.items()}


def document_count() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM search_document")
        return int(cursor.fetchone()[0])


def related(words: list[str], *, exclude: int, filters: Filters, limit: int) -> list[int]:
    """Live stories holding any of ``words``, best bm25 first, ``exclude`` left out."""
    condition, params = filters.sql()
    expression = " OR ".join(_phrase((word,)) for word in words)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT s.id FROM search_fts JOIN stories_story s ON s.id = search_fts.rowid "  # noqa: S608 - constants and placeholders only
            f"WHERE search_fts MATCH %s AND s.id <> %s AND {condition} "
            f"ORDER BY {_BM25} LIMIT %s",
            [expression, exclude, *params, limit],
        )
        return [int(pk) for (pk,) in cursor.fetchall()]


_NEEDS_FOLD = re.compile("[" + "".join(EXTRA_FOLDS) + "]")
COLUMNS = tuple(WEIGHTS)


def _folded(text: str) -> str:
    return text.translate(_FOLDS) if _NEEDS_FOLD.search(text) else text


def documents_written(
    old: list[tuple[int, tuple[str, ...]]], new: list[tuple[int, tuple[str, ...]]]
) -> None:
    """Bring ``search_fts`` in step with documents just written (their columns in the order
    of ``COLUMNS``): ``old`` are the values replaced, ``new`` the values now. Done here
    rather than by triggers so the folding (EXTRA_FOLDS) costs a ``str.translate`` of the
    few texts that need it; a document deleted is taken out by its trigger, which folds in
    SQL with the same table (migrations 0001 and 0002)."""
    names = ", ".join(COLUMNS)
    marks = ", ".join(["%s"] * (len(COLUMNS) + 1))
    with connection.cursor() as cursor:
        if old:
            cursor.executemany(
                f"INSERT INTO search_fts (search_fts, rowid, {names}) VALUES ('delete', {marks})",  # noqa: S608 - constants and placeholders only
                [(pk, *map(_folded, texts)) for pk, texts in old],
            )
        if new:
            cursor.executemany(
                f"INSERT INTO search_fts (rowid, {names}) VALUES ({marks})",  # noqa: S608 - constants and placeholders only
                [(pk, *map(_folded, texts)) for pk, texts in new],
            )
