"""Anonymous reads made once per version of what they show (api/representations.py): the
second request for a story's comments or a page of stories is the first one's bytes, with
fewer queries; every write that changes what they show moves their version at once; members
and moderators never get an anonymous reader's bytes."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from masthead.api.services import access_token_create
from masthead.discussion.services import comment_create, comment_remove, reaction_set
from masthead.stories.models import Story
from masthead.stories.services import story_create, story_publish, story_update, story_withdraw

pytestmark = pytest.mark.django_db


def _read(client: Client, url: str, **headers: Any) -> tuple[bytes, int]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, headers=headers)
    assert response.status_code == 200, response.content
    return response.content, len(queries)


def test_a_storys_comments_are_made_once_per_revision(
    client: Client, story: Story, member: Any, other_member: Any
) -> None:
    first, _ = comment_create(actor=member, story=story, body="The first word.")
    url = f"/api/v1/stories/{story.public_key}/comments"
    made, made_queries = _read(client, url)
    again, again_queries = _read(client, url)
    assert again == made and again_queries < made_queries
    assert again_queries == 1  # the story's row, for its revision

    comment_create(actor=other_member, story=story, body="A reply.", parent=first)
    replied, _ = _read(client, url)
    assert b"A reply." in replied

    reaction_set(actor=other_member, comment=first, reacted=True)
    reacted, _ = _read(client, url)
    assert reacted != replied
    counts = [item["reaction_count"] for item in client.get(url).json()["items"]]
    assert counts == [1, 0]


def test_moderators_never_get_an_anonymous_readers_bytes(
    client: Client, story: Story, curator: Any, other_member: Any
) -> None:
    rude, _ = comment_create(actor=other_member, story=story, body="Rude words")
    comment_remove(actor=curator, comment=rude, reason="Rude")
    url = f"/api/v1/stories/{story.public_key}/comments"
    anonymous, _ = _read(client, url)
    assert b"Rude words" not in anonymous  # withheld from readers
    _token, secret = access_token_create(actor=curator, member=curator, name="t", scope="read")
    for _ in range(2):  # and the second time too: a member's read is never kept
        as_curator = client.get(url, headers={"Authorization": f"Bearer {secret}"})
        assert b"Rude words" in as_curator.content
    assert client.get(url).content == anonymous


def test_a_page_of_stories_is_made_once_per_change_of_any_story(
    client: Client, stories: dict[str, Story], django_capture_on_commit_callbacks: Any
) -> None:
    # The pages' generations move after the commit, as in production.
    url = "/api/v1/stories?limit=20"
    made, made_queries = _read(client, url)
    again, again_queries = _read(client, url)
    assert again == made and again_queries < made_queries

    with django_capture_on_commit_callbacks(execute=True):
        story_update(actor=None, story=stories["original"], headline="Ferry Council Votes Again")
    edited, _ = _read(client, url)
    assert b"Ferry Council Votes Again" in edited

    with django_capture_on_commit_callbacks(execute=True):
        story_withdraw(actor=None, story=stories["curated"], reason="Wrong source.")
    after = [item["id"] for item in client.get(url).json()["items"]]
    assert stories["curated"].public_key not in after

    with django_capture_on_commit_callbacks(execute=True):
        fresh = story_create(
            actor=None,
            channel=stories["original"].channel,
            section=stories["original"].section,
            headline="Fresh From the Desk",
        )
        published = story_publish(actor=None, story=fresh)
    assert published.public_key in [item["id"] for item in client.get(url).json()["items"]]


def test_each_query_is_its_own_answer(client: Client, stories: dict[str, Story]) -> None:
    everything = client.get("/api/v1/stories").json()["items"]
    curated = client.get("/api/v1/stories?kind=curated").json()["items"]
    assert len(everything) == 3 and [item["id"] for item in curated] == [
        stories["curated"].public_key
    ]
    # The same query in another order is the same answer.
    one = client.get("/api/v1/stories?kind=curated&limit=5").content
    assert client.get("/api/v1/stories?limit=5&kind=curated").content == one


def test_a_made_up_parameter_is_the_same_answer_and_is_not_carried_on(
    client: Client, section: Any
) -> None:
    for n in range(3):
        story_publish(
            actor=None,
            story=story_create(
                actor=None, channel=section.channel, section=section, headline=f"Story {n}"
            ),
        )
    plain = client.get("/api/v1/stories?limit=2")
    with CaptureQueriesContext(connection) as queries:
        padded = client.get("/api/v1/stories?limit=2&utm_source=x")
    assert padded.content == plain.content  # kept: one entry for both
    assert len(queries) == 0  # the generation is in the cache, not the database
    assert "utm_source" not in padded.json()["next"]
