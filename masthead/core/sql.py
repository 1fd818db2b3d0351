"""Quoted table and column names of models, for the few hot statements written as SQL.

Some writes run on every comment (stories/ranking.py, discussion/engagement.py): there the
ORM's compiling of a query costs more than the database's answering it, so they are written
as SQL once, with the names taken from the models (never from input).
"""

from __future__ import annotations

from functools import cache

from django.db import connection
from django.db.models import Field, Model


@cache
def table(model: type[Model]) -> str:
    return connection.ops.quote_name(model._meta.db_table)


@cache
def column(model: type[Model], name: str) -> str:
    field = model._meta.get_field(name)
    if not isinstance(field, Field) or not field.column:
        raise TypeError(f"{model.__name__}.{name} has no column")
    return connection.ops.quote_name(field.column)


def placeholders(count: int) -> str:
    return ", ".join(["%s"] * count)
