"""``masthead reindex``: every story's document rebuilt, with a progress line, for one channel
or all, resumable after a kill, and safe to run again."""

from __future__ import annotations

import io
import os
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from conftest import database_url, kill_midway
from masthead.channels.tests.factories import SectionFactory
from masthead.search.index import index_pending
from masthead.search.models import Document, Pending, ReindexRun
from masthead.search.selectors import search
from masthead.stories.models import Story
from masthead.stories.tests.factories import StoryFactory

pytestmark = pytest.mark.django_db


def reindex(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("reindex", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def many_stories(section: Any, count: int, *, headline: str = "Harbour report") -> list[int]:
    """Stories written in bulk (no signal, as an import might): marked, not yet indexed."""
    now = timezone.now()
    made = Story.objects.bulk_create(
        [
            Story(
                channel=section.channel,
                section=section,
                headline=f"{headline} {n}",
                slug=f"story-{n}",
                body=f"<p>Pilots and tugs, number {n}.</p>",
                status=Story.Status.PUBLISHED,
                published_at=now,
            )
            for n in range(count)
        ]
    )
    return [story.pk for story in made]


def test_reindex_builds_every_document_with_a_progress_line(section: Any) -> None:
    many_stories(section, 30)
    assert Pending.objects.count() == 30 and not Document.objects.exists()
    out, err = reindex("--batch", "7")
    assert Document.objects.count() == 30
    assert not Pending.objects.exists()  # what the run indexed is no longer marked
    assert "Re-indexed 30 stories" in out
    assert "30/30 stories" in err and "/s" in err and "left" in err
    assert len(search(q="harbour").hits) == 20


def test_reindex_of_one_channel(section: Any) -> None:
    other = SectionFactory()
    many_stories(section, 4)
    many_stories(other, 3, headline="Ferry notice")
    out, _err = reindex("--channel", other.channel.slug)
    assert Document.objects.count() == 3
    assert {d.story.channel_id for d in Document.objects.select_related("story")} == {
        other.channel_id
    }
    with pytest.raises(CommandError):
        reindex("--channel", "nosuchchannel")


def test_reindex_again_rewrites_nothing_and_repairs_what_drifted(section: Any) -> None:
    many_stories(section, 5)
    reindex()
    Document.objects.filter(story_id=Story.objects.first().pk).update(headline="stale")
    out, _err = reindex()
    assert "Re-indexed 5 stories" in out  # read and compared; one rewritten
    assert not Document.objects.filter(headline="stale").exists()


def test_pending_only(section: Any) -> None:
    many_stories(section, 3)
    out, _err = reindex("--pending")
    assert "3 marked stories" in out and Document.objects.count() == 3


@pytest.mark.django_db(transaction=True)
def test_a_reindex_killed_half_way_goes_on_where_it_stopped(section: Any) -> None:
    total = 1200
    many_stories(section, total)
    index_pending()
    Document.objects.all().delete()  # an empty index to rebuild, as after a restore
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "DJANGO_SETTINGS_MODULE": "masthead.settings.test",
    }

    def half_way() -> bool:
        run = ReindexRun.objects.filter(scope="all").first()
        return run is not None and run.done >= total // 2

    kill_midway(
        ["reindex", "--batch", "20"],
        env,
        half_way,
        frozen_table=Document._meta.db_table,
    )
    run = ReindexRun.objects.get(scope="all")
    assert run.finished_at is None and total // 2 <= run.done < total
    # The checkpoint commits with its batch: exactly the stories up to it have documents.
    assert Document.objects.count() == run.done
    assert not Document.objects.filter(story_id__gt=run.last_id).exists()
    out, err = reindex("--batch", "20")
    assert f"Resuming after story {run.last_id}" in err
    assert f"Re-indexed {total - run.done} stories (resumed after story {run.last_id})" in out
    assert Document.objects.count() == total
    assert ReindexRun.objects.get(scope="all").finished_at is not None
    out, _err = reindex("--batch", "500")  # a finished run starts again from the beginning
    assert f"Re-indexed {total} stories" in out and "resumed" not in out
