from __future__ import annotations

import factory

from masthead.channels.models import Channel, ChannelRole, Section


class ChannelFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Channel

    slug = factory.Sequence(lambda n: f"channel{n}")
    name = factory.Sequence(lambda n: f"Channel {n}")
    tagline = "A channel for tests"


class SectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Section

    channel = factory.SubFactory(ChannelFactory)
    slug = factory.Sequence(lambda n: f"section{n}")
    name = factory.Sequence(lambda n: f"Section {n}")


class ChannelRoleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ChannelRole

    role = ChannelRole.Role.CURATOR
