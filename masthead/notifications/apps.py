from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    """A member's inbox and e-mail: replies to their comments and mentions of their handle."""

    name = "masthead.notifications"

    def ready(self) -> None:
        from masthead.discussion.signals import comment_visible

        from . import receivers

        comment_visible.connect(receivers.comment_visible, dispatch_uid="notifications")
