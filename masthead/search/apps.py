from django.apps import AppConfig


class SearchConfig(AppConfig):
    """Finding stories again: related stories on each story's page, and the text similarity
    they are computed with (``masthead similarity``); the index and its engines come next."""

    name = "masthead.search"
    label = "search"

    def ready(self) -> None:
        from django.db.models.signals import post_save, pre_delete

        from masthead.stories.models import Story

        from . import receivers

        post_save.connect(receivers.story_saved, sender=Story, dispatch_uid="search-related")
        pre_delete.connect(receivers.story_deleting, sender=Story, dispatch_uid="search-related")
