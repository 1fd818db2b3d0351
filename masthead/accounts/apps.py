from django.apps import AppConfig


class AccountsConfig(AppConfig):
    """Members: the user account (e-mail login) and the public profile (handle, display name)."""

    name = "masthead.accounts"
    label = "accounts"
