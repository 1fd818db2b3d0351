from django.apps import AppConfig


class SearchConfig(AppConfig):
    """Finding stories again: for now, the text similarity that related stories will be
    computed with (``masthead similarity``); the index and its engines come next."""

    name = "masthead.search"
    label = "search"

    def ready(self) -> None:
        from masthead.core import pagecache

        from .filters import PARAMS, SEARCH_PATH

        # Search pages are cached per query and follow the front page: every service that
        # changes which stories are public invalidates "/" (stories/services.py).
        pagecache.cache_queries(SEARCH_PATH, params=PARAMS, follows=("/",))
