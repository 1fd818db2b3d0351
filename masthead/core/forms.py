"""Running the write behind a submitted form.

Every form that writes does the same: count the attempt against its rate limit, call the
service, and if anything is refused, put the reason on the form (next to its field where the
service names one) and answer with a status that says why, keeping what was typed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _

from . import ratelimit

UNPROCESSABLE = 422  # the form came back with errors; the page shows them with the text kept
T = TypeVar("T")


@dataclass
class Outcome(Generic[T]):
    value: T | None = None
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)

    @property
    def done(self) -> bool:
        return self.status < 400


def add_errors(form: forms.Form, error: ValidationError) -> None:
    """A service's ValidationError on the form: by field where it names one the form has."""
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error)


def submit(
    form: forms.Form, request: HttpRequest, *, scope: str, action: Callable[[], T]
) -> Outcome[T]:
    """Run ``action`` (the service call) for a valid ``form`` under the rate limit ``scope``."""
    user: Any = request.user
    try:
        ratelimit.check(scope, request=request, user_id=user.pk if user.is_authenticated else None)
        return Outcome(value=action())
    except ratelimit.RateLimited as limited:
        form.add_error(None, str(limited))
        return Outcome(status=429, headers={"Retry-After": str(limited.retry_after)})
    except ValidationError as error:
        add_errors(form, error)
        return Outcome(status=UNPROCESSABLE)
    except PermissionDenied as denied:
        form.add_error(None, str(denied) or _("You may not do this."))
        return Outcome(status=403)
