"""Editors' pins and Top's first places: who may pin where, places and ends, the variety rule,
and the desk's and the admin's controls."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from bs4 import BeautifulSoup
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from masthead.accounts.tests.factories import MemberFactory
from masthead.channels.models import ChannelRole
from masthead.channels.services import role_grant
from masthead.channels.tests.factories import ChannelFactory, SectionFactory
from masthead.stories import pins
from masthead.stories.front import (
    PER_CHANNEL,
    VARIETY_WINDOW,
    TakenPlace,
    arrange,
    places_taken,
    story_list_channel_pinned,
    story_list_top,
)
from masthead.stories.models import Story, StoryPin
from masthead.stories.services import story_withdraw
from masthead.stories.tests.factories import StoryFactory

pytestmark = pytest.mark.django_db

HOUR = dt.timedelta(hours=1)


def staff(handle: str = "site_editor") -> Any:
    user = MemberFactory(handle=handle)
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    return user


def ids(page: Any) -> list[int]:
    return [story.pk for story in page.object_list]


def newest(section: Any, count: int, *, start: int = 1) -> list[Story]:
    """``count`` stories of the section, an hour apart, the first the newest."""
    now = timezone.now()
    return [
        StoryFactory(section=section, published_at=now - (start + n) * HOUR) for n in range(count)
    ]


# --- the first places ---------------------------------------------------------------------------


def test_arrange_keeps_at_most_three_of_one_channel_in_the_first_ten() -> None:
    ranked = [(n, 1) for n in range(1, 9)] + [(n, 2) for n in range(11, 14)] + [(20, 3)]
    head = arrange(ranked, {}, window=10, per_channel=3)
    assert head == [1, 2, 3, 11, 12, 13, 20, 4, 5, 6]  # channel 1 waits once it has three...
    # ...unless no other channel has a story to offer: the places are filled all the same.
    assert arrange([(n, 1) for n in range(1, 6)], {}, window=10, per_channel=3) == [1, 2, 3, 4, 5]


def test_arrange_puts_pins_at_their_places_and_counts_them() -> None:
    ranked = [(n, 1) for n in range(1, 6)] + [(n, 2) for n in range(11, 16)]
    head = arrange(ranked, {1: (15, 2), 4: (99, 1)}, window=10, per_channel=3)
    assert head[0] == 15 and head[3] == 99
    # Each pin counts toward its channel's three; with both channels at three, rank decides.
    assert head == [15, 1, 2, 99, 11, 12, 3, 4, 5, 13]
    assert arrange([(1, 1)], {7: (9, 2)}, window=10, per_channel=3) == [1, 9]  # gaps close up


def test_top_keeps_variety_among_the_first_ten(section: Any) -> None:
    crowded = newest(section, 8)  # the eight newest are all from one channel
    others = [newest(SectionFactory(), 1, start=20 + n)[0] for n in range(8)]  # eight channels
    page = story_list_top()
    first_ten = page.object_list[:VARIETY_WINDOW]
    from_crowded = [s for s in first_ten if s.channel_id == section.channel_id]
    assert len(from_crowded) == PER_CHANNEL
    assert [s.pk for s in first_ten] == [s.pk for s in crowded[:3] + others[:7]]
    # After the first ten, rank alone: the crowded channel's next five, then the last other.
    assert ids(page)[VARIETY_WINDOW:] == [s.pk for s in crowded[3:] + others[7:]]
    # With too few other channels to fill the ten, the crowded channel fills them.
    Story.objects.filter(pk__in=[s.pk for s in others[2:]]).delete()
    first_ten = ids(story_list_top())[:VARIETY_WINDOW]
    assert first_ten == [s.pk for s in crowded[:3] + others[:2] + crowded[3:8]]


def test_top_pages_hold_every_story_once(section: Any) -> None:
    stories = newest(section, 15) + newest(SectionFactory(), 15, start=30)
    first, second = story_list_top(page=1), story_list_top(page=2)
    assert first.paginator.count == 30
    assert len(first.object_list) == 20 and len(second.object_list) == 10
    assert sorted(ids(first) + ids(second)) == sorted(s.pk for s in stories)


def test_a_pin_takes_its_place_until_it_expires(section: Any) -> None:
    stories = newest(section, 4) + newest(SectionFactory(), 4, start=10)
    old = StoryFactory(section=section, published_at=timezone.now() - 50 * HOUR)
    now = timezone.now()
    pins.pin_set(actor=None, story=old, front=True, place=2, expires_at=now + HOUR)
    assert ids(story_list_top(now=now))[1] == old.pk
    assert story_list_top(now=now).pinned == {old.pk}
    assert story_list_top(now=now + 2 * HOUR).pinned == set()
    later = ids(story_list_top(now=now + 2 * HOUR))  # expired: found by no query, no job
    assert later.index(old.pk) == len(stories)
    assert StoryPin.objects.count() == 1  # the row stays; the place is free to take again
    pins.pin_set(actor=None, story=stories[5], front=True, place=2)
    assert ids(story_list_top(now=now + 2 * HOUR))[1] == stories[5].pk


def test_a_pinned_story_readers_cannot_see_is_no_pin(section: Any) -> None:
    stories = newest(section, 3)
    pins.pin_set(actor=None, story=stories[2], front=True, place=1)
    story_withdraw(actor=None, story=stories[2], reason="Wrong facts.")
    assert ids(story_list_top()) == [stories[0].pk, stories[1].pk]


def test_a_channel_page_shows_its_curators_pins_in_place(section: Any, curator: Any) -> None:
    stories = newest(section, 25)
    pins.pin_set(actor=curator, story=stories[24], front=False, place=3)
    first = ids(story_list_channel_pinned(channel=section.channel))
    assert first[:4] == [stories[0].pk, stories[1].pk, stories[24].pk, stories[2].pk]
    assert story_list_channel_pinned(channel=section.channel).pinned == {stories[24].pk}
    assert story_list_top().pinned == set()
    second = ids(story_list_channel_pinned(channel=section.channel, page=2))
    assert stories[24].pk not in second and len(first) + len(second) == 25
    assert stories[24].pk not in ids(story_list_top())[:3]  # a channel pin is the channel's


def test_a_pinned_story_moved_to_another_channel_leaves_the_old_page(
    section: Any, curator: Any
) -> None:
    stories = newest(section, 25)
    pins.pin_set(actor=curator, story=stories[24], front=False, place=1)
    assert ids(story_list_channel_pinned(channel=section.channel))[0] == stories[24].pk
    elsewhere = SectionFactory()
    Story.objects.filter(pk=stories[24].pk).update(section=elsewhere, channel=elsewhere.channel)
    first = ids(story_list_channel_pinned(channel=section.channel))
    second = ids(story_list_channel_pinned(channel=section.channel, page=2))
    # The pin's place is free again: the first page is full, every story of the channel once.
    assert first == [story.pk for story in stories[:20]]
    assert second == [story.pk for story in stories[20:24]]
    assert ids(story_list_channel_pinned(channel=elsewhere.channel)) == [stories[24].pk]


# --- who pins, and writes that stay right ------------------------------------------------------


def test_members_pin_nothing_curators_their_channel_editors_the_front(
    section: Any, member: Any, curator: Any
) -> None:
    story = newest(section, 1)[0]
    elsewhere = newest(SectionFactory(), 1)[0]
    with pytest.raises(PermissionDenied):
        pins.pin_set(actor=member, story=story, front=False, place=1)
    with pytest.raises(PermissionDenied):
        pins.pin_set(actor=member, story=story, front=True, place=1)
    with pytest.raises(PermissionDenied):
        pins.pin_set(actor=curator, story=story, front=True, place=1)
    with pytest.raises(PermissionDenied):
        pins.pin_set(actor=curator, story=elsewhere, front=False, place=1)
    assert pins.pin_set(actor=curator, story=story, front=False, place=1).channel == story.channel
    assert pins.pin_set(actor=staff(), story=elsewhere, front=True, place=1).on_front
    with pytest.raises(PermissionDenied):
        pins.pin_remove(actor=curator, story=elsewhere, front=True)
    assert StoryPin.objects.count() == 2


def test_a_pin_needs_a_place_an_end_to_come_and_a_published_story(section: Any) -> None:
    story = newest(section, 1)[0]
    with pytest.raises(ValidationError):
        pins.pin_set(actor=None, story=story, front=True, place=11)
    with pytest.raises(ValidationError):
        pins.pin_set(actor=None, story=story, front=True, place=0)
    with pytest.raises(ValidationError):
        pins.pin_set(actor=None, story=story, front=True, place=1, expires_at=timezone.now() - HOUR)
    draft = StoryFactory(section=section, status=Story.Status.DRAFT, published_at=None)
    with pytest.raises(ValidationError):
        pins.pin_set(actor=None, story=draft, front=True, place=1)
    assert not StoryPin.objects.exists()


def test_two_editors_at_once_with_stale_instances(section: Any) -> None:
    """Each write re-reads the story under its lock: the end state is what the last one
    asked, with one pin per place and one place per story."""
    first, second = newest(section, 2)
    editors = [staff("editor_a"), staff("editor_b")]
    stale = [Story.objects.get(pk=first.pk), Story.objects.get(pk=first.pk)]
    for editor, copy in zip(editors, stale, strict=True):
        pins.pin_set(actor=editor, story=copy, front=True, place=1)
    assert list(StoryPin.objects.values_list("story_id", "place", "pinned_by")) == [
        (first.pk, 1, editors[1].pk)
    ]
    pins.pin_set(actor=editors[0], story=stale[0], front=True, place=3)  # moves, not doubled
    pins.pin_set(actor=editors[1], story=stale[1], front=True, place=3)
    pins.pin_set(actor=editors[0], story=Story.objects.get(pk=second.pk), front=True, place=1)
    assert set(StoryPin.objects.values_list("story_id", "place")) == {(second.pk, 1), (first.pk, 3)}
    # Withdrawn since the editor's page was loaded: the fresh row refuses the pin.
    loaded = Story.objects.get(pk=second.pk)
    story_withdraw(actor=None, story=second, reason="Wrong facts.")
    with pytest.raises(ValidationError):
        pins.pin_set(actor=editors[0], story=loaded, front=True, place=2)
    assert pins.pin_remove(actor=editors[0], story=stale[0], front=True) is True
    assert pins.pin_remove(actor=editors[1], story=stale[1], front=True) is False  # its twin


# --- the desk and the admin ---------------------------------------------------------------------


def test_a_curator_pins_from_the_desk_and_unpins(section: Any, curator_client: Client) -> None:
    story = newest(section, 1)[0]
    channel = section.channel.slug
    desk = curator_client.get(reverse("stories:desk", kwargs={"channel": channel}))
    pin_url = reverse("stories:pin", kwargs={"channel": channel, "public_id": story.public_key})
    assert pin_url in desk.content.decode()
    form = curator_client.get(pin_url)
    assert form.status_code == 200 and 'name="where"' not in form.content.decode()
    until = (timezone.now() + 5 * HOUR).astimezone(dt.UTC)
    response = curator_client.post(
        pin_url, {"place": "2", "expires_at": until.strftime("%Y-%m-%dT%H:%M"), "where": "front"}
    )
    assert response.status_code == 302
    pin = StoryPin.objects.get()
    assert (pin.channel_id, pin.place) == (section.channel_id, 2)  # "where" is not theirs
    assert pin.expires_at is not None
    assert "Pinned: place 2" in curator_client.get(response["Location"]).content.decode()
    refused = curator_client.post(pin_url, {"place": "12"})
    assert refused.status_code == 422
    unpin = reverse("stories:unpin", kwargs={"channel": channel, "public_id": story.public_key})
    assert curator_client.post(unpin, {"where": "channel"}).status_code == 302
    assert not StoryPin.objects.exists()


def test_the_pin_form_says_which_places_are_taken_and_by_what(
    section: Any, curator: Any, curator_client: Client
) -> None:
    story, holder, expired, front_holder = newest(section, 4)
    holder.headline = "Ferry <b>fares</b> rise"
    holder.save(update_fields=["headline"])
    pins.pin_set(actor=curator, story=holder, front=False, place=1)
    pins.pin_set(actor=curator, story=story, front=False, place=4)
    pins.pin_set(
        actor=curator, story=expired, front=False, place=3, expires_at=timezone.now() + HOUR
    )
    StoryPin.objects.filter(story=expired).update(expires_at=timezone.now() - HOUR)
    pins.pin_set(actor=None, story=front_holder, front=True, place=2)
    url = reverse(
        "stories:pin", kwargs={"channel": section.channel.slug, "public_id": story.public_key}
    )

    def taken(client: Client) -> dict[str, list[str]]:
        page = BeautifulSoup(client.get(url).content, "html.parser")
        found = page.select_one(".places-taken")
        return {
            heading.get_text(strip=True): [
                " ".join(item.get_text(" ", strip=True).split())
                for item in heading.find_next_sibling().select("li")
            ]
            for heading in found.select("h3")
        }

    assert taken(curator_client) == {  # curators pin to their channel's page only
        section.channel.name: [
            "Place 1 — taken by Ferry <b>fares</b> rise",
            "Place 4 — taken by " + story.headline + " (this story)",
        ]
    }
    editor = Client()
    editor.force_login(staff())
    assert taken(editor)["The front page"] == ["Place 2 — taken by " + front_holder.headline]
    assert places_taken(channel=None) == [
        TakenPlace(
            place=2, story_id=front_holder.pk, headline=front_holder.headline, expires_at=None
        )
    ]


def test_only_curators_reach_the_pin_form(section: Any, member_client: Client) -> None:
    story = newest(section, 1)[0]
    url = reverse(
        "stories:pin", kwargs={"channel": section.channel.slug, "public_id": story.public_key}
    )
    assert member_client.get(url).status_code == 403
    assert member_client.post(url, {"place": "1"}).status_code == 403
    assert not StoryPin.objects.exists()


def test_a_site_editor_pins_to_the_front_from_the_desk_and_the_admin(section: Any) -> None:
    first, second = newest(section, 2)
    editor = staff()
    editor.is_superuser = True  # the admin asks for model permissions besides
    editor.save(update_fields=["is_superuser"])
    client = Client()
    client.force_login(editor)
    url = reverse(
        "stories:pin", kwargs={"channel": section.channel.slug, "public_id": first.public_key}
    )
    assert 'name="where"' in client.get(url).content.decode()
    assert client.post(url, {"where": "front", "place": "1"}).status_code == 302
    assert StoryPin.objects.get().on_front

    add = client.post(
        reverse("admin:stories_storypin_add"),
        {
            "story": str(second.pk),
            "channel": "",
            "place": "1",
            "expires_at_0": "",
            "expires_at_1": "",
        },
    )
    assert add.status_code == 302, re.findall(r"errorlist.{0,300}", add.content.decode())
    pin = StoryPin.objects.get()  # the place passed to the second story
    assert (pin.story_id, pin.place, pin.pinned_by_id) == (second.pk, 1, editor.pk)
    assert client.get(reverse("admin:stories_storypin_changelist")).status_code == 200
    other = ChannelFactory()
    refused = client.post(
        reverse("admin:stories_storypin_add"),
        {"story": str(first.pk), "channel": str(other.pk), "place": "2"},
    )
    assert refused.status_code == 200 and StoryPin.objects.count() == 1
    delete = reverse("admin:stories_storypin_delete", args=[pin.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 302
    assert not StoryPin.objects.exists()


@pytest.mark.parametrize("adding", [True, False], ids=["add", "change"])
def test_a_story_withdrawn_while_the_admin_form_is_open_is_a_form_error(
    section: Any, adding: bool
) -> None:
    story = newest(section, 1)[0]
    editor = staff()
    editor.is_superuser = True
    editor.save(update_fields=["is_superuser"])
    client = Client()
    client.force_login(editor)
    until = timezone.localtime(timezone.now() + 5 * HOUR)
    end = {"expires_at_0": until.strftime("%Y-%m-%d"), "expires_at_1": until.strftime("%H:%M")}
    if adding:
        url = reverse("admin:stories_storypin_add")
        data = {"story": str(story.pk), "channel": "", "place": "1", **end}
    else:
        pin = pins.pin_set(actor=None, story=story, front=True, place=1)
        url = reverse("admin:stories_storypin_change", args=[pin.pk])
        data = end  # only the end is changed here
    assert client.get(url).status_code == 200  # the form is open...
    story_withdraw(actor=None, story=story, reason="Wrong facts.")  # ...when this happens
    response = client.post(url, data)
    assert response.status_code == 200  # the form again, with the refusal
    assert "Only a published story can be pinned." in response.content.decode()
    assert list(StoryPin.objects.values_list("expires_at", flat=True)) == ([] if adding else [None])


def test_the_admin_form_shows_the_services_refusals_by_their_fields(section: Any) -> None:
    story = newest(section, 1)[0]
    editor = staff()
    editor.is_superuser = True
    editor.save(update_fields=["is_superuser"])
    client = Client()
    client.force_login(editor)
    past = timezone.localtime(timezone.now() - HOUR)
    add = reverse("admin:stories_storypin_add")
    for place, end, field, message in (
        ("12", {}, "place", "Choose a place from 1 to 10."),
        (
            "1",
            {"expires_at_0": past.strftime("%Y-%m-%d"), "expires_at_1": past.strftime("%H:%M")},
            "expires_at",
            "The end of a pin must be in the future.",
        ),
    ):
        data = {"story": str(story.pk), "channel": "", "place": place, **end}
        response = client.post(add, data)
        assert response.status_code == 200 and not StoryPin.objects.exists()
        assert response.context["adminform"].form.errors == {field: [message]}


def test_an_owner_pins_too(section: Any) -> None:
    owner = MemberFactory(handle="owner_one")
    role_grant(actor=None, channel=section.channel, user=owner, role=ChannelRole.Role.OWNER)
    owner.refresh_from_db()
    story = newest(section, 1)[0]
    assert pins.pin_set(actor=owner, story=story, front=False, place=5).place == 5
