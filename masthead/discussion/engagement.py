"""How the discussion counts toward a story's rank (stories/ranking.py, below this app, asks).

Only what readers see counts: visible comments that are not deleted, the members who wrote
them, and the reactions to them (each comment's ``reaction_count``, kept by the reaction
services under the comment's lock). A hidden, removed or deleted comment takes its reactions
out of the count with it. Counted on every comment posted: one statement, written as SQL
(core/sql.py says why).
"""

from __future__ import annotations

from django.db import connection

from masthead.core.sql import column, placeholders, table
from masthead.stories.ranking import Engagement

from .models import Comment


def engagement_counts(story_ids: list[int]) -> dict[int, Engagement]:
    """The stories' engagement, counted by the database (a story without a visible comment
    is left out: it has none)."""
    if not story_ids:
        return {}
    c = {name: column(Comment, name) for name in ("story", "author", "status", "deleted_at")}
    reactions = column(Comment, "reaction_count")
    sql = (
        f"SELECT {c['story']}, COUNT(*), COUNT(DISTINCT {c['author']}), SUM({reactions}) "  # noqa: S608 - names from the model
        f"FROM {table(Comment)} WHERE {c['story']} IN ({placeholders(len(story_ids))}) "
        f"AND {c['status']} = %s AND {c['deleted_at']} IS NULL GROUP BY {c['story']}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*story_ids, Comment.Status.VISIBLE.value])
        rows = cursor.fetchall()
    return {int(story): Engagement(int(n), int(u), int(r or 0)) for story, n, u, r in rows}
