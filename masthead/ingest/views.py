"""The curators' pages for the web: the review queue, a submitted URL becoming a story, and
the channel's feeds. Each works as plain forms; htmx swaps parts in place where it helps."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from masthead.accounts.auth import member_of
from masthead.channels.models import Channel
from masthead.core.forms import UNPROCESSABLE, submit
from masthead.core.numbers import whole_number
from masthead.stories.views import curator_required

from . import selectors, services
from .feeds import FeedError, OpmlOutline, export_opml, parse_opml
from .forms import CandidateStoryForm, FeedSubscribeForm, OpmlUploadForm, SubmitUrlForm
from .models import Candidate, Feed, Item

OPML_MAX_BYTES = 2 * 1024 * 1024


@curator_required
def queue(request: HttpRequest, channel: Channel) -> HttpResponse:
    status = request.GET.get("status", Candidate.Status.PENDING)
    if status not in Candidate.Status.values:
        status = Candidate.Status.PENDING
    candidates = list(selectors.queue(channel=channel, status=status)[: selectors.QUEUE_PAGE])
    return render(
        request,
        "ingest/queue.html",
        {
            "channel": channel,
            "candidates": candidates,
            "status": status,
            "counts": selectors.queue_counts(channel=channel),
            "form": SubmitUrlForm(),
        },
    )


@curator_required
@require_POST
def submit_url(request: HttpRequest, channel: Channel) -> HttpResponseBase:
    form = SubmitUrlForm(request.POST)
    if form.is_valid():
        outcome = submit(
            form,
            request,
            scope="story",
            action=lambda: services.candidate_submit(
                actor=member_of(request), channel=channel, url=form.cleaned_data["url"]
            ),
        )
        result = outcome.value
        if result is not None and result.story_here is not None:
            messages.info(
                request,
                _("This article is already curated in %(channel)s.") % {"channel": channel.name},
            )
            return redirect(result.story_here.get_absolute_url())
        if result is not None and result.candidate is not None:
            for story in result.stories_elsewhere:
                messages.info(
                    request,
                    _("%(channel)s curated this article too: %(url)s")
                    % {"channel": story.channel.name, "url": story.get_absolute_url()},
                )
            return redirect("ingest:candidate", channel=channel.slug, pk=result.candidate.pk)
        status = outcome.status
    else:
        status = UNPROCESSABLE
    return render(
        request,
        "ingest/queue.html",
        {
            "channel": channel,
            "status": Candidate.Status.PENDING,
            "form": form,
            "candidates": list(selectors.queue(channel=channel)[: selectors.QUEUE_PAGE]),
            "counts": selectors.queue_counts(channel=channel),
        },
        status=status,
    )


@curator_required
@require_http_methods(["GET", "POST"])
def candidate(request: HttpRequest, channel: Channel, pk: int) -> HttpResponseBase:
    """A candidate becoming a story: while its article is being fetched the page waits (and
    refreshes itself), for FETCH_PATIENCE at most; then the curated-story form, filled from
    the article, or empty with the reason and "Try again" if the fetch failed or was lost."""
    found = selectors.candidate_get(channel=channel, pk=pk)
    if found.status == Candidate.Status.ACCEPTED and found.story is not None:
        return redirect(found.story.get_absolute_url())
    item = found.item
    overdue = item.fetch_overdue()
    waiting = item.fetch_state == Item.Fetch.QUEUED and not overdue
    if request.htmx and waiting:  # type: ignore[attr-defined]
        return HttpResponse(status=204)  # still fetching: htmx asks again
    initial = services.candidate_initial(found)
    form = CandidateStoryForm(
        request.POST or None,
        request.FILES or None,
        channel=channel,
        initial={**initial, "comments_open": True},
    )
    status = 200
    if request.method == "POST":
        status = UNPROCESSABLE
        if form.is_valid():
            data = form.cleaned_data
            outcome = submit(
                form,
                request,
                scope="story",
                action=lambda: services.candidate_accept(
                    actor=member_of(request),
                    candidate=found,
                    action=data["action"],
                    publish_at=data.get("publish_at"),
                    image=data.get("image"),
                    image_url=data.get("image_url", ""),
                    source_name=data.get("source_name", ""),
                    **form.story_fields(),
                ),
            )
            if outcome.value is not None:
                messages.success(
                    request, _("Saved “%(headline)s”.") % {"headline": outcome.value.headline}
                )
                if notice := form.photo_text_notice(outcome.value):
                    messages.info(request, notice)
                return redirect(outcome.value.get_absolute_url())
            found.refresh_from_db(fields=["status", "story"])
            if found.status == Candidate.Status.ACCEPTED and found.story is not None:
                # The same form sent twice: the first made the story.
                messages.info(request, _("This candidate is already a story."))
                return redirect(found.story.get_absolute_url())
            status = outcome.status
    response = render(
        request,
        "ingest/candidate.html",
        {
            "channel": channel,
            "candidate": found,
            "item": item,
            "form": form,
            "waiting": waiting,
            "overdue": overdue,
        },
        status=status,
    )
    if request.htmx:  # type: ignore[attr-defined]
        response["HX-Refresh"] = "true"  # the article is in: show the whole filled page
    return response


@curator_required
@require_POST
def candidate_refetch(request: HttpRequest, channel: Channel, pk: int) -> HttpResponseBase:
    found = selectors.candidate_get(channel=channel, pk=pk)
    services.candidate_refetch(actor=member_of(request), candidate=found)
    return redirect("ingest:candidate", channel=channel.slug, pk=found.pk)


@curator_required
@require_POST
def dismiss(request: HttpRequest, channel: Channel) -> HttpResponseBase:
    ids = [
        n for value in request.POST.getlist("candidate") if (n := whole_number(value)) is not None
    ]
    count = services.candidates_dismiss(actor=member_of(request), channel=channel, ids=ids)
    if request.htmx:  # type: ignore[attr-defined]
        return HttpResponse("")  # the row goes
    messages.success(
        request,
        ngettext("%(count)d candidate dismissed.", "%(count)d candidates dismissed.", count)
        % {"count": count},
    )
    return redirect("ingest:queue", channel=channel.slug)


# --- feeds -----------------------------------------------------------------------------------


def _feeds_page(
    request: HttpRequest,
    channel: Channel,
    *,
    form: Any = None,
    upload: Any = None,
    status: int = 200,
) -> HttpResponse:
    return render(
        request,
        "ingest/feeds.html",
        {
            "channel": channel,
            "feeds": list(selectors.feeds(channel=channel)),
            "form": form or FeedSubscribeForm(),
            "upload": upload or OpmlUploadForm(),
        },
        status=status,
    )


@curator_required
@require_http_methods(["GET", "POST"])
def feeds(request: HttpRequest, channel: Channel) -> HttpResponseBase:
    if request.method == "GET":
        return _feeds_page(request, channel)
    form = FeedSubscribeForm(request.POST)
    if form.is_valid():
        outcome = submit(
            form,
            request,
            scope="story",
            action=lambda: services.feed_subscribe(
                actor=member_of(request),
                channel=channel,
                url=form.cleaned_data["url"],
                fetch_articles=form.cleaned_data["fetch_articles"],
            ),
        )
        if outcome.value is not None:
            messages.success(request, _("Subscribed to %(feed)s.") % {"feed": outcome.value})
            if outcome.value.last_warning:
                messages.warning(
                    request,
                    _("Its items are read, but the feed has a flaw: %(warning)s")
                    % {"warning": outcome.value.last_warning},
                )
            return redirect("ingest:feeds", channel=channel.slug)
        return _feeds_page(request, channel, form=form, status=outcome.status)
    return _feeds_page(request, channel, form=form, status=UNPROCESSABLE)


@curator_required
@require_POST
def feed_change(request: HttpRequest, channel: Channel, pk: int) -> HttpResponseBase:
    feed = selectors.feed_get(channel=channel, pk=pk)
    actor = member_of(request)
    action = request.POST.get("action", "")
    try:
        if action == "remove":
            if services.feed_remove(actor=actor, feed=feed):
                messages.success(request, _("Unsubscribed from %(feed)s.") % {"feed": feed})
        elif action in {"fetch_articles_on", "fetch_articles_off"}:
            services.feed_update(actor=actor, feed=feed, fetch_articles=action.endswith("_on"))
        elif action in {"pause", "resume"}:
            state = Feed.State.PAUSED if action == "pause" else Feed.State.ACTIVE
            services.feed_update(actor=actor, feed=feed, state=state)
        elif action == "poll":
            services.feed_update(actor=actor, feed=feed, poll_now=True)
            messages.success(request, _("%(feed)s will be polled in a moment.") % {"feed": feed})
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("ingest:feeds", channel=channel.slug)


@curator_required
@require_POST
def opml_import(request: HttpRequest, channel: Channel) -> HttpResponseBase:
    upload = OpmlUploadForm(request.POST, request.FILES)
    if not upload.is_valid():
        return _feeds_page(request, channel, upload=upload, status=UNPROCESSABLE)
    data = upload.cleaned_data["opml"].read(OPML_MAX_BYTES + 1)
    try:
        if len(data) > OPML_MAX_BYTES:
            raise FeedError(_("The file is larger than 2 MB."))
        outlines = parse_opml(data)
    except FeedError as error:
        upload.add_error("opml", str(error))
        return _feeds_page(request, channel, upload=upload, status=UNPROCESSABLE)
    added = 0
    for outline in outlines:
        try:
            _feed, created = services.feed_add(
                actor=member_of(request),
                channel=channel,
                url=outline.xml_url,
                title=outline.title,
                site_url=outline.html_url,
            )
        except ValidationError:
            continue
        added += int(created)
    messages.success(
        request,
        _(
            "%(added)s of %(total)s feeds added; the rest were there "
            "already or had no usable address."
        )
        % {"added": added, "total": len(outlines)},
    )
    return redirect("ingest:feeds", channel=channel.slug)


@curator_required
def opml_export(request: HttpRequest, channel: Channel) -> HttpResponse:
    outlines = [
        OpmlOutline(xml_url=feed.url, title=feed.title or feed.url, html_url=feed.site_url)
        for feed in selectors.feeds(channel=channel)
    ]
    response = HttpResponse(
        export_opml(outlines, title=f"{channel.name} feeds"),
        content_type="text/x-opml; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="{channel.slug}-feeds.opml"'
    return response
