from django.apps import AppConfig


class PagesConfig(AppConfig):
    """The reader's pages, which compose stories, channels and discussion: front, channel,
    section, story and profile pages, and the error pages."""

    name = "masthead.pages"
    label = "pages"
