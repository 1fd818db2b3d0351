"""The real path of a notification: a reply posted through the form commits, its task waits
in the database queue, and a separate `masthead worker` process delivers it: one inbox entry
and one e-mail (the console backend, as in the demo), and nothing more when the worker runs
again."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from conftest import ROOT, database_url
from masthead.discussion.services import comment_create
from masthead.notifications.models import Notification

pytestmark = pytest.mark.django_db(transaction=True)


def run_worker(tmp_path: Path) -> str:
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "DJANGO_SETTINGS_MODULE": "masthead.settings.local",
        "MASTHEAD_VAR": str(tmp_path),
        "EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend",
    }
    done = subprocess.run(
        [sys.executable, "-m", "masthead.cli", "worker", "--batch"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return done.stdout


def test_a_reply_is_delivered_by_the_worker_once(
    settings: Any, tmp_path: Path, story: Any, member: Any, other_member: Any
) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    opening, _ = comment_create(actor=member, story=story, body="Opening")
    client = Client()
    client.force_login(other_member)
    answer = client.post(
        reverse("discussion:post", kwargs={"public_id": story.public_key}),
        {"body": "Queued reply", "parent": opening.pk, "client_token": "once"},
    )
    assert answer.status_code == 302
    assert not Notification.objects.exists()  # the post answered; the work waits in the queue

    output = run_worker(tmp_path)
    assert Notification.objects.filter(recipient=member, kind="reply").count() == 1
    assert output.count("Subject: [Masthead]") == 1 and "replied to your comment" in output
    assert f"To: {member.email}" in output and "List-Unsubscribe-Post" in output

    again = run_worker(tmp_path)
    assert "Subject:" not in again
    assert Notification.objects.count() == 1
