from __future__ import annotations

from typing import Any

from allauth.account.views import LoginView as AllauthLoginView
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import NON_FIELD_ERRORS
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from masthead.core.forms import UNPROCESSABLE, submit

from . import services
from .auth import member_of
from .forms import ProfileCreateForm, ProfileEditForm
from .models import Profile, User


@login_required
@require_http_methods(["GET", "POST"])
def profile_edit(request: HttpRequest) -> HttpResponse:
    """Edit one's profile; an account without a profile creates it here first."""
    user = member_of(request)
    profile = Profile.objects.filter(user=user).first()
    form: ProfileCreateForm | ProfileEditForm
    if profile is None:
        form = ProfileCreateForm(request.POST or None)
    else:
        initial = {"display_name": profile.display_name, "bio": profile.bio}
        form = ProfileEditForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        status = UNPROCESSABLE
        if form.is_valid():
            outcome = submit(
                form, request, scope="profile", action=lambda: _save(user, profile, form)
            )
            if outcome.value is not None:
                messages.success(request, _("Your profile is saved."))
                return redirect(outcome.value.get_absolute_url())
            status = outcome.status
    return render(
        request, "accounts/profile_edit.html", {"form": form, "profile": profile}, status=status
    )


def _save(
    user: User, profile: Profile | None, form: ProfileCreateForm | ProfileEditForm
) -> Profile:
    if profile is None:
        return services.profile_create(user=user, **form.cleaned_data)
    return services.profile_update(actor=user, profile=profile, **form.cleaned_data)


class LoginView(AllauthLoginView):
    """allauth's log-in, answering 429 with Retry-After once an account's failed log-ins are
    over MASTHEAD_LOGIN_LIMIT_ACCOUNT (allauth shows the message, but with a 200)."""

    def form_invalid(self, form: Form) -> Any:
        response = super().form_invalid(form)
        if form.has_error(NON_FIELD_ERRORS, code="too_many_login_attempts"):
            response.status_code = 429
            response["Retry-After"] = str(settings.MASTHEAD_LOGIN_LIMIT_ACCOUNT[1])
        return response
