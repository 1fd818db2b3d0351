from django.apps import AppConfig


class SearchConfig(AppConfig):
    """Finding stories again: for now, the text similarity that related stories will be
    computed with (``masthead similarity``); the index and its engines come next."""

    name = "masthead.search"
    label = "search"
