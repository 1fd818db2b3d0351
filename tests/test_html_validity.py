"""The Nu Html Checker finds no errors on the site's pages, as readers and members see them."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import pytest
from allauth.account.models import EmailAddress, EmailConfirmationHMAC
from django.test import Client, RequestFactory
from django.urls import reverse

from masthead.accounts.models import User
from masthead.api.services import access_token_create, access_token_revoke
from masthead.core.views import server_error
from masthead.discussion.services import comment_create, comment_remove, comment_report
from masthead.ingest.services.candidates import candidate_submit
from masthead.ingest.services.subscriptions import feed_add
from masthead.notifications import mail
from masthead.notifications import services as notifications

pytestmark = [pytest.mark.django_db, pytest.mark.htmlcheck]


def test_pages_have_no_html_errors(
    vnu_command: list[str], tmp_path: Path, story: Any, member: Any, other_member: Any, curator: Any
) -> None:
    first, _ = comment_create(
        actor=member,
        story=story,
        body="A *first* comment with a [link](https://example.test/) and `code`.\n\n> a quote",
    )
    second, _ = comment_create(actor=other_member, story=story, body="A reply", parent=first)
    comment_create(actor=member, story=story, body="A reply to the reply", parent=second)
    off_topic, _ = comment_create(actor=other_member, story=story, body="A second thread")
    comment_report(actor=member, comment=second, reason="other", note="Not <b>nice</b>")
    notifications.notify_for_comment(second.pk)
    unsubscribe = mail.unsubscribe_url(member.pk, "reply").removeprefix("http://127.0.0.1:8000")
    channel, section = story.channel, story.section
    comment_remove(actor=curator, comment=off_topic, reason="Off topic, and rude to the author")
    long = "https://ledger.example/2026/12/01/" + "a-long-slug-" * 12 + "end.html"
    candidate_submit(actor=curator, channel=channel, url=long)
    feed_add(actor=curator, channel=channel, url="https://ledger.example/feed.xml", title="Ledger")
    access_token_create(actor=member, member=member, name="Old script", scope="read")
    access_token_revoke(
        actor=member,
        token=access_token_create(actor=member, member=member, name="Gone", scope="read")[0],
    )
    newcomer = User.objects.create_user(email="newbie@example.test", password="a-long-phrase")
    address = EmailAddress.objects.create(user=newcomer, email=newcomer.email, primary=True)
    confirm_key = EmailConfirmationHMAC(address).key

    reader, as_member, as_curator = Client(), Client(), Client()
    as_member.force_login(member)
    as_curator.force_login(curator)
    pages = {
        "front": (reader, "/"),
        "channel": (reader, channel.get_absolute_url()),
        "section": (reader, section.get_absolute_url()),
        "story": (reader, story.get_absolute_url()),
        "story-member": (as_member, story.get_absolute_url()),
        "story-curator": (as_curator, story.get_absolute_url()),
        "profile": (reader, member.profile.get_absolute_url()),
        "reply": (as_member, reverse("discussion:reply", kwargs={"pk": second.pk})),
        "report": (as_member, reverse("discussion:report", kwargs={"pk": second.pk})),
        "profile-edit": (as_member, reverse("accounts:profile_edit")),
        "inbox": (as_member, reverse("notifications:inbox")),
        "notification-settings": (as_member, reverse("notifications:settings")),
        "feeds-settings": (as_member, reverse("feeds:settings")),
        "following": (as_member, reverse("channels:following")),
        "unsubscribe": (reader, unsubscribe),
        "desk": (as_curator, reverse("stories:desk", kwargs={"channel": channel.slug})),
        "write": (as_curator, reverse("stories:new", kwargs={"channel": channel.slug})),
        "curate": (as_curator, reverse("stories:curate", kwargs={"channel": channel.slug})),
        "moderation-reported": (
            as_curator,
            reverse("discussion:queue", kwargs={"channel": channel.slug}) + "?show=reported",
        ),
        "moderation-pending": (
            as_curator,
            reverse("discussion:queue", kwargs={"channel": channel.slug}),
        ),
        "moderation-rules": (
            as_curator,
            reverse("moderation:rules", kwargs={"channel": channel.slug}),
        ),
        "moderation-log": (reader, reverse("moderation:log", kwargs={"channel": channel.slug})),
        "remove": (as_curator, reverse("discussion:remove", kwargs={"pk": second.pk})),
        "review-queue": (as_curator, reverse("ingest:queue", kwargs={"channel": channel.slug})),
        "feeds": (as_curator, reverse("ingest:feeds", kwargs={"channel": channel.slug})),
        "site-log": (reader, reverse("moderation:site_log")),
        "signup": (reader, reverse("account_signup")),
        "login": (reader, reverse("account_login")),
        "logout": (as_member, reverse("account_logout")),
        "verification-sent": (reader, reverse("account_email_verification_sent")),
        "confirm-email": (reader, reverse("account_confirm_email", args=[confirm_key])),
        "confirm-email-expired": (reader, reverse("account_confirm_email", args=["nope"])),
        "password-reset": (reader, reverse("account_reset_password")),
        "password-reset-done": (reader, reverse("account_reset_password_done")),
        "password-reset-bad-key": (
            reader,
            reverse("account_reset_password_from_key", kwargs={"uidb36": "1", "key": "nope"}),
        ),
        "password-changed": (reader, reverse("account_reset_password_from_key_done")),
        "email-addresses": (as_member, reverse("account_email")),
        "password-change": (as_member, reverse("account_change_password")),
        "not-found": (reader, "/@nobody_at_all"),
        "api-docs": (reader, reverse("api_docs")),
        "api-tokens": (as_member, reverse("api_tokens")),
    }
    files = []
    for name, (client, url) in pages.items():
        response = client.get(url)
        assert response.status_code in (200, 404), (name, response.status_code)
        path = tmp_path / f"{name}.html"
        path.write_bytes(response.content)
        files.append(str(path))
    made = as_member.post(reverse("api_tokens"), {"name": "Reader <app>", "scope": "write"})
    assert made.status_code == 201
    (tmp_path / "api-token-made.html").write_bytes(made.content)
    files.append(str(tmp_path / "api-token-made.html"))
    broken = tmp_path / "server-error.html"  # the page no request reaches on purpose
    broken.write_bytes(server_error(RequestFactory().get("/")).content)
    files.append(str(broken))

    result = subprocess.run(
        [*vnu_command, *files], capture_output=True, text=True, timeout=180, check=False
    )
    report = (result.stdout + result.stderr).strip()
    assert result.returncode == 0, f"Nu Html Checker errors:\n{report}"
