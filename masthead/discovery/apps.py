from django.apps import AppConfig


class DiscoveryConfig(AppConfig):
    """What search engines and link previews read: robots.txt, the sitemaps (an index, one
    per channel, Google News's), and a story page's JSON-LD, OpenGraph and Twitter card
    (docs/decisions/0020-discovery.md)."""

    name = "masthead.discovery"
    label = "discovery"

    def ready(self) -> None:
        from masthead.core import pagecache

        from .urls import SITE_SITEMAP_PATHS

        # The index and the news sitemap list every channel's stories: they follow Latest,
        # which every story service invalidates after its commit. A channel's sitemap lives
        # under the channel's URL and goes with its pages.
        for path in SITE_SITEMAP_PATHS:
            pagecache.cache_queries(path, params=(), follows=("/latest",))
