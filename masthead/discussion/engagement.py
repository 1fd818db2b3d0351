"""How the discussion counts toward a story's rank (stories/ranking.py, below this app, asks).

Only what readers see counts: visible comments that are not deleted, the members who wrote
them, and the reactions to them. A hidden, removed or deleted comment takes its reactions out
of the count with it.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Count, IntegerField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce

from .models import Comment, Reaction


def _count_of(rows: Any, field: str, *, distinct: bool = False) -> Coalesce:
    per_story = rows.order_by().values("story_id").annotate(n=Count(field, distinct=distinct))
    return Coalesce(Subquery(per_story.values("n"), output_field=IntegerField()), Value(0))


def engagement_expressions() -> dict[str, Any]:
    """The counts stories.ranking.ENGAGEMENT_NAMES names, for each story of a queryset."""
    visible = Comment.objects.filter(
        story_id=OuterRef("pk"), status=Comment.Status.VISIBLE, deleted_at__isnull=True
    )
    reactions = Reaction.objects.filter(
        story_id=OuterRef("pk"),
        comment__status=Comment.Status.VISIBLE,
        comment__deleted_at__isnull=True,
    )
    return {
        "n_comments": _count_of(visible, "pk"),
        "n_commenters": _count_of(visible, "author", distinct=True),
        "n_reactions": _count_of(reactions, "pk"),
    }
