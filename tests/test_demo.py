"""The demo content: what `make demo` loads, loaded twice, and its showcase story page."""

from __future__ import annotations

from typing import Any

import pytest
from bs4 import BeautifulSoup
from django.core import mail
from django.test import Client

from masthead.accounts.models import User
from masthead.channels.models import Channel
from masthead.demo import loader
from masthead.discussion.models import Comment
from masthead.notifications.models import Notification
from masthead.stories.models import Story

pytestmark = pytest.mark.django_db


def test_demo_content_loads_once_and_has_everything_promised(client: Client) -> None:
    mail.outbox.clear()
    first = loader.load()
    assert first.created_anything
    counts = (
        Channel.objects.count(),
        Story.objects.count(),
        User.objects.count(),
        Comment.objects.count(),
        Notification.objects.count(),
    )
    second = loader.load()
    assert not second.created_anything
    assert (
        Channel.objects.count(),
        Story.objects.count(),
        User.objects.count(),
        Comment.objects.count(),
        Notification.objects.count(),
    ) == counts
    assert counts[-1] >= 10 and mail.outbox == []  # past replies fill inboxes, send no e-mail

    assert Channel.objects.count() >= 3
    assert all(channel.sections.count() >= 2 for channel in Channel.objects.all())
    assert Story.objects.published().count() >= 40
    assert set(Story.objects.values_list("kind", flat=True)) == {"original", "curated"}
    assert (
        Story.objects.exclude(image="").exclude(image_caption="").exclude(image_credit="").count()
        >= 20
    )
    assert Story.objects.filter(body__contains="<h2>").count() >= 30
    assert Story.objects.filter(body__contains="<blockquote>").exists()
    members = User.objects.filter(is_staff=False, comments__isnull=False).distinct()
    assert members.count() >= 10
    assert Comment.objects.filter(position__gt=1).count() >= 20  # threads with replies
    assert Comment.objects.filter(parent__position__gt=1).exists()  # replies to replies


def test_the_showcase_story_shows_every_element(client: Client) -> None:
    loader.load()
    story = Story.objects.get(headline__startswith="First Ferry in Three Decades")
    soup = BeautifulSoup(client.get(story.get_absolute_url()).content, "html.parser")
    main = soup.find("main")
    assert main.find("h1").get_text(strip=True) == story.headline
    assert main.select_one(".byline").get_text(strip=True).startswith("By ")
    assert main.select_one(".dateline time").get_text().endswith(("PST", "PDT"))
    figcaption = main.select_one("figure figcaption").get_text(" ", strip=True)
    assert story.image_caption in figcaption and "Photographer:" in figcaption
    assert len(main.select(".story-body h2")) == 2
    assert main.find("a", string="Read full story")["href"] == story.original_url
    numbers = [n.get_text() for n in main.select(".comment-number")]
    assert numbers[:2] == ["No. 1-1", "No. 1-2"] and len(numbers) >= 9
    assert main.select_one(".comment .handle").get_text().startswith("@")
    assert main.find("h2", string="Stories")


def test_loaddemo_prints_the_accounts(capsys: Any) -> None:
    from django.core.management import call_command

    call_command("loaddemo")
    out = capsys.readouterr().out
    assert "password for all: masthead-demo" in out
    assert "siteadmin@masthead.test" in out and "nadia_p@masthead.test" in out
