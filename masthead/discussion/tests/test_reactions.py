"""Reactions (one per member per comment, the channel's word, counts shown), the orders of the
comments (oldest, newest, most reacted, featured first) and "Load more"; numbers never move."""

from __future__ import annotations

import re
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from bs4 import BeautifulSoup
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.urls import reverse

from masthead.accounts.tests.factories import MemberFactory
from masthead.discussion import services
from masthead.discussion.models import Comment, Reaction
from masthead.discussion.rendering import CSRF_PLACEHOLDER
from masthead.moderation.models import ChannelRules
from masthead.stories.models import Story
from masthead.stories.tests.factories import StoryFactory

HTMX = {"HTTP_HX_REQUEST": "true"}
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def numbers_in_order(html: bytes) -> list[str]:
    soup = BeautifulSoup(html, "html.parser")
    return [a.text for a in soup.select("#threads .comment-number")]


@pytest.mark.django_db
def test_one_reaction_per_member_toggled_and_counted(
    story: Story, member: Any, other_member: Any
) -> None:
    comment, _ = services.comment_create(actor=member, story=story, body="Well said")
    with pytest.raises(ValidationError, match="own"):
        services.reaction_toggle(actor=member, comment=comment)
    assert services.reaction_toggle(actor=other_member, comment=comment) == (True, 1)
    assert services.reaction_toggle(actor=other_member, comment=comment) == (False, 0)
    assert services.reaction_toggle(actor=other_member, comment=comment) == (True, 1)
    assert Reaction.objects.count() == 1


@pytest.mark.django_db
def test_the_channels_word_and_pressed_state_on_the_page(
    story: Story, member: Any, other_member: Any, client: Client
) -> None:
    ChannelRules.objects.create(channel=story.channel, reaction_word="Applause")
    comment, _ = services.comment_create(actor=member, story=story, body="Well said")
    reader = Client()
    reader.force_login(other_member)
    react = reverse("discussion:react", kwargs={"pk": comment.pk})
    page = reader.get(story.get_absolute_url()).content.decode()
    assert 'aria-pressed="false"' in page and "Applause" in page
    assert f'name="reacted" value="1" aria-pressed="false" data-reaction="{comment.pk}"' in page
    answer = reader.post(react, {"reacted": "1"}, **HTMX)
    assert answer.status_code == 200 and 'aria-pressed="true"' in answer.content.decode()
    again = reader.post(react, {"reacted": "1"}, **HTMX)  # a double click asks the same
    assert 'aria-pressed="true"' in again.content.decode()
    assert Reaction.objects.filter(comment=comment).count() == 1
    page = reader.get(story.get_absolute_url()).content.decode()
    assert f'value="0" aria-pressed="true" data-reaction="{comment.pk}"' in page
    assert "csrfmiddlewaretoken" in page.split(react, 1)[1][:400]  # the form carries a token
    shown = client.get(story.get_absolute_url()).content.decode()  # a reader sees the count
    assert re.search(r'class="reaction-count">Applause 1<', shown)
    assert reader.post(react, {"reacted": "0"}).status_code == 302  # without JavaScript
    assert not Reaction.objects.filter(comment=comment).exists()
    assert Comment.objects.get(pk=comment.pk).reaction_count == 0


@pytest.mark.django_db(transaction=True)
def test_concurrent_reactions_all_count(section: Any) -> None:
    story = StoryFactory(section=section)
    author = MemberFactory()
    comment, _ = services.comment_create(actor=author, story=story, body="Popular")
    members = [MemberFactory() for _ in range(12)]
    barrier = threading.Barrier(len(members))

    def react(member: Any) -> None:
        try:
            barrier.wait(timeout=30)
            services.reaction_toggle(actor=member, comment=comment)
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=len(members)) as pool:
        list(pool.map(react, members))
    assert Comment.objects.get(pk=comment.pk).reaction_count == len(members)
    assert Reaction.objects.filter(comment=comment).count() == len(members)


@pytest.mark.django_db
def test_orders_featured_first_and_numbers_unchanged(
    story: Story, member: Any, other_member: Any, curator: Any, client: Client
) -> None:
    first, _ = services.comment_create(actor=member, story=story, body="First")
    services.comment_create(actor=other_member, story=story, body="Reply", parent=first)
    second, _ = services.comment_create(actor=member, story=story, body="Second")
    third, _ = services.comment_create(actor=member, story=story, body="Third")
    for voter in (other_member, curator):
        services.reaction_toggle(actor=voter, comment=second)
    services.reaction_toggle(actor=other_member, comment=third)
    url = story.get_absolute_url()
    assert numbers_in_order(client.get(url).content) == ["No. 1-1", "No. 1-2", "No. 2-1", "No. 3-1"]
    newest = client.get(url + "?sort=newest").content
    assert numbers_in_order(newest) == ["No. 3-1", "No. 2-1", "No. 1-1", "No. 1-2"]
    reacted = client.get(url + "?sort=reacted").content
    assert numbers_in_order(reacted) == ["No. 2-1", "No. 3-1", "No. 1-1", "No. 1-2"]
    services.comment_feature(actor=curator, comment=third)
    newest = client.get(url + "?sort=newest").content
    assert numbers_in_order(newest)[0] == "No. 3-1"
    oldest = client.get(url).content
    assert numbers_in_order(oldest) == ["No. 3-1", "No. 1-1", "No. 1-2", "No. 2-1"]


@pytest.mark.django_db
def test_load_more_with_and_without_javascript(story: Story, member: Any, client: Client) -> None:
    ChannelRules.objects.create(channel=story.channel, threads_per_page=2)
    for n in range(5):
        services.comment_create(actor=member, story=story, body=f"Thread {n + 1}")
    page = client.get(story.get_absolute_url()).content
    assert numbers_in_order(page) == ["No. 1-1", "No. 2-1"]
    soup = BeautifulSoup(page, "html.parser")
    more = soup.select_one("#load-more a")
    assert more is not None and "3 threads left" in more.text
    batch = client.get(more["data-hx-get"], **HTMX).content
    assert numbers_in_order(b'<ol id="threads">' + batch + b"</ol>") == ["No. 3-1", "No. 4-1"]
    assert b"1 thread left" in batch
    everything = client.get(more["href"].split("#")[0].replace("threads=4", "threads=10")).content
    assert len(numbers_in_order(everything)) == 5
    no_js = client.get(more["href"]).content
    assert numbers_in_order(no_js) == ["No. 1-1", "No. 2-1", "No. 3-1", "No. 4-1"]


@pytest.mark.django_db
def test_reactions_and_moderation_writes_are_rate_limited(
    story: Story, member: Any, other_member: Any, curator_client: Client, settings: Any
) -> None:
    settings.MASTHEAD_RATE_LIMITS = {
        **settings.MASTHEAD_RATE_LIMITS,
        "reaction:member": "2/60",
        "moderation:member": "2/60",
    }
    comment, _ = services.comment_create(actor=member, story=story, body="Hmm")
    reader = Client()
    reader.force_login(other_member)
    react = reverse("discussion:react", kwargs={"pk": comment.pk})
    assert reader.post(react, **HTMX).status_code == 200
    assert reader.post(react, **HTMX).status_code == 200
    refused = reader.post(react, **HTMX)
    assert refused.status_code == 429 and int(refused["Retry-After"]) > 0
    assert "Try again in" in refused.content.decode()
    hide = reverse("discussion:hide", kwargs={"pk": comment.pk})
    restore = reverse("discussion:restore", kwargs={"pk": comment.pk})
    assert curator_client.post(hide).status_code == 302
    assert curator_client.post(restore).status_code == 302
    page = curator_client.post(hide)
    assert page.status_code == 429 and "Try again in" in page.content.decode()
    assert Comment.objects.get(pk=comment.pk).status == "visible"  # nothing changed


@pytest.mark.django_db
@pytest.mark.parametrize("query", ["", "?sort=reacted", "?sort=newest&threads=1"])
def test_members_sharing_a_section_each_see_their_own_token_and_reactions(
    story: Story, member: Any, other_member: Any, query: str
) -> None:
    services.comment_create(actor=member, story=story, body="Opening")
    comment, _ = services.comment_create(actor=member, story=story, body="Second")
    services.reaction_toggle(actor=other_member, comment=comment)
    pressed = f'aria-pressed="true" data-reaction="{comment.pk}"'
    reacting, third = Client(), Client()
    reacting.force_login(other_member)
    third.force_login(MemberFactory())
    url = story.get_absolute_url() + query
    for _round in range(2):  # the second round is served from the assembled batch
        mine = reacting.get(url).content.decode()
        theirs = third.get(url).content.decode()
        assert pressed in mine and pressed not in theirs
        assert CSRF_PLACEHOLDER not in mine and CSRF_PLACEHOLDER not in theirs
        assert set(TOKEN.findall(mine)).isdisjoint(TOKEN.findall(theirs))
