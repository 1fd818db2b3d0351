"""Related stories: computed through the real task when a story is published or edited, kept
in the database, shown on the story page from any channel, newest first, never the story
itself or a copy of it, and gone at once when a story stops being public."""

from __future__ import annotations

import datetime as dt
import io
import logging
import threading
from collections.abc import Callable
from typing import Any

import pytest
from bs4 import BeautifulSoup
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, reset_queries
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from masthead.channels.tests.factories import SectionFactory
from masthead.search import receivers, related, selectors, services
from masthead.search.models import RelatedStory
from masthead.stories.models import Story
from masthead.stories.services import (
    story_create,
    story_publish,
    story_unpublish,
    story_update,
    story_withdraw,
)

from .texts import FERRY, GLACIER, OTHER

pytestmark = pytest.mark.django_db

Publish = Callable[..., Story]


@pytest.fixture
def publish(section: Any, django_capture_on_commit_callbacks: Any) -> Publish:
    """Publish a story as a curator's form does, running what its commit sets off (the
    related-stories task, on the tests' immediate backend)."""
    hours = iter(range(100, 0, -1))

    def publish(
        text: tuple[str, str, str],
        *,
        in_section: Any = None,
        hours_ago: int | None = None,
        **extra: Any,
    ) -> Story:
        headline, excerpt, body = text
        where = in_section or section
        with django_capture_on_commit_callbacks(execute=True):
            story = story_create(
                actor=None,
                channel=where.channel,
                section=where,
                headline=headline,
                excerpt=excerpt,
                body=body,
                **extra,
            )
            ago = next(hours) if hours_ago is None else hours_ago
            return story_publish(
                actor=None, story=story, at=timezone.now() - dt.timedelta(hours=ago)
            )

    return publish


@pytest.fixture
def elsewhere(db: Any) -> Any:
    return SectionFactory(channel__slug="citydesk", channel__name="City Desk", slug="transport")


def listed(story: Story) -> list[int]:
    return list(
        RelatedStory.objects.filter(story=story).order_by("rank").values_list("related", flat=True)
    )


def related_on_page(client: Client, story: Story) -> list[str]:
    soup = BeautifulSoup(client.get(story.get_absolute_url()).content, "html.parser")
    section = soup.find(id="related-stories-heading")
    if section is None:
        return []
    return [a.get_text() for a in section.parent.select(".more-stories__headline")]


def test_publishing_lists_the_stories_on_its_subject_from_every_channel(
    client: Client, publish: Publish, elsewhere: Any
) -> None:
    first = publish(FERRY[0])
    bats = publish(OTHER[0])
    glacier = publish(GLACIER[0])
    second = publish(FERRY[1], in_section=elsewhere)  # another channel

    assert listed(second) == [first.pk]
    assert listed(first) == [second.pk]  # the newer story joined the older one's list
    assert listed(bats) == [] and listed(glacier) == []
    page = BeautifulSoup(client.get(first.get_absolute_url()).content, "html.parser")
    heading = page.find("h2", string="Related")
    links = heading.parent.select("li")
    assert [li.select_one(".more-stories__headline").get_text() for li in links] == [FERRY[1][0]]
    assert links[0].select_one(".more-stories__headline")["href"] == second.get_absolute_url()
    meta = links[0].select_one(".more-stories__meta")
    assert "City Desk" in meta.get_text() and meta.find("time")["datetime"]
    assert related_on_page(client, bats) == []
    assert "Related" not in client.get(bats.get_absolute_url()).content.decode()  # hidden


def test_editing_a_story_recomputes_its_list_and_its_place_in_the_others(
    client: Client, publish: Publish, django_capture_on_commit_callbacks: Any
) -> None:
    ferry = [publish(text) for text in FERRY[:3]]
    glacier = publish(GLACIER[0])
    assert set(listed(ferry[2])) == {ferry[0].pk, ferry[1].pk}
    assert ferry[2].pk in listed(ferry[0])

    headline, excerpt, body = GLACIER[1]
    with django_capture_on_commit_callbacks(execute=True):
        story_update(actor=None, story=ferry[2], headline=headline, excerpt=excerpt, body=body)

    assert listed(ferry[2]) == [glacier.pk]
    assert listed(glacier) == [ferry[2].pk]
    assert ferry[2].pk not in listed(ferry[0]) and ferry[2].pk not in listed(ferry[1])
    assert related_on_page(client, ferry[0]) == [FERRY[1][0]]


def test_an_edit_that_changes_nothing_compared_queues_nothing(
    publish: Publish, django_capture_on_commit_callbacks: Any
) -> None:
    story = publish(FERRY[0])
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        story_update(actor=None, story=story, comments_open=False, image_caption="A quay")
    assert not [c for c in callbacks if getattr(c, "func", None) is receivers._enqueue]
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        story_update(actor=None, story=story, excerpt="Crews walked out.")
    assert [c.args for c in callbacks if getattr(c, "func", None) is receivers._enqueue] == [
        (story.pk,)
    ]


def test_the_page_shows_the_five_closest_public_ones_newest_first(
    client: Client, publish: Publish, elsewhere: Any
) -> None:
    # Seven stories on one subject, each a retelling of the one before in other words.
    base = FERRY[0]
    stories = []
    for n in range(7):
        headline = f"{base[0]} (report {n + 10})"
        body = f"{base[2]} Reported by desk number {n + 10}."
        stories.append(publish((headline, base[1], body), in_section=elsewhere if n % 2 else None))
    newest = publish(FERRY[1], hours_ago=1)
    kept = listed(newest)
    assert len(kept) == 7
    shown = related_on_page(client, newest)
    assert len(shown) == selectors.RELATED_SHOWN == 5
    closest = [Story.objects.get(pk=pk) for pk in kept[:5]]
    by_time = sorted(closest, key=lambda s: s.published_at, reverse=True)
    assert shown == [story.headline for story in by_time]


def test_a_story_is_never_related_to_itself_or_to_its_copies(
    client: Client, publish: Publish, elsewhere: Any
) -> None:
    url = "https://ledger.example/2026/12/ferry-strike"
    curated = publish(
        FERRY[0], kind=Story.Kind.CURATED, original_url=url, source_name="The Example Ledger"
    )
    # The same article curated by another channel, with its own headline and excerpt.
    again = publish(
        ("Ferry Crews Strike", "A strike.", FERRY[0][2]),
        in_section=elsewhere,
        kind=Story.Kind.CURATED,
        original_url=url + "?utm_source=feed",  # the same address once made canonical
    )
    # The same words posted again, with other markup.
    headline, excerpt, body = FERRY[0]
    paragraphs = "".join(f"<p>{part}.</p>\n" for part in body.split(". "))
    posted_twice = publish((headline, excerpt, paragraphs), in_section=elsewhere)
    sibling = publish(FERRY[2])

    assert listed(curated) == [sibling.pk]
    assert curated.pk not in listed(again) and curated.pk not in listed(posted_twice)
    # The sibling's own list names one of the three copies.
    assert len(listed(sibling)) == 1 and listed(sibling)[0] in {
        curated.pk,
        again.pk,
        posted_twice.pk,
    }
    assert related_on_page(client, curated) == [FERRY[2][0]]
    assert not RelatedStory.objects.filter(story_id=models_f("related_id")).exists()


def models_f(name: str) -> Any:
    from django.db.models import F

    return F(name)


@pytest.mark.parametrize("gone", ["withdrawn", "unpublished", "deleted"])
def test_a_story_that_stops_being_public_leaves_every_list_at_once(
    gone: str, member: Any, publish: Publish, django_capture_on_commit_callbacks: Any
) -> None:
    first, second, third = (publish(text) for text in FERRY[:3])
    reader, as_member = Client(), Client()
    as_member.force_login(member)
    for client in (reader, as_member):
        assert FERRY[1][0] in related_on_page(client, first)  # the member's page is cached now
    revision = Story.objects.get(pk=first.pk).revision

    with django_capture_on_commit_callbacks(execute=True):
        if gone == "withdrawn":
            story_withdraw(actor=None, story=second, reason="Wrong figures")
        elif gone == "unpublished":
            story_unpublish(actor=None, story=second)
        else:
            second.delete()

    for client in (reader, as_member):
        assert related_on_page(client, first) == [FERRY[2][0]]
        assert related_on_page(client, third) == [FERRY[0][0]]
    assert not RelatedStory.objects.filter(related_id=second.pk).exists()
    assert not RelatedStory.objects.filter(story_id=second.pk).exists()
    assert Story.objects.get(pk=first.pk).revision > revision  # the member's page moved on


def test_the_page_reads_related_stories_in_one_query_however_many(
    client: Client, publish: Publish, elsewhere: Any, django_assert_num_queries: Any
) -> None:
    lonely = publish(OTHER[1])
    client.get(lonely.get_absolute_url())  # warm the navigation cache
    reset_queries()  # a request empties the log: counts start from an empty one
    with CaptureQueriesContext(connection) as none_related:
        assert related_on_page(client, lonely) == []
    expected = len(none_related.captured_queries)  # the story and its related stories
    ferry = [publish(text, in_section=elsewhere if n % 2 else None) for n, text in enumerate(FERRY)]
    assert len(listed(ferry[0])) == 3
    client.get(ferry[0].get_absolute_url())
    reset_queries()
    with django_assert_num_queries(expected) as three_related:
        assert len(related_on_page(client, ferry[0])) == 3
    reads = [q for q in three_related.captured_queries if "search_related_story" in q["sql"]]
    assert len(reads) == 1


def test_hostile_headlines_are_escaped(client: Client, publish: Publish) -> None:
    first = publish(FERRY[0])
    _headline, excerpt, body = FERRY[1]
    hostile = '<script>alert("x")</script><img src=x onerror=alert(1)> Ferry strike'
    publish((hostile, excerpt, body))
    html = client.get(first.get_absolute_url()).content.decode()
    assert "<script>alert" not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in html
    assert related_on_page(client, first) == [hostile]


def test_a_run_that_read_the_story_before_an_edit_writes_nothing(
    publish: Publish, monkeypatch: pytest.MonkeyPatch, django_capture_on_commit_callbacks: Any
) -> None:
    """Two runs for one story at once: the first read the story's old text, and an edit
    committed (and queued the second run) while it was scoring. The first writes nothing,
    whichever ends last; the list is the second's."""
    ferry = [publish(text) for text in FERRY[:2]]
    glacier = publish(GLACIER[0])
    story = ferry[1]
    real = related.compute
    edited = []

    def compute_then_edit(*args: Any, **kwargs: Any) -> related.Computed:
        result = real(*args, **kwargs)
        if not edited:
            edited.append(True)
            headline, excerpt, body = GLACIER[1]
            with django_capture_on_commit_callbacks(execute=True):  # the second run, whole
                story_update(actor=None, story=story, headline=headline, excerpt=excerpt, body=body)
        return result

    monkeypatch.setattr(related, "compute", compute_then_edit)
    services.related_update(story.pk)  # the first, stale, run

    assert edited and listed(story) == [glacier.pk]
    assert listed(ferry[0]) == [] and listed(glacier) == [story.pk]


def test_two_runs_on_the_same_rows_leave_one_list(publish: Publish) -> None:
    ferry = [publish(text) for text in FERRY]

    def lists() -> list[tuple[int, int, int]]:
        return list(
            RelatedStory.objects.order_by("story", "rank").values_list("story", "related", "rank")
        )

    before = lists()
    services.related_update(ferry[0].pk)  # may rescore its entries in the others' lists
    assert lists() == before
    assert services.related_update(ferry[0].pk) == 0  # the same rows: nothing written
    assert lists() == before and len(before) == 4 * 3


def test_an_offer_from_a_story_that_has_moved_on_is_refused(publish: Publish) -> None:
    first, second = publish(FERRY[0]), publish(GLACIER[0])
    stale = related.version_of(Story(headline="An older text", status=Story.Status.PUBLISHED))
    assert not services._offer({first.pk: 0.9}, offered=second.pk, version=stale)
    assert listed(first) == []
    fresh = related.version_of(Story.objects.get(pk=second.pk))
    assert services._offer({first.pk: 0.9}, offered=second.pk, version=fresh)
    assert listed(first) == [second.pk]


def test_a_scheduled_story_joins_the_page_at_its_time(
    client: Client, publish: Publish, django_capture_on_commit_callbacks: Any
) -> None:
    first = publish(FERRY[0])
    headline, excerpt, body = FERRY[1]
    with django_capture_on_commit_callbacks(execute=True):
        later = story_create(
            actor=None,
            channel=first.channel,
            section=first.section,
            headline=headline,
            excerpt=excerpt,
            body=body,
        )
        later = story_publish(actor=None, story=later, at=timezone.now() + dt.timedelta(hours=1))
    assert listed(first) == [later.pk]
    assert related_on_page(client, first) == []
    Story.objects.filter(pk=later.pk).update(published_at=timezone.now())  # the time has come
    assert related_on_page(client, first) == [headline]


def test_lists_keep_the_closest_and_a_weaker_newcomer_stays_out() -> None:
    full = [related.Scored(pk, 0.9 - pk / 100) for pk in range(1, related.RELATED_KEPT + 1)]
    weakest = full[-1].score
    assert related.merged(full, story_id=99, score=weakest - 0.01) == full
    joined = related.merged(full, story_id=99, score=0.95)
    assert joined[0] == related.Scored(99, 0.95) and len(joined) == related.RELATED_KEPT
    assert full[-1] not in joined
    assert related.merged(full, story_id=3, score=None) == [e for e in full if e.story_id != 3]
    below = related.RELATED_THRESHOLD - 0.01
    assert related.merged([], story_id=5, score=below) == []


@pytest.mark.django_db(transaction=True)
def test_two_runs_at_once_from_two_threads_leave_one_list(
    section: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    stories = []
    for n, (headline, excerpt, body) in enumerate(FERRY):
        story = story_create(
            actor=None,
            channel=section.channel,
            section=section,
            headline=headline,
            excerpt=excerpt,
            body=body,
        )  # committed at once: the task runs as the commit's callback
        stories.append(
            story_publish(actor=None, story=story, at=timezone.now() - dt.timedelta(hours=n + 1))
        )
    expected = listed(stories[0])
    assert len(expected) == 3
    RelatedStory.objects.all().delete()
    together = threading.Barrier(2)
    real = related.compute

    def compute_together(*args: Any, **kwargs: Any) -> related.Computed:
        result = real(*args, **kwargs)
        together.wait(timeout=30)  # both have scored before either writes
        return result

    monkeypatch.setattr(related, "compute", compute_together)
    errors: list[BaseException] = []

    def run() -> None:
        try:
            services.related_update(stories[0].pk)
        except BaseException as error:  # reported by the assertion below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert listed(stories[0]) == expected
    ranks = RelatedStory.objects.filter(story=stories[0]).values_list("rank", flat=True)
    assert sorted(ranks) == [1, 2, 3]
    for other in stories[1:]:  # each was offered the story by both runs: listed once
        assert listed(other).count(stories[0].pk) == 1


def test_the_command_computes_the_lists_of_stories_published_before_they_existed(
    publish: Publish, elsewhere: Any
) -> None:
    ferry = [publish(text, in_section=elsewhere if n % 2 else None) for n, text in enumerate(FERRY)]
    kept = {story.pk: set(listed(story)) for story in ferry}
    RelatedStory.objects.all().delete()  # published before the installation had them
    out = io.StringIO()
    call_command("related", "--channel", elsewhere.channel.slug, stdout=out, stderr=io.StringIO())
    assert "Computed the related stories of 2 stories" in out.getvalue()
    assert all(listed(story) for story in ferry)  # the others were offered theirs
    call_command("related", stdout=io.StringIO(), stderr=io.StringIO())
    # The same stories; their order may differ (a score comes from the batch of the run that
    # wrote it, and runs come in another order here).
    assert {story.pk: set(listed(story)) for story in ferry} == kept
    with pytest.raises(CommandError, match="No channel"):
        call_command("related", "--channel", "nowhere")


def test_a_run_of_the_related_task_logs_at_debug_and_a_failure_as_an_error(
    caplog: Any, monkeypatch: Any
) -> None:
    from masthead.search.tasks import related_update_task

    def runs() -> list[tuple[str, str]]:
        return [
            (record.levelname, record.getMessage().rsplit("state=", 1)[-1])
            for record in caplog.records
            if record.name == "django_tasks" and "state=" in record.getMessage()
        ]

    caplog.set_level(logging.INFO)  # as a worker logs
    related_update_task.enqueue(10**9)  # no such story: a run with nothing to do
    assert runs() == []
    caplog.set_level(logging.DEBUG, logger="django_tasks")
    related_update_task.enqueue(10**9)
    assert runs() == [("DEBUG", "RUNNING"), ("DEBUG", "SUCCESSFUL")]

    def fails(story_id: int) -> int:
        raise RuntimeError("the index is gone")

    monkeypatch.setattr(services, "related_update", fails)
    caplog.clear()
    caplog.set_level(logging.INFO, logger="django_tasks")
    related_update_task.enqueue(10**9)
    assert runs() == [("ERROR", "FAILED")]
