from django.apps import AppConfig


class StoriesConfig(AppConfig):
    """Stories, original and curated, and the sources curated stories come from."""

    name = "masthead.stories"
    label = "stories"
