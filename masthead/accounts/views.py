from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from masthead.core import ratelimit

from . import services
from .auth import member_of
from .forms import ProfileCreateForm, ProfileEditForm
from .models import Profile


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
    if request.method == "POST" and form.is_valid():
        try:
            ratelimit.check("profile", request=request, user_id=user.pk)
            if profile is None:
                profile = services.profile_create(user=user, **form.cleaned_data)
            else:
                services.profile_update(actor=user, profile=profile, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        except ratelimit.RateLimited as limited:
            form.add_error(None, str(limited))
        else:
            messages.success(request, _("Your profile is saved."))
            return redirect(profile.get_absolute_url())
    status = 400 if form.errors else 200
    return render(
        request, "accounts/profile_edit.html", {"form": form, "profile": profile}, status=status
    )
