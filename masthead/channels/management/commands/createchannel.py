from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from masthead.accounts.models import User
from masthead.channels import services


class Command(BaseCommand):
    help = "Create a channel, optionally with sections and an owner."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("slug")
        parser.add_argument("name")
        parser.add_argument("--tagline", default="")
        parser.add_argument("--owner", help="e-mail address of an existing account")
        parser.add_argument(
            "--section",
            action="append",
            default=[],
            metavar="SLUG:NAME",
            help="add a section; repeat for more",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        owner = None
        if options["owner"]:
            owner = User.objects.filter(email__iexact=options["owner"]).first()
            if owner is None:
                raise CommandError(f"No account with e-mail {options['owner']!r}.")
        sections = []
        for spec in options["section"]:
            slug, sep, name = spec.partition(":")
            if not sep or not name:
                raise CommandError(f"--section {spec!r}: write it as slug:Name.")
            sections.append((slug, name))
        try:
            channel = services.channel_create(
                actor=None,
                slug=options["slug"],
                name=options["name"],
                tagline=options["tagline"],
                owner=owner,
            )
            for position, (slug, name) in enumerate(sections):
                services.section_create(
                    actor=None, channel=channel, slug=slug, name=name, position=position
                )
        except ValidationError as error:
            raise CommandError("; ".join(error.messages)) from error
        self.stdout.write(f"Created channel {channel.slug} at {channel.get_absolute_url()}")
