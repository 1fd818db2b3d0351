from django.apps import AppConfig


class DiscussionConfig(AppConfig):
    """Member comments on stories: numbered threads, edits, tombstones, hiding and reports."""

    name = "masthead.discussion"
    label = "discussion"

    def ready(self) -> None:
        from masthead.stories import ranking

        from .engagement import engagement_counts

        ranking.engagement_counter_set(engagement_counts)
