"""PostgreSQL's engine: the generated ``vector`` column of ``search_document`` (weights A to D,
unaccented, English stemming), its GIN index, and ``ts_rank``.

The query is built from the parsed query with each phrase bound as a parameter of
``phraseto_tsquery`` (so no reader's text is ever tsquery syntax) and combined with the
tsquery operators: ``(p1 || p2) && p3 && !!(p4)``.
"""

from __future__ import annotations

from typing import Any

from django.db import connection

from ..query import Phrase, Query
from .filters import Filters

CONFIG = "pg_catalog.english"
# ts_rank's weights for D, C, B, A: body, names (byline, publisher, section, channel), excerpt,
# headline; in the proportions of the SQLite engine's bm25 weights.
WEIGHTS = "{0.1, 0.2, 0.4, 1.0}"
NORMALIZATION = 1  # rank / (1 + log(length)): a long story does not win by its length


def _phrase(phrase: Phrase, params: list[Any]) -> str:
    params.append(" ".join(phrase))
    return f"phraseto_tsquery('{CONFIG}', masthead_search_text(%s))"


def tsquery(query: Query) -> tuple[str, list[Any]]:
    params: list[Any] = []
    clauses = [
        "(" + " || ".join(_phrase(p, params) for p in clause) + ")" for clause in query.clauses
    ]
    expression = " && ".join(clauses)
    if query.excluded:
        expression += " && !!(" + " || ".join(_phrase(p, params) for p in query.excluded) + ")"
    return expression, params


def _from(query: Query, filters: Filters) -> tuple[str, list[Any]]:
    expression, params = tsquery(query)
    condition, filter_params = filters.sql()
    return (
        f"FROM (SELECT {expression} AS q) query, search_document d "
        "JOIN stories_story s ON s.id = d.story_id "
        f"WHERE d.vector @@ query.q AND {condition}",
        [*params, *filter_params],
    )


def count(query: Query, filters: Filters, *, cap: int) -> int:
    where, params = _from(query, filters)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM (SELECT 1 {where} LIMIT %s) found", [*params, cap])  # noqa: S608 - constants and placeholders only
        return int(cursor.fetchone()[0])


def page(
    query: Query, filters: Filters, *, sort: str, offset: int, limit: int
) -> list[tuple[int, float]]:
    where, params = _from(query, filters)
    order = (
        "s.published_at DESC, s.id DESC" if sort == "newest" else "score DESC, s.published_at DESC"
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT s.id, ts_rank('{WEIGHTS}', d.vector, query.q, {NORMALIZATION}) AS score "
            f"{where} ORDER BY {order} LIMIT %s OFFSET %s",
            [*params, limit, offset],
        )
        return [(int(pk), float(score)) for pk, score in cursor.fetchall()]


def document_frequencies(words: list[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    with connection.cursor() as cursor:
        for word in words:
            cursor.execute(
                "SELECT count(*) FROM (SELECT 1 FROM search_document WHERE vector @@ "  # noqa: S608 - constants and placeholders only
                f"plainto_tsquery('{CONFIG}', masthead_search_text(%s)) LIMIT 1000) found",
                [word],
            )
            found[word] = int(cursor.fetchone()[0])
    return found


def document_count() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples::bigint FROM pg_class WHERE relname = 'search_document'")
        row = cursor.fetchone()
        estimate = int(row[0]) if row else -1
        if estimate < 1000:
            cursor.execute("SELECT count(*) FROM search_document")
            return int(cursor.fetchone()[0])
        return estimate


def related(words: list[str], *, exclude: int, filters: Filters, limit: int) -> list[int]:
    condition, params = filters.sql()
    expression = " || ".join(
        f"plainto_tsquery('{CONFIG}', masthead_search_text(%s))" for _word in words
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT s.id FROM (SELECT {expression} AS q) query, search_document d "  # noqa: S608 - constants and placeholders only
            "JOIN stories_story s ON s.id = d.story_id "
            f"WHERE d.vector @@ query.q AND s.id <> %s AND {condition} "
            f"ORDER BY ts_rank('{WEIGHTS}', d.vector, query.q, {NORMALIZATION}) DESC LIMIT %s",
            [*words, exclude, *params, limit],
        )
        return [int(pk) for (pk,) in cursor.fetchall()]


def documents_written(
    old: list[tuple[int, tuple[str, ...]]], new: list[tuple[int, tuple[str, ...]]]
) -> None:
    """Nothing to do: ``vector`` is a generated column, computed as a document is written."""
