from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from masthead.demo import loader


class Command(BaseCommand):
    help = "Load the demo channels, members, stories, comments and moderation (idempotent)."

    def handle(self, *args: Any, **options: Any) -> None:
        report = loader.load()
        if report.created_anything:
            self.stdout.write(
                f"Demo content: {report.channels} channels, {report.members} members, "
                f"{report.stories} stories, {report.comments} comments, {report.reactions} "
                f"reactions, {report.reports} reports, {report.moderation} moderation actions "
                "created. `masthead demo` adds feeds and candidates from its own publishers."
            )
        else:
            self.stdout.write("Demo content is already loaded; nothing to create.")
        print_accounts(self.stdout, report)


def print_accounts(out: Any, report: loader.Report) -> None:
    out.write(f"\nDemo accounts (password for all: {loader.DEMO_PASSWORD}):")
    for email, role in report.accounts:
        out.write(f"  {email:<28} {role}")
    out.write(
        "  ... and every other member in masthead/demo/content/, "
        f"as <handle>@{loader.EMAIL_DOMAIN}\n"
    )
