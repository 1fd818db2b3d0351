"""What search keeps in the database: each story's related stories.

A story's list is written whole by ``related.related_update`` (the story's own computation,
in the background after a publication or an edit) and changed one entry at a time when a
newer story joins it (``related.related_offer``). Whether a related story may be shown is
never copied here: the page's query joins its row for its status and time, so a withdrawn or
unpublished story drops out of every list the moment it stops being public.
"""

from __future__ import annotations

from typing import ClassVar

from django.db import models

from masthead.stories.models import Story


class RelatedStory(models.Model):
    """``related`` is about the same subject as ``story``: ``score`` is their similarity
    (masthead.search.similarity, in the batch of ``story``'s computation or of the newer
    story's), ``rank`` its place in ``story``'s list by score, 1 the closest."""

    story = models.ForeignKey(Story, on_delete=models.CASCADE, related_name="+")
    related = models.ForeignKey(Story, on_delete=models.CASCADE, related_name="+")
    score = models.FloatField()
    rank = models.PositiveSmallIntegerField()
    # When the score was written: a list recomputed keeps what was offered to it while
    # its computation ran (services._replace).
    scored_at = models.DateTimeField()

    class Meta:
        db_table = "search_related_story"
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["story", "related"], name="related_story_once"),
            models.UniqueConstraint(fields=["story", "rank"], name="related_story_rank_once"),
            models.CheckConstraint(
                condition=~models.Q(story=models.F("related")), name="related_story_not_itself"
            ),
        ]
        # (story, rank) is the page's read; the lists a story appears in are found by this.
        indexes: ClassVar = [models.Index(fields=["related"], name="related_story_related_idx")]

    def __str__(self) -> str:
        return f"{self.story_id} -> {self.related_id} ({self.score:.3f})"
