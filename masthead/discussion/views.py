"""Comment actions. Each works as a plain form post (redirect back to the story) and, when
htmx made the request, answers with the fragment to swap into the page."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Callable
from functools import partial
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.template.backends.utils import csrf_input_lazy
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from masthead.accounts.auth import member_of
from masthead.core import ratelimit
from masthead.core.forms import UNPROCESSABLE, submit
from masthead.core.numbers import whole_number
from masthead.moderation import services as moderation
from masthead.stories.models import Story
from masthead.stories.selectors import story_for_comment

from . import selectors, services
from .forms import CommentEditForm, CommentForm, RemoveForm, ReportForm
from .models import Comment
from .permissions import CommentPolicy
from .rendering import comment_section


def _story_or_404(public_id: str) -> Story:
    story = story_for_comment(public_id)
    if story is None or not story.is_live():
        raise Http404(_("No such story."))
    return story


def _back_to(comment: Comment) -> HttpResponseBase:
    return redirect(f"{comment.story.get_absolute_url()}#{comment.anchor}", permanent=False)


def _auto_id(parent_key: str) -> str:
    # A reply form sits on the page beside the main form: its fields need ids of their own.
    return f"reply{parent_key}_%s" if whole_number(parent_key) is not None else "id_%s"


def _comment_fragment(request: HttpRequest, comment: Comment, **extra: Any) -> HttpResponse:
    policy = CommentPolicy.for_viewer(request.user, comment.story.channel_id)
    return render(
        request,
        "discussion/fragments/comment.html",
        {"comment": comment, "story": comment.story, "policy": policy, **extra},
    )


def _form_page(
    request: HttpRequest,
    *,
    story: Story,
    form: Any,
    parent: Comment | None,
    status: int = 200,
    headers: dict[str, str] | None = None,
) -> HttpResponse:
    """The comment form on a page of its own: replying without JavaScript, or a rejected post."""
    template = (
        "discussion/fragments/comment_form.html"
        if request.htmx  # type: ignore[attr-defined]
        else "discussion/comment_form_page.html"
    )
    response = render(
        request, template, {"story": story, "form": form, "parent": parent}, status=status
    )
    for name, value in (headers or {}).items():
        response[name] = value
    return response


@require_POST
@login_required
def comment_post(request: HttpRequest, public_id: str) -> HttpResponseBase:
    story = _story_or_404(public_id)
    parent_key = request.POST.get("parent", "")
    form_id = f"reply-form-{parent_key}" if whole_number(parent_key) is not None else "comment-form"
    form = CommentForm(request.POST, auto_id=_auto_id(parent_key))
    parent: Comment | None = None
    status, headers = UNPROCESSABLE, {}

    if form.is_valid():
        parent_id = form.cleaned_data["parent"]
        if parent_id:
            parent = (
                Comment.objects.select_related("author__profile")
                .filter(story=story, pk=parent_id)
                .first()
            )
            if parent is None:
                form.add_error(None, _("The comment you replied to is not on this story."))
    if form.is_valid():
        outcome = submit(
            form,
            request,
            scope="comment",
            action=lambda: services.comment_create(
                actor=member_of(request),
                story=story,
                parent=parent,
                body=form.cleaned_data["body"],
                client_token=form.cleaned_data["client_token"],
            ),
        )
        status, headers = outcome.status, outcome.headers
        if outcome.value is not None:
            comment, created = outcome.value
            if not request.htmx:  # type: ignore[attr-defined]
                return _back_to(comment)
            if not created:
                return HttpResponse(status=204)  # a double submit: the first one is on the page
            story.refresh_from_db(fields=["comment_count"])
            comment.reply_to = parent if parent and parent.is_reply else None  # type: ignore[attr-defined]
            return _comment_fragment(request, comment, new=True, fresh_form=CommentForm())
    if request.htmx:  # type: ignore[attr-defined]
        headers["HX-Retarget"] = f"#{form_id}"
        headers["HX-Reswap"] = "outerHTML"
    return _form_page(
        request, story=story, form=form, parent=parent, status=status, headers=headers
    )


@login_required
def comment_reply(request: HttpRequest, pk: int) -> HttpResponseBase:
    """The reply form: inline under the comment with htmx, a page of its own without."""
    parent = selectors.comment_get(pk)
    story = parent.story
    if not story.is_live():
        raise Http404(_("No such story."))
    policy = CommentPolicy.for_viewer(request.user, story.channel_id)
    if not policy.can_reply(parent):
        raise PermissionDenied(_("This comment can no longer be replied to."))
    form = CommentForm(initial={"parent": parent.pk}, auto_id=_auto_id(str(parent.pk)))
    return _form_page(request, story=story, form=form, parent=parent)


@login_required
@require_http_methods(["GET", "POST"])
def comment_edit(request: HttpRequest, pk: int) -> HttpResponseBase:
    comment = selectors.comment_get(pk)
    if request.method == "GET":
        # 403 with the reason; a refused POST keeps the typed text in the form instead.
        services.check_can_edit(member_of(request), comment)
    form = CommentEditForm(request.POST or None, initial={"body": comment.body_source})
    status = 200
    if request.method == "POST":
        status = UNPROCESSABLE
        if form.is_valid():
            outcome = submit(
                form,
                request,
                scope="comment",
                action=lambda: services.comment_edit(
                    actor=member_of(request), comment=comment, body=form.cleaned_data["body"]
                ),
            )
            if outcome.value is not None:
                edited = outcome.value
                if edited.status == Comment.Status.PENDING:
                    messages.info(request, _("Your edit waits for a moderator's review."))
                if request.htmx:  # type: ignore[attr-defined]
                    return _comment_fragment(request, edited)
                return _back_to(edited)
            status = outcome.status
    if request.htmx:  # type: ignore[attr-defined]
        response = render(
            request,
            "discussion/fragments/edit_form.html",
            {"comment": comment, "story": comment.story, "form": form},
            status=status,
        )
        if request.method == "POST":
            response["HX-Retarget"] = f"#edit-form-{comment.pk}"
            response["HX-Reswap"] = "outerHTML"
        return response
    return render(
        request,
        "discussion/comment_edit_page.html",
        {"comment": comment, "story": comment.story, "form": form},
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
@ratelimit.limited("comment")
def comment_delete(request: HttpRequest, pk: int) -> HttpResponseBase:
    comment = selectors.comment_get(pk)
    if request.method == "POST":
        comment = services.comment_delete(actor=member_of(request), comment=comment)
        if request.htmx:  # type: ignore[attr-defined]
            return _comment_fragment(request, comment)
        messages.success(request, _("Your comment is deleted. Its number stays in the thread."))
        return _back_to(comment)
    if comment.author_id != request.user.pk:
        raise PermissionDenied(_("Only the author can delete a comment."))
    return render(
        request, "discussion/comment_delete_page.html", {"comment": comment, "story": comment.story}
    )


MODERATION_ACTIONS: dict[str, Callable[..., Any]] = {
    "approve": services.comment_approve,
    "hide": services.comment_hide,
    "restore": services.comment_restore,
    "feature": partial(services.comment_feature, featured=True),
    "unfeature": partial(services.comment_feature, featured=False),
    "lock": partial(services.thread_lock, locked=True),
    "unlock": partial(services.thread_lock, locked=False),
}


@require_POST
@login_required
@ratelimit.limited("moderation")
def comment_moderate(request: HttpRequest, pk: int, action: str) -> HttpResponseBase:
    comment = selectors.comment_get(pk)
    try:
        MODERATION_ACTIONS[action](actor=member_of(request), comment=comment)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return _back_to(comment)
    if request.htmx:  # type: ignore[attr-defined]
        return _comment_fragment(request, selectors.comment_get(pk))
    return _back_to(comment)


@login_required
@require_http_methods(["GET", "POST"])
@ratelimit.limited("moderation")
def comment_remove(request: HttpRequest, pk: int) -> HttpResponseBase:
    """Remove a comment, with the reason readers will see in its place."""
    comment = selectors.comment_get(pk)
    actor = member_of(request)
    moderation.require_moderator(actor, comment.story.channel)
    form = RemoveForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = UNPROCESSABLE
        if form.is_valid():
            services.comment_remove(
                actor=actor, comment=comment, reason=form.cleaned_data["reason"]
            )
            messages.success(request, _("%(number)s is removed.") % {"number": comment.number})
            return _back_to(comment)
    return render(
        request,
        "discussion/comment_remove_page.html",
        {"comment": comment, "story": comment.story, "form": form},
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def comment_report(request: HttpRequest, pk: int) -> HttpResponseBase:
    comment = selectors.comment_get(pk)
    form = ReportForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = UNPROCESSABLE
        if form.is_valid():
            outcome = submit(
                form,
                request,
                scope="report",
                action=lambda: services.comment_report(
                    actor=member_of(request), comment=comment, **form.cleaned_data
                ),
            )
            if outcome.done:
                notice = _("Thank you. The channel's moderators will look at this comment.")
                if request.htmx:  # type: ignore[attr-defined]
                    return render(
                        request, "core/notice.html", {"message": notice, "role": "status"}
                    )
                messages.success(request, notice)
                return _back_to(comment)
            status = outcome.status
    template = (
        "discussion/fragments/report_form.html"
        if request.htmx  # type: ignore[attr-defined]
        else "discussion/comment_report_page.html"
    )
    return render(
        request, template, {"comment": comment, "story": comment.story, "form": form}, status=status
    )


@require_POST
@login_required
def comment_react(request: HttpRequest, pk: int) -> HttpResponseBase:
    """React to a comment, or take the reaction back; htmx swaps the button."""
    comment = selectors.comment_get(pk)
    try:
        ratelimit.check("reaction", request=request, user_id=request.user.pk)
        wanted = request.POST.get("reacted")
        if wanted in {"0", "1"}:
            reacted, count = services.reaction_set(
                actor=member_of(request), comment=comment, reacted=wanted == "1"
            )
        else:
            reacted, count = services.reaction_toggle(actor=member_of(request), comment=comment)
    except ratelimit.RateLimited as limited:
        return _refused(
            request, comment, str(limited), 429, {"Retry-After": str(limited.retry_after)}
        )
    except ValidationError as error:
        return _refused(request, comment, " ".join(error.messages), UNPROCESSABLE, {})
    if not request.htmx:  # type: ignore[attr-defined]
        return _back_to(comment)
    return render(
        request,
        "discussion/fragments/reaction.html",
        {
            "comment": comment,
            "word": moderation.rules_for(comment.story.channel_id).reaction_word,
            "count": count,
            "reacted": reacted,
        },
    )


def _refused(
    request: HttpRequest, comment: Comment, message: str, status: int, headers: dict[str, str]
) -> HttpResponseBase:
    if request.htmx:  # type: ignore[attr-defined]
        response = render(
            request,
            "core/notice.html",
            {"message": message, "role": "alert"},
            status=status,
        )
        for name, value in headers.items():
            response[name] = value
        return response
    messages.error(request, message)
    return _back_to(comment)


@require_GET
def story_threads(request: HttpRequest, public_id: str) -> HttpResponse:
    """The next batch of a story's threads, for "Load more" (htmx)."""
    story = _story_or_404(public_id)
    viewer = request.user
    policy = CommentPolicy.for_viewer(viewer, story.channel_id)
    offset = request.GET.get("offset", "0")
    limit = request.GET.get("limit", "")
    per_page = moderation.rules_for(story.channel_id).threads_per_page
    threads = comment_section(
        story=story,
        policy=policy,
        csrf_input=csrf_input_lazy(request),
        sort=request.GET.get("sort", "oldest"),
        offset=whole_number(offset, 0),
        limit=min(whole_number(limit, 0), per_page * 4) or per_page,
    )
    return HttpResponse(threads.html)


@require_POST
@login_required
@ratelimit.limited("moderation")
def story_comments(request: HttpRequest, public_id: str) -> HttpResponseBase:
    """Close a story's comments now, schedule their closing (a time in the story's zone), or
    reopen them."""
    story = _story_or_404(public_id)
    action = request.POST.get("action", "")
    at = None
    if action == "schedule":
        try:
            naive = dt.datetime.fromisoformat(request.POST.get("at", ""))
        except ValueError:
            messages.error(request, _("Give the date and time to close the comments."))
            return redirect(story.get_absolute_url() + "#comments")
        at = naive.replace(tzinfo=zoneinfo.ZoneInfo(story.time_zone))
        if at <= timezone.now():
            messages.error(request, _("That time has passed; close the comments now instead."))
            return redirect(story.get_absolute_url() + "#comments")
    services.story_comments_close(
        actor=member_of(request), story=story, at=at, reopen=action == "reopen"
    )
    messages.success(request, _("The discussion is updated."))
    return redirect(story.get_absolute_url() + "#comments")
