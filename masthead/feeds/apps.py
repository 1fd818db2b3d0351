from django.apps import AppConfig


class FeedsConfig(AppConfig):
    """Feeds out: RSS 2.0, Atom 1.0 and JSON Feed 1.1 of the site, each channel, each section
    and a member's followed channels (docs/decisions/0018-feeds-out.md)."""

    name = "masthead.feeds"
    label = "feeds"

    def ready(self) -> None:
        from masthead.core import pagecache

        from .urls import SITE_FEED_PATHS

        # The site's feeds list every channel's stories: they follow Latest ("/latest"), which
        # every story service invalidates after its commit. A channel's and a section's feeds
        # live under the channel's URL and go with its pages.
        for path in SITE_FEED_PATHS:
            pagecache.cache_queries(path, params=(), follows=("/latest",))
