"""The index follows every change to a story, after commit, whichever way it is made."""

from __future__ import annotations

import datetime as dt
import threading
from typing import Any

import pytest
from django.db import connection, transaction
from django.utils import timezone

from masthead.channels.models import Channel, Section
from masthead.search import index
from masthead.search.index import PendingLoop, html_text, index_pending, index_story
from masthead.search.models import Document, Pending
from masthead.search.selectors import search
from masthead.stories.models import Source, Story
from masthead.stories.services import (
    story_create,
    story_publish,
    story_save,
    story_unpublish,
    story_update,
    story_withdraw,
)
from masthead.stories.tests.factories import StoryFactory

pytestmark = pytest.mark.django_db


def found(q: str, **filters: Any) -> list[int]:
    results = search(q=q, **filters)
    assert results.error is None, results.error
    return [hit.story.pk for hit in results.hits]


def fts_rows(term: str) -> int:
    """How many index entries hold ``term`` (SQLite: FTS5's own count; PostgreSQL: vectors)."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                "SELECT count(*) FROM search_fts WHERE search_fts MATCH %s", [f'"{term}"']
            )
        else:
            cursor.execute(
                "SELECT count(*) FROM search_story WHERE vector @@ plainto_tsquery('english', %s)",
                [term],
            )
        return int(cursor.fetchone()[0])


@pytest.fixture
def after_commit(django_capture_on_commit_callbacks: Any) -> Any:
    """Run what the block queued for after its commit, as a real commit would."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def test_a_story_is_found_once_published_and_edits_follow(
    channel: Any, section: Any, curator: Any, after_commit: Any
) -> None:
    with after_commit():
        story = story_create(
            actor=curator, channel=channel, section=section, headline="Lighthouse keepers strike"
        )
    assert Document.objects.filter(story=story).exists()  # a draft is indexed, not shown
    assert found("lighthouse") == []
    with after_commit():
        story_publish(actor=curator, story=story)
    assert found("lighthouse") == [story.pk]
    with after_commit():
        story_update(
            actor=curator, story=story, headline="Harbour pilots strike", body="<p>Tug</p>"
        )
    assert found("lighthouse") == []
    assert found("harbour pilots tug") == [story.pk]
    assert not Pending.objects.exists()


def test_unpublished_and_withdrawn_stories_are_gone_at_once(
    channel: Any, section: Any, curator: Any, after_commit: Any
) -> None:
    with after_commit():
        story = story_save(
            actor=curator,
            channel=channel,
            section=section,
            action="publish",
            headline="Lighthouse keepers strike",
        )
    assert found("lighthouse") == [story.pk]
    with after_commit():
        story_unpublish(actor=curator, story=story)
    assert found("lighthouse") == []
    with after_commit():
        story_publish(actor=curator, story=story)
    assert found("lighthouse") == [story.pk]
    with after_commit():
        story_withdraw(actor=curator, story=story, reason="Not verified")
    assert found("lighthouse") == []


def test_a_scheduled_story_is_found_when_it_falls_due_without_any_write(
    channel: Any, section: Any, curator: Any, after_commit: Any, monkeypatch: Any
) -> None:
    due = timezone.now() + dt.timedelta(hours=2)
    with after_commit():
        story = story_save(
            actor=curator,
            channel=channel,
            section=section,
            action="schedule",
            publish_at=due,
            headline="Lighthouse reopens",
        )
    assert story.status == Story.Status.SCHEDULED
    assert found("lighthouse") == []
    later = due + dt.timedelta(seconds=1)
    monkeypatch.setattr("masthead.search.selectors.timezone.now", lambda: later)
    assert found("lighthouse") == [story.pk]


def test_a_deleted_story_leaves_the_index(section: Any, after_commit: Any) -> None:
    with after_commit():
        story = StoryFactory(section=section, headline="Lighthouse Straße Łódź")
    assert found("lighthouse") == [story.pk]
    assert fts_rows("lighthouse") == 1
    with after_commit():
        story.delete()
    assert found("lighthouse") == []
    assert not Document.objects.exists()
    # Its index entries went with it: the delete trigger folds as the index did.
    assert fts_rows("lighthouse") == fts_rows("strasse") == fts_rows("lodz") == 0


def test_stories_deleted_in_bulk_leave_the_index(section: Any, after_commit: Any) -> None:
    with after_commit():
        StoryFactory.create_batch(3, section=section, headline="Lighthouse news")
    assert len(found("lighthouse")) == 3
    Story.objects.filter(section=section).delete()  # the admin's "delete selected"
    assert found("lighthouse") == [] and fts_rows("lighthouse") == 0


@pytest.mark.parametrize("how", ["save", "update"])
def test_a_renamed_channel_section_or_source_is_found_by_its_new_name(
    section: Any, after_commit: Any, how: str
) -> None:
    source = Source.objects.create(name="The Harbour Gazette", domain="gazette.example")
    with after_commit():
        story = StoryFactory(
            section=section,
            kind=Story.Kind.CURATED,
            source=source,
            original_url="https://gazette.example/a",
        )
    assert found("gazette") == [story.pk]
    renames = [
        (Channel, section.channel_id, "name", "Tidewater Weekly"),
        (Section, section.pk, "name", "Maritime Affairs"),
        (Source, source.pk, "name", "The Quayside Bugle"),
    ]
    for model, pk, field, value in renames:
        with after_commit():
            if how == "save":  # the admin, or a service: signals are sent
                row = model.objects.get(pk=pk)
                setattr(row, field, value)
                row.save()
            else:  # a bulk write: no signal, the triggers still mark the stories
                model.objects.filter(pk=pk).update(**{field: value})
    if how == "update":
        assert Pending.objects.filter(story_id=story.pk).exists()
        assert found("tidewater") == []  # not yet: the worker's loop has not run
        assert PendingLoop.once() == 1
    assert found("tidewater") == found("maritime") == found("quayside bugle") == [story.pk]
    assert found('"harbour gazette"') == []  # its domain is still gazette.example


def test_a_story_changed_without_a_signal_is_marked_and_the_loop_catches_up(
    section: Any, after_commit: Any
) -> None:
    with after_commit():
        story = StoryFactory(section=section, headline="Lighthouse")
    Story.objects.filter(pk=story.pk).update(headline="Foghorn")  # no post_save
    assert Pending.objects.get(story_id=story.pk).marks == 1
    assert found("foghorn") == []
    PendingLoop.once()
    assert found("foghorn") == [story.pk] and not Pending.objects.exists()


def test_changes_that_do_not_touch_the_text_mark_nothing(section: Any, after_commit: Any) -> None:
    with after_commit():
        story = StoryFactory(section=section, headline="Lighthouse")
    Story.objects.filter(pk=story.pk).update(comment_count=5, revision=9, status="draft")
    assert not Pending.objects.exists()


def test_a_save_with_nothing_marked_costs_one_query_after_its_commit(
    section: Any, django_assert_num_queries: Any
) -> None:
    story = StoryFactory(section=section, headline="Lighthouse")
    index_pending()
    with django_assert_num_queries(1):
        assert index.index_marked([story.pk]) == 0


def test_after_a_commit_a_request_indexes_its_own_story_and_no_backlog(
    section: Any, after_commit: Any
) -> None:
    with after_commit():
        story = StoryFactory(section=section, headline="Lighthouse")
        other = StoryFactory(section=section, headline="Windmill")
    Story.objects.filter(pk=other.pk).update(headline="Watermill")  # no signal: a backlog
    with after_commit():
        story_update(actor=None, story=story, headline="Foghorn")
    assert found("foghorn") == [story.pk]
    assert list(Pending.objects.values_list("story_id", flat=True)) == [other.pk]


def test_a_renamed_channel_leaves_its_stories_to_the_worker(
    section: Any, after_commit: Any, django_capture_on_commit_callbacks: Any
) -> None:
    from masthead.search.tasks import index_pending_task

    with after_commit():
        story = StoryFactory(section=section, headline="Lighthouse")
    channel = section.channel
    channel.name = "Harbour Watch"
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        channel.save()
    assert index_pending_task.enqueue in callbacks  # nothing indexed in the request
    assert Pending.objects.filter(story_id=story.pk).exists()
    index.index_pending()
    assert found("harbour") == [story.pk]


def test_reindexing_reads_the_row_not_the_instance(section: Any) -> None:
    story = StoryFactory(section=section, headline="Lighthouse")
    first, second = Story.objects.get(pk=story.pk), Story.objects.get(pk=story.pk)
    story_update(actor=None, story=first, headline="Foghorn")
    index_story(second)  # stale: still says Lighthouse
    index_story(first)
    assert Document.objects.filter(story=story).count() == 1
    assert Document.objects.get(story=story).headline == "Foghorn"
    assert found("foghorn") == [story.pk] and found("lighthouse") == []
    assert fts_rows("lighthouse") == 0 and fts_rows("foghorn") == 1


@pytest.mark.django_db(transaction=True)
def test_two_reindexes_of_one_story_at_once_leave_one_right_document(section: Any) -> None:
    story = StoryFactory(section=section, headline="Lighthouse")
    Story.objects.filter(pk=story.pk).update(headline="Foghorn")
    start = threading.Barrier(2)
    errors: list[BaseException] = []

    def reindex() -> None:
        try:
            start.wait()
            index.index_stories([story.pk])
        except BaseException as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=reindex) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert Document.objects.filter(story=story).count() == 1
    assert Document.objects.get(story=story).headline == "Foghorn"
    assert fts_rows("foghorn") == 1 and fts_rows("lighthouse") == 0


def test_a_mark_made_while_its_story_was_indexed_stays(section: Any, monkeypatch: Any) -> None:
    story = StoryFactory(section=section, headline="Lighthouse")
    index_pending()
    Story.objects.filter(pk=story.pk).update(headline="Foghorn")
    real_write = index._write

    def write_then_changed(ids: list[int]) -> int:
        written = real_write(ids)
        Story.objects.filter(pk=story.pk).update(headline="Beacon")  # marks again
        return written

    monkeypatch.setattr(index, "_write", write_then_changed)
    index_pending(batches=1)
    assert Pending.objects.filter(story_id=story.pk).exists()  # the second mark survives
    monkeypatch.setattr(index, "_write", real_write)
    index_pending()
    assert found("beacon") == [story.pk] and not Pending.objects.exists()


def test_reindex_rewrites_only_what_changed(section: Any) -> None:
    stories = StoryFactory.create_batch(3, section=section)
    index_pending()
    assert index.index_stories([s.pk for s in stories]) == 0
    Document.objects.filter(story=stories[0]).update(headline="stale")
    assert index.index_stories([s.pk for s in stories]) == 1


def test_the_body_is_indexed_as_text() -> None:
    body = (
        '<p>One &amp; two</p><ul><li>three</li><li>four</li></ul><a title="a>b" href="/">five</a>'
        "<script>hidden()</script><!-- note --><p>six&lt;b&gt;</p>"
    )
    assert html_text(body) == "One & two three four five six<b>"


def test_every_story_has_its_document_after_a_commit(section: Any) -> None:
    """Through a real commit, without capturing: the receivers and on_commit as in production."""
    with transaction.atomic():
        story = StoryFactory(section=section, headline="Lighthouse")
    # Inside the test's own transaction on_commit never fires; the marks wait for the loop.
    assert Pending.objects.filter(story_id=story.pk).exists()
    PendingLoop.once()
    assert found("lighthouse") == [story.pk]
