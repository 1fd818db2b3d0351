"""Hostile strings (BLNS and DOMPurify's payloads) as report reasons, ban reasons and
word-list entries: each is stored or refused with a visible message, and the moderation pages
that show them (queue, rules, public log) carry nothing executable."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from masthead.accounts.services import member_create
from masthead.discussion.models import Comment, CommentReport
from masthead.discussion.services import comment_create
from masthead.moderation.models import Ban, WordRule
from tests.test_hostile_input import (
    SOURCES,
    Outcomes,
    hostile_strings,
    post,
    unexpected,
)

pytestmark = pytest.mark.django_db


def _pages(client: Client, first: str) -> list[Any]:
    """Every page of a listing that pages with a "Next page"/"Older" link."""
    pages, url = [], first
    while url:
        page = client.get(url)
        pages.append(page)
        html = page.content.decode()
        marker = 'class="more-link"><a href="' if "more-link" in html else None
        url = ""
        if marker and marker in html:
            url = html.split(marker, 1)[1].split('"', 1)[0].replace("&amp;", "&")
        elif '">Older</a>' in html:
            url = first.split("?")[0] + html.split('">Older</a>')[0].rsplit('href="', 1)[1]
    return pages


@pytest.mark.parametrize("source", SOURCES)
def test_hostile_moderation_inputs_are_stored_or_refused_and_never_run(
    source: str, settings: Any, story: Any, member: Any, curator: Any, curator_client: Client
) -> None:
    settings.MASTHEAD_RATE_LIMITS_ENABLED = False
    strings = hostile_strings(source)
    slug = story.channel.slug
    reporter = member_create(
        email="reporter@example.test", password=None, handle="reporter", display_name="R"
    )
    author = member_create(
        email="author@example.test", password=None, handle="author", display_name="A"
    )
    reporter_client = Client()
    reporter_client.force_login(reporter)

    reports, bans, words = Outcomes("report"), Outcomes("ban"), Outcomes("word")
    for index, text in enumerate(strings):
        comment, _ = comment_create(actor=author, story=story, body=f"Comment {index}")
        url = reverse("discussion:report", kwargs={"pk": comment.pk})
        before = CommentReport.objects.count()
        answer = post(reporter_client, url, {"reason": "other", "note": text})
        _record(reports, text, answer, CommentReport.objects.count() - before)

        before = Ban.objects.count()
        answer = post(
            curator_client,
            reverse("moderation:ban_add", kwargs={"channel": slug}),
            {"ban-handle": member.profile.handle, "ban-kind": "read_only", "ban-reason": text},
        )
        _record(bans, text, answer, Ban.objects.count() - before)
        # A second ban of one kind changes the first: lift it, so each string makes a ban.
        Ban.objects.filter(lifted_at__isnull=True).update(lifted_at=timezone.now())

        before = WordRule.objects.count()
        answer = post(
            curator_client,
            reverse("moderation:word_add", kwargs={"channel": slug}),
            {"word-phrase": text, "word-kind": "suspect"},
        )
        _record(words, text, answer, WordRule.objects.count() - before, duplicates_ok=True)

    queue = reverse("discussion:queue", kwargs={"channel": slug}) + "?show=reported"
    shown = 0
    for page in _pages(curator_client, queue):
        reports.check_page("<reported queue>", page)
        shown += page.content.decode().count('class="queue-item"')
    assert shown == Comment.objects.filter(open_reports__gt=0).count()
    rules = curator_client.get(reverse("moderation:rules", kwargs={"channel": slug}))
    bans.check_page("<rules page>", rules)
    words.check_page("<rules page>", rules)
    for page in _pages(Client(), reverse("moderation:log", kwargs={"channel": slug})):
        bans.check_page("<public log>", page)
    for outcomes in (reports, bans, words):
        outcomes.assert_clean()


def _record(
    outcomes: Outcomes, text: str, answer: Any, stored: int, *, duplicates_ok: bool = False
) -> None:
    if problem := unexpected(answer, stored=stored):
        outcomes.problem(text, problem)
        return
    if answer.status_code >= 400:
        outcomes.check_refusal(text, answer)
        return
    if duplicates_ok and stored == 0:
        return
    outcomes.stored.append(text)
