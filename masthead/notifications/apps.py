from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    """A member's inbox and e-mail: replies, mentions and moderators' decisions on their
    comments, delivered as each member's preferences say."""

    name = "masthead.notifications"

    def ready(self) -> None:
        from masthead.discussion.signals import comment_moderated, comment_visible

        from . import receivers

        comment_visible.connect(receivers.comment_visible, dispatch_uid="notifications")
        comment_moderated.connect(receivers.comment_moderated, dispatch_uid="notifications")
