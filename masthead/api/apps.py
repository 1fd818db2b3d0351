from django.apps import AppConfig


class ApiConfig(AppConfig):
    """The public JSON API at /api/v1/: schemas and endpoints over the apps' services and
    selectors, and the personal access tokens members use it with
    (docs/decisions/0019-public-api.md)."""

    name = "masthead.api"
    label = "api"
