"""The search index's tables: one document per story, the stories whose document may be out of
date, the checkpoints of ``masthead reindex``; and each story's related stories.

A document holds the text a story is found by, as plain text (the body without its markup),
so that both engines index the same words and snippets are cut from it. The engines' own
structures hang off ``search_document`` and are created by the migration, not by these models:
on SQLite a contentless FTS5 table ``search_fts`` kept by triggers on ``search_document``; on
PostgreSQL a generated ``tsvector`` column ``vector`` with a GIN index. Whether a story may be
shown is never copied here: queries join the story's row for its status and time, so a story
is found from the moment its page is public and not a moment after it stops being.
"""

from __future__ import annotations

from typing import ClassVar

from django.db import models

from masthead.stories.models import Story


class Document(models.Model):
    """A story as the index sees it. Every story has one, drafts and withdrawn stories too
    (the query decides what readers see): a story is searchable the instant it is published,
    before any index work has run."""

    story = models.OneToOneField(
        Story, on_delete=models.CASCADE, primary_key=True, related_name="search_document"
    )
    headline = models.TextField()
    excerpt = models.TextField(blank=True)
    byline = models.TextField(blank=True)
    source = models.TextField(blank=True, help_text="The publisher's name and domain.")
    place = models.TextField(blank=True, help_text="The section's and the channel's names.")
    body = models.TextField(blank=True, help_text="The body's text, without markup.")
    indexed_at = models.DateTimeField()

    class Meta:
        db_table = "search_document"

    def __str__(self) -> str:
        return self.headline


class Pending(models.Model):
    """A story whose document may be out of date. Rows are written by database triggers
    (on the story's text and on the names of its channel, section and source), so every way
    a row changes is seen, ``QuerySet.update`` and the admin included; ``index.index_pending``
    rebuilds the documents and removes the rows it has seen. ``marks`` counts the changes:
    a row marked again while it was being indexed stays for the next round."""

    story_id = models.BigIntegerField(primary_key=True)
    marks = models.PositiveIntegerField(default=1)

    class Meta:
        db_table = "search_pending"

    def __str__(self) -> str:
        return f"story {self.story_id} ({self.marks})"


class ReindexRun(models.Model):
    """Where a ``masthead reindex`` got to: a killed run goes on from ``last_id``."""

    scope = models.CharField(max_length=80, primary_key=True)  # "all" or "channel:<slug>"
    last_id = models.BigIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    started_at = models.DateTimeField()
    updated_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "search_reindex_run"

    def __str__(self) -> str:
        return f"{self.scope} at {self.last_id}"


class StoryFacts(models.Model):
    """What the filters need of a story (who may see it, where it is, what kind), kept by
    triggers on ``stories_story`` in the same statement that changes the story: as exact as
    the story's row, and a narrow table that stays in memory, where looking up each match in
    the wide stories table (bodies and all) cost more than finding it. Written only by the
    triggers (migrations/0003)."""

    story_id = models.BigIntegerField(primary_key=True)
    status = models.CharField(max_length=16)
    published_at = models.DateTimeField(null=True)
    channel_id = models.BigIntegerField()
    section_id = models.BigIntegerField()
    source_id = models.BigIntegerField(null=True)
    kind = models.CharField(max_length=16)

    class Meta:
        db_table = "search_story"

    def __str__(self) -> str:
        return f"story {self.story_id}: {self.status}"


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
