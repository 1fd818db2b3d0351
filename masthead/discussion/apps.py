from django.apps import AppConfig


class DiscussionConfig(AppConfig):
    """Member comments on stories: numbered threads, edits, tombstones, hiding and reports."""

    name = "masthead.discussion"
    label = "discussion"
