"""SQLite's engine: the contentless FTS5 table ``search_fts`` (porter over unicode61,
diacritics removed) and bm25 with a weight per column.

The query goes to FTS5 in its own syntax, built from the parsed query with every word
double-quoted (a quoted string is only ever words to FTS5, never an operator or a column
name): ``("strike" OR "walkout") "pay" NOT ("tariffs")``.

What costs: FTS5 finds and counts matches fast, newest first for free (``ORDER BY rowid
DESC``), but its bm25 scores every match and counts, for each phrase, every story holding it
(about 4 microseconds a match; 300 ms for a word in a quarter of 100,000 stories). So bm25
ranks the matches only where that is cheap (``affordable``); past it, the newest
``CANDIDATES`` matches are ranked by where the words are (``rank_some``): the headline, the
excerpt, the names, each clause weighed by its rarity, the same weights as bm25's.
"""

from __future__ import annotations

import math
import re
from typing import Any

from django.db import connection

from ..query import EXTRA_FOLDS, Phrase, Query
from .filters import COUNTED, PLACE_WEIGHTS, Filters, stories_indexed

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
COLUMNS = tuple(WEIGHTS)
_BM25 = "bm25(search_fts, " + ", ".join(str(w) for w in WEIGHTS.values()) + ")"
# bm25 over every match when there are at most this many and no clause is held by COUNTED
# stories or more (bm25 counts each clause's postings one by one): a few milliseconds.
EXACT_MATCHES = 500
# Where the words are, for ranking candidates: the column groups and their weights.
PLACES = tuple(
    zip(("{headline}", "{excerpt}", "{byline source place}"), PLACE_WEIGHTS, strict=True)
)
PLACE_POSTINGS = 3000  # a clause's places are looked up when about this few postings are read
_FOLDS = str.maketrans(EXTRA_FOLDS)
_NEEDS_FOLD = re.compile("[" + "".join(EXTRA_FOLDS) + "]")


def _phrase(phrase: Phrase) -> str:
    text = " ".join(phrase).translate(_FOLDS).replace('"', '""')
    return f'"{text}"'


def _clause(clause: tuple[Phrase, ...]) -> str:
    return "(" + " OR ".join(_phrase(p) for p in clause) + ")"


def match_expression(query: Query) -> str:
    """The FTS5 MATCH string for a query that has clauses."""
    positive = " AND ".join(_clause(clause) for clause in query.clauses)
    if query.excluded:
        positive = f"({positive}) NOT (" + " OR ".join(_phrase(p) for p in query.excluded) + ")"
    return positive


def _matches(query: Query, filters: Filters) -> tuple[str, list[Any]]:
    """FROM and WHERE for the live matches; the FTS5 table drives the join (CROSS JOIN), or
    SQLite would visit every story and ask FTS5 about each."""
    condition, params = filters.sql()
    return (
        "FROM search_fts CROSS JOIN search_story f ON f.story_id = search_fts.rowid "
        f"WHERE search_fts MATCH %s AND {condition}",
        [match_expression(query), *params],
    )


def _fetch(sql: str, params: list[Any]) -> list[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def count(query: Query, filters: Filters, *, cap: int) -> int:
    where, params = _matches(query, filters)
    sql = f"SELECT count(*) FROM (SELECT 1 {where} ORDER BY search_fts.rowid DESC LIMIT %s)"  # noqa: S608 - constants and placeholders only
    return int(_fetch(sql, [*params, cap])[0][0])


def newest(query: Query, filters: Filters, *, limit: int) -> list[tuple[int, Any]]:
    """(story id, published at) of the ``limit`` matches of highest id, highest first."""
    where, params = _matches(query, filters)
    sql = f"SELECT f.story_id, f.published_at {where} ORDER BY search_fts.rowid DESC LIMIT %s"
    return [(int(pk), published) for pk, published in _fetch(sql, [*params, limit])]


def by_date(query: Query, filters: Filters, *, offset: int, limit: int) -> list[int]:
    where, params = _matches(query, filters)
    sql = (
        f"SELECT f.story_id {where} ORDER BY f.published_at DESC, f.story_id DESC "
        "LIMIT %s OFFSET %s"
    )
    return [int(pk) for (pk,) in _fetch(sql, [*params, limit, offset])]


def _held(expressions: list[str]) -> list[int]:
    """For each MATCH expression, how many stories hold it, counted up to ``COUNTED``.
    (FTS5's vocabulary table would count a word's postings one by one as well.)"""
    if not expressions:
        return []
    held = "(SELECT count(*) FROM (SELECT 1 FROM search_fts WHERE search_fts MATCH %s LIMIT {}))"
    sql = "SELECT " + ", ".join(held.format(COUNTED) for _e in expressions)
    return [int(n) for n in _fetch(sql, expressions)[0]]


def _clause_postings(query: Query) -> list[int]:
    return _held([_clause(clause) for clause in query.clauses])


def affordable(query: Query, total: int) -> bool:
    """Whether bm25 may rank every match: few matches, and no clause so common that bm25's
    counting of its postings would cost more than the ranking."""
    return total <= EXACT_MATCHES and all(n < COUNTED for n in _clause_postings(query))


def rank_all(query: Query, filters: Filters, *, offset: int, limit: int) -> list[tuple[int, float]]:
    """(story id, rank) by bm25 over every match, best first, higher rank better."""
    where, params = _matches(query, filters)
    sql = (
        f"SELECT f.story_id, {_BM25} AS score {where} "
        "ORDER BY score, f.published_at DESC LIMIT %s OFFSET %s"
    )
    return [(int(pk), -float(score)) for pk, score in _fetch(sql, [*params, limit, offset])]


def rank_some(query: Query, ids: list[int]) -> dict[int, float]:
    """A rank for each of ``ids`` (matches of ``query``): for each clause, its rarity (idf)
    times the weights of the places it is in, the body counting 1. Each place is one FTS5
    query over the ids' range of rowids, which FTS5 reads alone: a few hundred postings."""
    if not ids:
        return {}
    low, high = min(ids), max(ids)
    wanted = set(ids)
    stories = max(document_count(), 1)
    rank = dict.fromkeys(ids, 0.0)
    window = (high - low + 1) / stories  # the share of the stories the ids span
    for clause, postings in zip(query.clauses, _clause_postings(query), strict=True):
        idf = math.log(1 + stories / (1 + postings))
        for pk in ids:
            rank[pk] += idf
        reach = stories if postings >= COUNTED else postings  # a count that stopped: common
        if reach * window > PLACE_POSTINGS:
            continue  # a common word over a wide range: little weight, much to read
        for columns, weight in PLACES:
            sql = (
                "SELECT rowid FROM search_fts WHERE search_fts MATCH %s "
                "AND rowid >= %s AND rowid <= %s"
            )
            for (pk,) in _fetch(sql, [f"{columns} : {_clause(clause)}", low, high]):
                if pk in wanted:
                    rank[pk] += idf * weight
    return rank


def matching(phrase: Phrase, *, limit: int) -> list[int]:
    """Ids of the stories holding ``phrase`` (any, live or not), highest first."""
    sql = "SELECT rowid FROM search_fts WHERE search_fts MATCH %s ORDER BY rowid DESC LIMIT %s"
    return [int(pk) for (pk,) in _fetch(sql, [_phrase(phrase), limit])]


def document_frequencies(words: list[str]) -> dict[str, int]:
    """How many stories hold each word, counted up to ``COUNTED``."""
    return dict(zip(words, _held([_phrase((w,)) for w in words]), strict=True))


def document_count() -> int:
    return stories_indexed()


def _folded(text: str) -> str:
    if text.isascii() or not _NEEDS_FOLD.search(text):
        return text
    return text.translate(_FOLDS)


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
