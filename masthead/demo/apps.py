from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Demo content: channels, members, stories and discussions for ``masthead demo``."""

    name = "masthead.demo"
    label = "demo"
