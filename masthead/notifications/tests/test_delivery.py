"""Each member chooses, per kind, inbox and e-mail, inbox only, or nothing, and may gather
their e-mails into a daily digest; every e-mail carries a signed one-click unsubscribe link
that a GET never acts on. Digests go out once, and a refused one is tried again later."""

from __future__ import annotations

import datetime as dt
import socket
from typing import Any

import pytest
from django.core import mail, signing
from django.test import Client
from django.urls import reverse

from masthead.accounts.tests.factories import MemberFactory
from masthead.discussion import services as discussion
from masthead.notifications import mail as notification_mail
from masthead.notifications import services
from masthead.notifications.models import Notification, Preferences

pytestmark = pytest.mark.django_db


@pytest.fixture
def reply_to(story: Any, member: Any, other_member: Any) -> Any:
    """``reply_to(text)``: other_member answers member's comment, and is notified."""
    opening, _ = discussion.comment_create(actor=member, story=story, body="Opening")

    def reply(text: str) -> Any:
        comment, _ = discussion.comment_create(
            actor=other_member, story=story, body=text, parent=opening
        )
        services.notify_for_comment(comment.pk)
        return comment

    return reply


@pytest.mark.parametrize(
    ("delivery", "notified", "emailed"),
    [("email", 1, 1), ("inbox", 1, 0), ("off", 0, 0)],
)
def test_each_kind_goes_where_the_member_wants(
    member: Any, reply_to: Any, delivery: str, notified: int, emailed: int
) -> None:
    services.preferences_update(member, reply=delivery)
    mail.outbox.clear()
    reply_to("An answer")
    assert Notification.objects.filter(recipient=member).count() == notified
    assert len(mail.outbox) == emailed


def test_the_settings_page_saves_and_refuses_what_is_not_a_choice(
    member: Any, member_client: Client
) -> None:
    url = reverse("notifications:settings")
    page = member_client.get(url).content.decode()
    assert "Replies to my comments" in page and 'value="inbox"' in page
    choices = {"reply": "inbox", "mention": "off", "featured": "email"}
    choices |= {"approved": "inbox", "removed": "email", "digest": "on"}
    answer = member_client.post(url, choices)
    assert answer.status_code == 302
    saved = Preferences.objects.get(user=member)
    assert (saved.reply, saved.mention, saved.digest) == ("inbox", "off", True)
    assert saved.digest_anchor is not None  # the first day starts now
    answer = member_client.post(url, choices | {"reply": "pigeon"})
    assert answer.status_code == 200 and "Select a valid choice" in answer.content.decode()
    assert Preferences.objects.get(user=member).reply == "inbox"  # nothing half-saved
    assert Client().get(url).status_code == 302


def test_every_email_has_a_one_click_unsubscribe_that_a_get_never_acts_on(
    member: Any, reply_to: Any
) -> None:
    mail.outbox.clear()
    reply_to("First answer")
    message = mail.outbox[0]
    header = message.extra_headers["List-Unsubscribe"]
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    url = header.strip("<>")
    assert url in message.body
    path = url.removeprefix("http://127.0.0.1:8000")

    mail_client = Client(enforce_csrf_checks=True)  # a mail client has no CSRF token
    page = mail_client.get(path)
    assert page.status_code == 200 and "Unsubscribe?" in page.content.decode()
    assert services.preferences_for(member).reply == "email"  # link checkers open links

    done = mail_client.post(
        path, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )
    assert done.status_code == 200 and "You are unsubscribed" in done.content.decode()
    preferences = services.preferences_for(member)
    assert preferences.reply == "inbox" and preferences.mention == "email"
    mail.outbox.clear()
    reply_to("Second answer")
    assert mail.outbox == [] and Notification.objects.filter(recipient=member).count() == 2


@pytest.mark.parametrize(
    "token",
    [
        "nonsense",
        signing.dumps([1, "reply"], salt="another.purpose"),
        signing.dumps([1, "everything"], salt="masthead.notifications.unsubscribe"),
    ],
    ids=["nonsense", "another-purpose", "unknown-kind"],  # stable across xdist workers
)
def test_a_link_that_is_not_ours_changes_nothing_and_says_so(
    client: Client, member: Any, token: str
) -> None:
    answer = client.post(reverse("notifications:unsubscribe", args=[token]))
    assert answer.status_code == 400
    assert "This link does not work" in answer.content.decode()
    assert not Preferences.objects.exists()


def _at(moment: dt.datetime, **delta: float) -> dt.datetime:
    return moment + dt.timedelta(**delta)


def test_the_digest_gathers_a_day_of_emails_into_one_sent_once(member: Any, reply_to: Any) -> None:
    start = services.preferences_update(member, digest=True).digest_anchor
    assert start is not None
    mail.outbox.clear()
    reply_to("Morning answer")
    reply_to("Evening answer")
    assert mail.outbox == [] and Notification.objects.filter(email_due=True).count() == 2
    assert notification_mail.send_due_digests(now=_at(start, hours=23)) == 0  # not a day yet
    day_later = _at(start, hours=24, seconds=1)
    assert notification_mail.send_due_digests(now=day_later) == 1
    assert notification_mail.send_due_digests(now=day_later) == 0  # a second worker: nothing
    assert notification_mail.send_due_digests(now=_at(start, days=3)) == 0
    assert len(mail.outbox) == 1
    digest = mail.outbox[0]
    assert "2 notifications" in digest.subject
    assert "Morning answer" in digest.body and "Evening answer" in digest.body
    token = digest.extra_headers["List-Unsubscribe"].rsplit("/", 2)[-2]
    assert notification_mail.unsubscribe_read(token) == (member.pk, "all")
    assert not Notification.objects.filter(emailed_at__isnull=True).exists()


def test_turning_the_digest_off_sends_what_waits_at_the_next_round(
    member: Any, reply_to: Any
) -> None:
    services.preferences_update(member, digest=True)
    reply_to("Waiting answer")
    mail.outbox.clear()
    services.preferences_update(member, digest=False)
    assert notification_mail.send_due_digests() == 1
    assert "Waiting answer" in mail.outbox[0].body


def test_the_digest_unsubscribe_stops_every_kind(client: Client, member: Any) -> None:
    url = notification_mail.unsubscribe_url(member.pk, notification_mail.ALL_KINDS)
    client.post(url.removeprefix("http://127.0.0.1:8000"))
    preferences = services.preferences_for(member)
    assert {preferences.delivery(kind) for kind in Notification.Kind.values} == {"inbox"}


@pytest.fixture
def refusing_mail(settings: Any) -> Any:
    """SMTP to a port nothing listens on: every message is refused, for real."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", port, 2
    return settings


def test_a_refused_digest_is_kept_and_tried_again_an_hour_later(
    member: Any, reply_to: Any, refusing_mail: Any
) -> None:
    settings = refusing_mail
    start = services.preferences_update(member, digest=True).digest_anchor
    assert start is not None
    reply_to("Kept answer")
    day_later = _at(start, days=1, seconds=1)
    assert notification_mail.send_due_digests(now=day_later) == 0
    waiting = Notification.objects.get(recipient=member)
    assert waiting.email_due and waiting.emailed_at is None
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    mail.outbox.clear()
    assert notification_mail.send_due_digests(now=_at(day_later, minutes=30)) == 0
    assert notification_mail.send_due_digests(now=_at(day_later, hours=1, seconds=1)) == 1
    assert "Kept answer" in mail.outbox[0].body


def test_imported_commenters_get_no_email(member: Any, reply_to: Any) -> None:
    member.email = "someone@" + notification_mail.NO_MAIL_DOMAIN
    member.save(update_fields=["email"])
    mail.outbox.clear()
    reply_to("An answer")
    assert mail.outbox == [] and Notification.objects.filter(recipient=member).exists()


def test_a_digest_refused_for_a_week_is_given_up(
    member: Any, reply_to: Any, refusing_mail: Any
) -> None:
    start = services.preferences_update(member, digest=True).digest_anchor
    assert start is not None
    reply_to("Old answer")
    Notification.objects.update(created_at=_at(start, days=-8))
    assert notification_mail.send_due_digests(now=_at(start, days=1, seconds=1)) == 0
    given_up = Notification.objects.get(recipient=member)
    assert not given_up.email_due and given_up.emailed_at is None  # in the inbox only
    assert notification_mail.due_digests(_at(start, days=30)) == []


def test_after_quiet_days_the_digest_keeps_its_time_of_day(member: Any, reply_to: Any) -> None:
    start = services.preferences_update(member, digest=True).digest_anchor
    assert start is not None
    reply_to("After a quiet spell")
    Notification.objects.update(created_at=_at(start, days=3, hours=1))
    mail.outbox.clear()
    # Three quiet days later, an hour after the digest's time: it waits for tomorrow's.
    assert notification_mail.send_due_digests(now=_at(start, days=3, hours=2)) == 0
    assert notification_mail.send_due_digests(now=_at(start, days=3, hours=23)) == 0
    assert notification_mail.send_due_digests(now=_at(start, days=4, seconds=1)) == 1
    assert "After a quiet spell" in mail.outbox[0].body


def test_a_worker_with_a_stale_view_of_the_day_sends_nothing(member: Any, reply_to: Any) -> None:
    start = services.preferences_update(member, digest=True).digest_anchor
    assert start is not None
    reply_to("Raced answer")
    now = _at(start, days=1, seconds=1)
    seen_by_both = notification_mail.due_digests(now)  # two workers read the same row
    assert len(seen_by_both) == 1
    mail.outbox.clear()
    # The other worker's claim lands first (it moves the day on) and it is about to send.
    Preferences.objects.filter(pk=member.pk).update(digest_anchor=_at(start, days=1))
    assert notification_mail.digest_send(seen_by_both[0], now) == 0
    assert mail.outbox == [] and Notification.objects.get().email_due  # left to the other


def test_a_notification_is_emailed_once_however_often_sent(member: Any, reply_to: Any) -> None:
    services.preferences_update(member, reply="inbox")
    reply_to("Answer")
    notification = Notification.objects.select_related(
        "recipient", "comment__story__channel", "comment__story__section"
    ).get(recipient=member)
    mail.outbox.clear()
    assert notification_mail.send_one(notification) is True
    assert notification_mail.send_one(notification) is False
    assert len(mail.outbox) == 1


def test_the_digest_and_inbox_leave_out_what_is_no_longer_true(
    member: Any, curator: Any, member_client: Client, reply_to: Any
) -> None:
    start = services.preferences_update(member, digest=True).digest_anchor
    assert start is not None
    abusive = reply_to("ABUSIVE TEXT")
    reply_to("A kind answer")
    discussion.comment_remove(actor=curator, comment=abusive, reason="Abuse")
    mail.outbox.clear()
    assert notification_mail.send_due_digests(now=_at(start, days=1, seconds=1)) == 1
    assert "1 notification" in mail.outbox[0].subject
    assert "ABUSIVE" not in mail.outbox[0].body and "A kind answer" in mail.outbox[0].body
    inbox = member_client.get(reverse("notifications:inbox")).content.decode()
    assert "ABUSIVE" not in inbox and "This comment is no longer shown." in inbox


def test_a_member_who_turned_replies_off_still_hears_of_a_mention_in_a_reply(
    story: Any, member: Any, other_member: Any
) -> None:
    services.preferences_update(member, reply="off")
    opening, _ = discussion.comment_create(actor=member, story=story, body="Opening")
    reply, _ = discussion.comment_create(
        actor=other_member,
        story=story,
        body=f"Do you agree, @{member.profile.handle}?",
        parent=opening,
    )
    assert services.notify_for_comment(reply.pk) == 1
    assert list(Notification.objects.values_list("kind", flat=True)) == ["mention"]


def test_one_click_unsubscribes_are_counted_per_member_not_per_address(
    client: Client, settings: Any, member: Any
) -> None:
    settings.MASTHEAD_RATE_LIMITS = {"unsubscribe:member": "2/3600"}
    others = [MemberFactory() for _ in range(3)]  # one mail provider's server posts them all
    for someone in others:
        url = notification_mail.unsubscribe_url(someone.pk, "reply")
        assert client.post(url.removeprefix("http://127.0.0.1:8000")).status_code == 200
    url = notification_mail.unsubscribe_url(member.pk, "reply").removeprefix(
        "http://127.0.0.1:8000"
    )
    assert client.post(url).status_code == 200 and client.post(url).status_code == 200
    refused = client.post(url)
    assert refused.status_code == 429 and int(refused["Retry-After"]) > 0


def test_the_settings_form_sent_twice_starts_the_digest_clock_once(member: Any) -> None:
    first = services.preferences_update(member, digest=True)
    again = services.preferences_update(member, digest=True)
    assert again.digest_anchor == first.digest_anchor is not None
    assert Preferences.objects.filter(user=member).count() == 1
