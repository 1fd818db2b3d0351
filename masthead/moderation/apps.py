from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ModerationConfig(AppConfig):
    name = "masthead.moderation"
    verbose_name = _("Moderation")

    def ready(self) -> None:
        from . import receivers  # noqa: F401 - connects the log to the apps below
