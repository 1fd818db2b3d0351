from django.apps import AppConfig


class SearchConfig(AppConfig):
    """Finding stories again: the index over every story and its two engines (FTS5 on
        SQLite, full text on PostgreSQL), the readers' query language, and the text similarity
        related stories are computed with (``masthead similarity``), and each story's related
    stories."""

    name = "masthead.search"
    label = "search"

    def ready(self) -> None:
        from django.db.models.signals import post_save, pre_delete

        from masthead.channels.models import Channel, Section
        from masthead.core import pagecache
        from masthead.stories.models import Source, Story

        from . import receivers
        from .filters import PARAMS, SEARCH_PATH

        for model in (Story, Channel, Section, Source):
            post_save.connect(
                receivers.saved, sender=model, dispatch_uid=f"search-{model.__name__}"
            )
        # Search pages are cached per query and follow Latest: every service that changes
        # which stories are public, or what they say, invalidates "/latest"
        # (stories/services.py); a comment or a pin, which moves Top ("/"), does not.
        pagecache.cache_queries(SEARCH_PATH, params=PARAMS, follows=("/latest",))
        # After the index's receiver: the index is brought up to date after the commit first,
        # and the related stories' computation finds the story by its new words.
        post_save.connect(receivers.story_saved, sender=Story, dispatch_uid="search-related")
        pre_delete.connect(receivers.story_deleting, sender=Story, dispatch_uid="search-related")
