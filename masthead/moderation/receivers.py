"""The moderation log hears of what other apps below it do that the log must show."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from masthead.accounts.models import User
from masthead.channels.models import Channel
from masthead.channels.signals import role_changed

from . import services


@receiver(role_changed, dispatch_uid="moderation.log_role_change")
def log_role_change(
    sender: Any,
    *,
    actor: User | None,
    channel: Channel | None,
    user: User,
    role: str,
    granted: bool,
    **kwargs: Any,
) -> None:
    """Appointments and dismissals are moderation decisions too: the public log shows who
    moderates a channel changed, and by whose hand (a role, never a name)."""
    if actor is None:
        by = "operator"
    elif actor.is_staff:
        by = "staff"
    else:
        by = "owner"  # only owners appoint, apart from staff (channels.services)
    services.log(
        actor=actor,
        role=by,
        channel=channel,
        action=f"{'appoint' if granted else 'dismiss'} {role}",
        target_user=user,
        target=services.handle_of(user),
    )
