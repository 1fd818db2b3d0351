from __future__ import annotations

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from django.conf import settings
from django.contrib.sites.requests import RequestSite
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from masthead.core.ratelimit import client_ip
from masthead.core.timefmt import story_time

from . import services
from .models import FOREVER


def user_display(user: Any) -> str:
    """How allauth names a member (settings ACCOUNT_USER_DISPLAY): by handle, as the site does;
    by address for an account without a profile."""
    try:
        return f"@{user.profile.handle}"
    except ObjectDoesNotExist:
        return str(user.email)


class AccountAdapter(DefaultAccountAdapter):
    """Sign-up makes the account and the member's profile in one transaction; a member under
    a site-wide full ban is told so at log-in (after their password is checked). allauth's
    e-mails name the site (MASTHEAD_SITE_NAME), not the host they were asked from."""

    def send_mail(self, template_prefix: str, email: str, context: dict[str, Any]) -> None:
        request = allauth_context.request  # the request allauth's own send_mail reads
        named: dict[str, Any] = {
            "site_name": settings.MASTHEAD_SITE_NAME,
            "site_url": settings.MASTHEAD_SITE_URL.rstrip("/") + "/",
        }
        if request is not None:
            named["site_url"] = request.build_absolute_uri("/")  # where the e-mail's links lead
            site = RequestSite(request)
            site.name = settings.MASTHEAD_SITE_NAME  # for allauth's own templates
            named["current_site"] = site
        super().send_mail(template_prefix, email, {**named, **context})

    def format_email_subject(self, subject: str) -> str:
        return f"[{settings.MASTHEAD_SITE_NAME}] {subject}"  # as notifications/mail.py does

    def get_client_ip(self, request: HttpRequest) -> str:
        # allauth's log-in limits count per address as Masthead's own limits do: behind
        # MASTHEAD_TRUSTED_PROXY_COUNT proxies, from X-Forwarded-For (allauth's own setting
        # would leave every client with the proxy's address).
        address = client_ip(request)
        if not address:
            raise PermissionDenied("Unable to determine client IP address")
        return address

    def authenticate(self, request: HttpRequest, **credentials: Any) -> Any:
        user = super().authenticate(request, **credentials)
        if user is not None and user.is_login_banned():
            until = timezone.localtime(user.login_banned_until)
            raise ValidationError(
                _("This account is banned from logging in until %(time)s.")
                % {"time": story_time(until, "UTC")}
                if until.year < FOREVER.year
                else _("This account is banned from logging in.")
            )
        return user

    def save_user(self, request: HttpRequest, user: Any, form: Any, commit: bool = True) -> Any:
        with transaction.atomic():
            user = super().save_user(request, user, form, commit=commit)
            if commit and "handle" in form.cleaned_data:
                services.profile_create(
                    user=user,
                    handle=form.cleaned_data["handle"],
                    display_name=form.cleaned_data["display_name"],
                )
        return user
