from django.apps import AppConfig


class ChannelsConfig(AppConfig):
    """Channels, their sections, and who runs them (owners and curators)."""

    name = "masthead.channels"
    label = "channels"
