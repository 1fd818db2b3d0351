from django.apps import AppConfig


class IngestConfig(AppConfig):
    """What channels find on the web: submitted URLs, feed subscriptions, the review queue,
    and imports of captures, WARC archives and OPML lists. Writes stories only through the
    stories services."""

    name = "masthead.ingest"
    label = "ingest"
