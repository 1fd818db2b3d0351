from __future__ import annotations

import datetime as dt

from django import forms
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from django.shortcuts import redirect, render
from django.template.backends.utils import csrf_input_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from masthead.accounts.auth import member_of
from masthead.accounts.selectors import profile_get_by_handle
from masthead.channels import selectors as channel_selectors
from masthead.core import ratelimit
from masthead.core.errors import NotFound
from masthead.core.pagecache import LISTING_SECONDS, cache_for_anonymous
from masthead.core.timefmt import in_zone
from masthead.discovery.structured import story_meta
from masthead.discussion.forms import CommentForm
from masthead.discussion.permissions import CommentPolicy
from masthead.discussion.rendering import comment_section
from masthead.discussion.selectors import comment_list_by_author, replies_to
from masthead.discussion.services import comments_closed
from masthead.search.selectors import related_list
from masthead.stories import front as story_front
from masthead.stories import selectors as story_selectors
from masthead.stories.models import Story

from . import member_data as member_data_module
from .member_page import member_story_page, thread_request

GONE = 410


def _no_story() -> NotFound:
    return NotFound(
        _("No such story"),
        _(
            "There is no story at this address. It may not be published yet, or the link may "
            "be mistyped: the site's search finds a story by a few of its words."
        ),
    )


@cache_for_anonymous(LISTING_SECONDS)
def front(request: HttpRequest) -> HttpResponse:
    """The front page's Top tab: ranked by engagement and age, with the editors' pins."""
    page = story_front.story_list_top(page=request.GET.get("page"))
    return render(request, "pages/front.html", {"page": page, "tab": "top"})


@cache_for_anonymous(LISTING_SECONDS)
def latest(request: HttpRequest) -> HttpResponse:
    """The front page's Latest tab: newest first."""
    page = story_selectors.story_list_front(page=request.GET.get("page"))
    return render(request, "pages/front.html", {"page": page, "tab": "latest"})


@cache_for_anonymous(LISTING_SECONDS)
def channel(request: HttpRequest, channel: str) -> HttpResponse:
    found = channel_selectors.channel_get(channel)
    page = story_front.story_list_channel_pinned(channel=found, page=request.GET.get("page"))
    return render(
        request,
        "pages/channel.html",
        {
            "channel": found,
            "page": page,
            "can_curate": channel_selectors.can_curate(request.user, found.pk),
            "following": channel_selectors.follows(request.user, found.pk),
        },
    )


@cache_for_anonymous(LISTING_SECONDS)
def section(request: HttpRequest, channel: str, section: str) -> HttpResponse:
    found = channel_selectors.section_get(channel_slug=channel, slug=section)
    found_channel = found.channel
    page = story_selectors.story_list_section(section=found, page=request.GET.get("page"))
    return render(
        request, "pages/section.html", {"channel": found_channel, "section": found, "page": page}
    )


@cache_for_anonymous()
def story(
    request: HttpRequest, channel: str, section: str, public_id: str, slug: str = ""
) -> HttpResponseBase:
    """The story page. The public id decides which story; anything else in the URL that is
    out of date (slug, section, channel) redirects to the canonical address."""
    found = story_selectors.story_for_page(public_id)
    if found is None:
        raise _no_story()
    if found.status == Story.Status.WITHDRAWN:
        return render(request, "pages/story_withdrawn.html", {"story": found}, status=GONE)
    curator = channel_selectors.can_curate(request.user, found.channel_id)
    if not found.is_live() and not curator:
        raise _no_story()
    canonical = found.get_absolute_url()
    if request.path != canonical:
        query = request.META.get("QUERY_STRING")
        return redirect(canonical + (f"?{query}" if query else ""), permanent=True)
    moderator = curator or channel_selectors.can_moderate(request.user, found.channel_id)
    order = thread_request(request, found)
    if request.user.is_authenticated and not moderator:
        return member_story_page(request, found, viewer_id=request.user.pk, order=order)
    policy = CommentPolicy(
        viewer_id=request.user.pk if request.user.is_authenticated else None,
        is_member=request.user.is_authenticated and request.user.is_active,
        is_moderator=moderator,
    )
    return render(
        request,
        "pages/story.html",
        {
            "story": found,
            "story_meta": story_meta(found, request.build_absolute_uri("/").rstrip("/")),
            "threads_html": comment_section(
                story=found, policy=policy, csrf_input=csrf_input_lazy(request), **order
            ).html,
            "sort": order["sort"],
            "comments_closed": comments_closed(found),
            "close_at": _local_input(found.comments_close_at, found.time_zone) if moderator else "",
            "policy": policy,
            "can_curate": curator,
            "more_stories": story_selectors.story_list_more(story=found),
            "related_stories": related_list(story=found),
            "form": CommentForm() if policy.is_member else None,
        },
    )


@cache_for_anonymous(LISTING_SECONDS)
def profile(request: HttpRequest, handle: str) -> HttpResponse:
    found = profile_get_by_handle(handle)
    return render(
        request,
        "pages/profile.html",
        {
            "profile": found,
            "comments": comment_list_by_author(author_id=found.user_id),
        },
    )


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """A member's home: the newest stories of the channels they follow, and the replies others
    wrote to their comments."""
    member = member_of(request)
    followed = channel_selectors.followed_channel_ids(member)
    return render(
        request,
        "pages/home.html",
        {
            "page": story_selectors.story_list_channels(
                channel_ids=followed, page=request.GET.get("page")
            ),
            "following": bool(followed),
            "replies": replies_to(member_id=member.pk),
            "channels": channel_selectors.channel_list(),
        },
    )


@login_required
def member_data(request: HttpRequest) -> HttpResponse:
    """Everything Masthead holds about the member, as a JSON download."""
    member = member_of(request)
    response = JsonResponse(
        member_data_module.member_export(member), json_dumps_params={"indent": 2}
    )
    handle = getattr(getattr(member, "profile", None), "handle", "member")
    response["Content-Disposition"] = f'attachment; filename="masthead-{handle}.json"'
    response["Cache-Control"] = "private, no-store"
    return response


class DeleteAccountForm(forms.Form):
    password = forms.CharField(label=_("Your password"), widget=forms.PasswordInput, strip=False)


@login_required
@require_http_methods(["GET", "POST"])
@ratelimit.limited("profile")
def member_delete(request: HttpRequest) -> HttpResponseBase:
    member = member_of(request)
    form = DeleteAccountForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            try:
                member_data_module.member_delete(
                    member=member, password=form.cleaned_data["password"]
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                logout(request)
                messages.success(request, _("Your account is deleted."))
                return redirect("pages:front")
    return render(request, "pages/member_delete.html", {"form": form}, status=status)


@login_required
def channel_members(request: HttpRequest, channel: str) -> HttpResponse:
    """The channel's members as CSV, for its owner."""
    found = channel_selectors.channel_get(channel)
    data = member_data_module.channel_members_csv(actor=member_of(request), channel=found)
    response = HttpResponse(data, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{found.slug}-members.csv"'
    response["Cache-Control"] = "private, no-store"
    return response


def _local_input(moment: dt.datetime | None, zone: str) -> str:
    """A time as a datetime-local field shows it, in the story's zone."""
    return in_zone(moment, zone).strftime("%Y-%m-%dT%H:%M") if moment else ""
