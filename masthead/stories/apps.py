from django.apps import AppConfig


class StoriesConfig(AppConfig):
    """Stories, original and curated, and the sources curated stories come from."""

    name = "masthead.stories"
    label = "stories"

    def ready(self) -> None:
        from masthead.channels.signals import follow_changed

        from . import receivers

        follow_changed.connect(receivers.follow_changed, dispatch_uid="stories.rank")
