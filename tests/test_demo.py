"""The demo content: what `make demo` loads, loaded twice, its showcase story page, and what
there is to moderate and to curate from the web."""

from __future__ import annotations

from typing import Any

import pytest
from bs4 import BeautifulSoup
from django.core import mail
from django.db.models import Model
from django.test import Client
from django_tasks_db.models import DBTaskResult

from masthead.accounts.models import User
from masthead.channels.models import Channel, ChannelRole
from masthead.demo import loader
from masthead.demo.sources import catalogue
from masthead.discussion.models import Comment, CommentReport, Reaction
from masthead.discussion.selectors import queue_counts
from masthead.ingest.models import Candidate, Feed, FeedEntry, Item
from masthead.ingest.services import candidates_dismiss, feed_remove
from masthead.moderation.models import Ban, ChannelRules, LogEntry, WordRule
from masthead.notifications.models import Notification
from masthead.stories.models import Story

pytestmark = pytest.mark.django_db

SOURCES = "http://127.0.0.1:8642"  # where `masthead demo` serves its publishers by default
EVERYTHING: list[type[Model]] = [
    Channel,
    ChannelRole,
    Story,
    User,
    Comment,
    Reaction,
    CommentReport,
    Notification,
    LogEntry,
    Ban,
    WordRule,
    ChannelRules,
    Feed,
    FeedEntry,
    Item,
    Candidate,
    DBTaskResult,
]


def counts() -> dict[str, int]:
    return {model.__name__: model._default_manager.count() for model in EVERYTHING}


def test_demo_content_loads_once_and_has_everything_promised(client: Client) -> None:
    mail.outbox.clear()
    first = loader.load(sources_url=SOURCES)
    assert first.created_anything
    loaded = counts()
    second = loader.load(sources_url=SOURCES)
    assert not second.created_anything
    assert counts() == loaded
    assert loaded["Notification"] >= 10 and mail.outbox == []  # past replies fill inboxes

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


def test_the_demo_has_a_moderator_and_their_work_to_see(client: Client) -> None:
    report = loader.load()
    moderator = User.objects.get(email=loader.email_for("rosa_m"))
    citydesk = Channel.objects.get(slug="citydesk")
    assert ChannelRole.objects.filter(
        user=moderator, channel=citydesk, role=ChannelRole.Role.MODERATOR
    ).exists()
    assert (loader.email_for("rosa_m"), "moderator of City Desk") in report.accounts

    # Reactions, counted on their comments as the service counts them.
    reacted = Comment.objects.filter(reaction_count__gt=0)
    assert reacted.count() >= 10 and Reaction.objects.count() >= 30
    assert all(c.reaction_count == c.reactions.count() for c in reacted)
    # Queues with something in every tab, City Desk's most of all.
    everywhere = queue_counts(channel_id=None)
    assert everywhere["pending"] >= 2 and everywhere["reported"] >= 2
    assert queue_counts(channel_id=citydesk.pk) == {
        "pending": 1,
        "reported": 1,
        "hidden": 1,
        "removed": 1,
    }
    held = set(Comment.objects.filter(status="pending").values_list("held_reason", flat=True))
    assert "contains “scumbag”" in held and "a new member's comment" in held
    assert Comment.objects.filter(featured=True).count() >= 1
    troll = User.objects.get(email=loader.email_for("rexdunmore"))
    assert Ban.objects.in_force().filter(user=troll, channel=citydesk, kind="read_only").exists()

    # The public log tells it, by role.
    actions = set(LogEntry.objects.filter(channel=citydesk).values_list("action", flat=True))
    assert {"hide", "remove", "feature", "ban read_only", "appoint moderator"} <= actions
    page = client.get(f"/{citydesk.slug}/-/moderation/log/").content.decode()
    assert "Argue with the point, not the person." in page and "a moderator" in page
    client.force_login(moderator)
    queue = client.get(f"/{citydesk.slug}/-/moderation/?show=reported").content.decode()
    assert "Goes after Priya rather than anything she said." in queue


def test_the_demo_curates_from_its_own_publishers(capsys: Any) -> None:
    from django.core.management import call_command

    loader.load()
    assert not Feed.objects.exists()  # no publishers served: nothing points at them
    call_command("demo", "--no-serve", "--port", "8765", "--sources-port", "8766")
    out = capsys.readouterr().out
    found = catalogue()
    article = found.articles[found.try_it["article"]]
    assert (
        "Curate from the web: log in as marcus_h@masthead.test, open "
        "http://127.0.0.1:8765/citydesk/-/queue/ and paste "
        f"http://127.0.0.1:8766{article.path}"
    ) in out
    feeds = Feed.objects.select_related("channel")
    assert {feed.channel.slug for feed in feeds} == {"globallead", "citydesk", "fieldnotes"}
    assert all(f.url.startswith("http://127.0.0.1:8766/") and f.state == "active" for f in feeds)
    waiting = Candidate.objects.filter(status="pending", submitted_by__isnull=False)
    assert waiting.count() == len(found.waiting) >= 2
    assert all(c.item.fetch_state == Item.Fetch.QUEUED for c in waiting)  # for the worker

    removed = Feed.objects.get(channel__slug="fieldnotes")  # a curator unsubscribes
    feed_remove(actor=User.objects.get(email=loader.email_for("ingrid_s")), feed=removed)
    dismissed = waiting.first()
    candidates_dismiss(actor=dismissed.submitted_by, channel=dismissed.channel, ids=[dismissed.pk])
    loader.load(sources_url="http://127.0.0.1:8766")
    assert not Feed.objects.filter(channel__slug="fieldnotes").exists()
    dismissed.refresh_from_db()
    assert dismissed.status == Candidate.Status.DISMISSED

    moved = "http://127.0.0.1:9753"  # the demo's publishers on another port: the feeds follow
    report = loader.load(sources_url=moved)
    assert (report.feeds, report.candidates) == (len(found.publishers), len(found.waiting))
    assert Feed.objects.count() == len(found.publishers)
    assert all(feed.url.startswith(moved + "/") for feed in Feed.objects.all())


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
    assert "rosa_m@masthead.test" in out and "moderator of City Desk" in out


def test_a_demo_database_from_before_its_activity_still_starts() -> None:
    """A demo database made by an older release lacks the seeded activity; the newcomer has
    moderated it meanwhile. Seeding what the services now refuse is skipped, not a crash."""
    from django.utils import timezone

    from masthead.demo import activity
    from masthead.discussion.services import comment_remove

    loader.load()
    seen = activity.read_activity()
    target = seen["reactions"][0]["comment"]
    members = {u.profile.handle: u for u in User.objects.select_related("profile")}
    stories = loader._stories_by_key([entry["key"] for entry in loader.read_content()[1]])
    seeding = activity._Seeding(members=members, channels={}, stories=stories, now=timezone.now())
    admin = User.objects.filter(is_staff=True).first()
    comment_remove(actor=admin, comment=seeding.comment(target), reason="Off topic")
    before = Reaction.objects.count()
    counts = activity.seed(
        {**{key: [] for key in seen}, "reactions": seen["reactions"][:1]},
        members=members,
        channels={c.slug: c for c in Channel.objects.all()},
        stories=stories,
        now=timezone.now(),
    )
    assert counts["reactions"] == 0 and Reaction.objects.count() == before
