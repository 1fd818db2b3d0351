from django.apps import AppConfig


class CoreConfig(AppConfig):
    """Pieces every app uses: public ids, sanitizing, rendering, security headers, testing."""

    name = "masthead.core"
    label = "core"

    def ready(self) -> None:
        from django.db.models import CharField
        from django.db.models.functions import Lower

        # ``handle__lower=...`` compares LOWER(handle), which the profile's unique index covers.
        CharField.register_lookup(Lower)
