"""PostgreSQL's engine: a ``tsvector`` per story (weights A to D: headline, excerpt, names,
body; unaccented; English stemming) with a GIN index, and ``ts_rank``.

The vectors sit in ``search_story`` (migrations/0004), beside the facts the filters read, so
a query is one small table. They are computed by SQL functions over the document's text
(``masthead_search_vector``, ``masthead_search_head``) as the index writes the document.
The query is built from the parsed query with each phrase bound as a parameter of
``phraseto_tsquery`` (so no reader's text is ever tsquery syntax) and combined with the
tsquery operators: ``(p1 || p2) && p3 && !!(p4)``.

What costs: ``ts_rank`` reads a story's whole vector (compressed, stored apart, a few
kilobytes), so ranking every match of a common word is what must not happen (the issue
measured 66 ms). Every match is ranked only when there are few (``affordable``); past that,
the newest matches are ranked as SQLite ranks them, by where each clause is, from ``head``.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.db import connection, transaction

from ..query import Phrase, Query
from .filters import COUNTED, PLACE_WEIGHTS, Filters, stories_indexed

CONFIG = "pg_catalog.english"
# ts_rank's weights for D, C, B, A: body, names (byline, publisher, section, channel), excerpt,
# headline.
WEIGHTS = "{0.1, 0.2, 0.4, 1.0}"
NORMALIZATION = 1  # rank / (1 + log(length)): a long story does not win by its length
# ts_rank over every match when there are at most this many: each reads the story's whole
# vector (compressed, stored apart), 20 to 50 microseconds when it is not in memory.
EXACT_MATCHES = 20
IDF_COUNTED = 100  # a clause held by more stories is common (SQLite counts further: cheaper)


def _phrase(phrase: Phrase, params: list[Any]) -> str:
    params.append(" ".join(phrase))
    return f"phraseto_tsquery('{CONFIG}', masthead_search_text(%s))"


def _clause(clause: tuple[Phrase, ...], params: list[Any]) -> str:
    return "(" + " || ".join(_phrase(p, params) for p in clause) + ")"


def tsquery(query: Query) -> tuple[str, list[Any]]:
    params: list[Any] = []
    expression = " && ".join(_clause(clause, params) for clause in query.clauses)
    if query.excluded:
        expression += " && !!(" + " || ".join(_phrase(p, params) for p in query.excluded) + ")"
    return expression, params


def _idf(query: Query) -> list[float]:
    """Each clause's rarity, ln(1 + N / (1 + n)), n the stories holding it counted up to
    ``IDF_COUNTED`` (one query; a common clause stops early: counting reads each story's
    vector)."""
    params: list[Any] = []
    if len(query.clauses) == 1:
        return [1.0]  # one clause: its rarity orders nothing
    # Through the GIN index's bitmap, stopping at the cap: a rare clause costs its few
    # postings (1-2 ms), a word in every story about 10 ms (its bitmap is whole before the
    # first row). Not in story order: walking the newest stories stops early for a common
    # clause, but tests every story's vector for one held by fewer than the cap (0.6 s).
    held = "(SELECT count(*) FROM (SELECT 1 FROM search_story WHERE vector @@ {} LIMIT {}) n)"
    counts = ", ".join(held.format(_clause(c, params), IDF_COUNTED) for c in query.clauses)
    row = _fetch(f"SELECT {counts}", params)[0]
    stories = stories_indexed()
    return [math.log(1 + stories / (1 + int(n))) for n in row]


def _matches(query: Query, filters: Filters) -> tuple[str, list[Any]]:
    expression, params = tsquery(query)
    condition, filter_params = filters.sql()
    return (
        f"FROM (SELECT {expression} AS q) query, search_story f "
        f"WHERE f.vector @@ query.q AND {condition}",
        [*params, *filter_params],
    )


# The planner prices testing a vector against a query as cheap, and for a common word chooses
# to read the table, every story's vector with it (0.8 s for a word in every story). The GIN
# index's matches are always the cheaper way: a search plans with nothing else.
_GIN_ONLY = ("enable_seqscan",)


@contextmanager
def session() -> Iterator[None]:
    """The queries of one search: one transaction, planned through the indexes' bitmaps."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("; ".join(f"SET LOCAL {name} = off" for name in _GIN_ONLY))
        yield  # SET LOCAL ends with the transaction


def _fetch(sql: str, params: list[Any]) -> list[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


# Newest first, "ORDER BY story_id + 0 DESC": the GIN index's matches, sorted. Ordered by
# the bare column, the planner may walk the primary key backwards testing each story's vector
# until it has the limit: cheap for a word in most stories, ruinous for words few stories
# hold together (a phrase in 2 of 100,000 stories, tried by hand). The benchmark's query
# classes cost the same either way (docs/performance.md).
_NEWEST_OF_MATCHES = "ORDER BY f.story_id + 0 DESC"


def newest(query: Query, filters: Filters, *, limit: int) -> list[tuple[int, Any]]:
    """(story id, published at) of the ``limit`` matches of highest id, highest first."""
    where, params = _matches(query, filters)
    sql = f"SELECT f.story_id, f.published_at {where} {_NEWEST_OF_MATCHES} LIMIT %s"
    return [(int(pk), published) for pk, published in _fetch(sql, [*params, limit])]


def affordable(query: Query, total: int) -> bool:
    return total <= EXACT_MATCHES


def rank_all(query: Query, filters: Filters, *, offset: int, limit: int) -> list[tuple[int, float]]:
    """ts_rank over every match: the sum of its clauses' ts_rank, each times its rarity, as
    bm25 adds its terms up (ts_rank alone, for a query of several words, ranks by how near
    they are to each other); the exclusions are no part of it."""
    rank_params: list[Any] = []
    parts = [
        f"{idf:.6f} * ts_rank('{WEIGHTS}', f.vector, {_clause(c, rank_params)}, {NORMALIZATION})"
        for c, idf in zip(query.clauses, _idf(query), strict=True)
    ]
    where, params = _matches(query, filters)
    sql = (
        f"SELECT f.story_id, {' + '.join(parts)} AS score {where} "
        "ORDER BY score DESC, f.published_at DESC LIMIT %s OFFSET %s"
    )
    return [
        (int(pk), float(score)) for pk, score in _fetch(sql, [*rank_params, *params, limit, offset])
    ]


def rank_some(query: Query, ids: list[int]) -> dict[int, float]:
    """The rank SQLite's engine gives the newest of many matches (``PLACE_WEIGHTS``), from
    ``head``, which sits in the row: no story's whole vector is read."""
    if not ids:
        return {}
    params: list[Any] = []
    parts = []
    for clause, idf in zip(query.clauses, _idf(query), strict=True):
        places = " + ".join(
            f"{weight} * (ts_filter(f.head, '{{{label}}}') @@ {_clause(clause, params)})::int"
            for label, weight in zip("abc", PLACE_WEIGHTS, strict=True)
        )
        parts.append(f"{idf:.6f} * (1 + {places})")
    sql = f"SELECT f.story_id, {' + '.join(parts)} FROM search_story f WHERE f.story_id = ANY(%s)"  # noqa: S608 - constants and placeholders only
    return {int(pk): float(score) for pk, score in _fetch(sql, [*params, ids])}


def matching(phrase: Phrase, *, limit: int) -> list[int]:
    holds = f"vector @@ phraseto_tsquery('{CONFIG}', masthead_search_text(%s))"
    # "+ 0": sorted from the GIN index's matches (_NEWEST_OF_MATCHES)
    sql = f"SELECT story_id FROM search_story WHERE {holds} ORDER BY story_id + 0 DESC LIMIT %s"  # noqa: S608 - constants and placeholders only
    return [int(pk) for (pk,) in _fetch(sql, [" ".join(phrase), limit])]


def document_frequencies(words: list[str]) -> dict[str, int]:
    """How many stories hold each word, counted up to ``COUNTED``."""
    found: dict[str, int] = {}
    for word in words:
        holds = f"vector @@ plainto_tsquery('{CONFIG}', masthead_search_text(%s))"
        # Through the GIN index's bitmap, stopping at the cap (as _idf counts)
        sql = f"SELECT count(*) FROM (SELECT 1 FROM search_story WHERE {holds} LIMIT {COUNTED}) n"  # noqa: S608 - constants and placeholders only
        found[word] = int(_fetch(sql, [word])[0][0])
    return found


def document_count() -> int:
    return stories_indexed()


_WRITE = (
    "UPDATE search_story SET vector = masthead_search_vector(%s, %s, %s, %s, %s, %s), "
    "head = masthead_search_head(%s, %s, %s, %s, %s) WHERE story_id = %s"
)


def documents_written(
    old: list[tuple[int, tuple[str, ...]]], new: list[tuple[int, tuple[str, ...]]]
) -> None:
    """Compute the vectors of documents just written (their columns: headline, excerpt,
    byline, source, place, body), into the stories' facts rows."""
    if new:
        with connection.cursor() as cursor:
            cursor.executemany(_WRITE, [(*texts, *texts[:5], pk) for pk, texts in new])
