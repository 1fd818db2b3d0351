from __future__ import annotations

import datetime as dt

import factory
from django.utils import timezone

from masthead.channels.tests.factories import SectionFactory
from masthead.stories.models import Source, Story
from masthead.stories.ranking import stories_rank_refresh


class SourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Source
        django_get_or_create = ("domain",)

    name = "The Example Ledger"
    domain = "ledger.example"


class StoryFactory(factory.django.DjangoModelFactory):
    """A published original story; pass kind=CURATED with source and original_url for curated."""

    class Meta:
        model = Story
        skip_postgeneration_save = True

    section = factory.SubFactory(SectionFactory)
    channel = factory.SelfAttribute("section.channel")
    headline = factory.Sequence(lambda n: f"Harbour Council Votes on Ferry Plan, Part {n}")
    slug = factory.LazyAttribute(lambda o: o.headline.lower().replace(" ", "-").replace(",", ""))
    byline = "Ada Lindqvist"
    time_zone = "America/Los_Angeles"
    body = "<p>The council met on Tuesday.</p><h2>What Comes Next</h2><p>A vote in May.</p>"
    excerpt = "The council met on Tuesday."
    status = Story.Status.PUBLISHED
    published_at = factory.LazyFunction(lambda: timezone.now() - dt.timedelta(hours=2))
    kind = Story.Kind.ORIGINAL

    @factory.post_generation
    def ranked(obj: Story, create: bool, extracted: object, **kwargs: object) -> None:
        """Ranked as a story the services publish is (stories.ranking)."""
        if create:
            stories_rank_refresh(story_ids=[obj.pk])
            obj.refresh_from_db(fields=["rank_points", "hotness"])
