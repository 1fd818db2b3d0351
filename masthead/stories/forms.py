from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from masthead.channels.models import Channel, Section
from masthead.core.timefmt import COMMON_ZONES, zone, zone_names

from .models import HEADLINE_MAX_LENGTH, PIN_PLACES, Story


def zone_choices() -> list[tuple[str, str]]:
    rest = sorted(zone_names() - set(COMMON_ZONES))
    return [(name, name) for name in COMMON_ZONES] + [(name, name) for name in rest]


class StoryForm(forms.Form):
    """The fields a curator writes. Curated stories add the original URL and the source."""

    ACTION_DRAFT = "draft"
    ACTION_PUBLISH = "publish"
    ACTION_SCHEDULE = "schedule"

    section = forms.ModelChoiceField(
        queryset=Section.objects.none(), label=_("Section"), empty_label=None
    )
    headline = forms.CharField(label=_("Headline"), max_length=HEADLINE_MAX_LENGTH)
    byline = forms.CharField(
        label=_("Byline"),
        max_length=200,
        required=False,
        help_text=_("The writers' names, without “By”."),
    )
    original_url = forms.URLField(
        label=_("Original article URL"), max_length=2000, required=False, assume_scheme="https"
    )
    original_published_at = forms.DateTimeField(
        label=_("Original article's time"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d"],
        help_text=_(
            "When the publisher published the article, in the story's time zone: the story's "
            "page shows it."
        ),
    )
    source_name = forms.CharField(
        label=_("Publisher"),
        max_length=200,
        required=False,
        help_text=_("As the original article names it, e.g. The Daily Planet."),
    )
    time_zone = forms.ChoiceField(
        label=_("Time zone"),
        choices=zone_choices,
        help_text=_("The story's time is shown in this zone."),
    )
    excerpt = forms.CharField(
        label=_("Excerpt"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One or two sentences for lists and link previews."),
    )
    body = forms.CharField(
        label=_("Body"),
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 18}),
        help_text=_(
            "Markdown (## subheading, > quote, - list, [link](url)) "
            "or HTML. Anything else is removed."
        ),
    )
    image = forms.FileField(
        label=_("Lead photo"),
        required=False,
        help_text=_(
            "JPEG, PNG, WebP or GIF. A caption and credit the photo carries fill the fields "
            "below if you leave them empty."
        ),
    )
    remove_image = forms.BooleanField(label=_("Remove the current photo"), required=False)
    image_caption = forms.CharField(label=_("Caption"), max_length=500, required=False)
    image_credit = forms.CharField(
        label=_("Credit"),
        max_length=200,
        required=False,
        help_text=_("e.g. Photographer: Jane Doe/Agency"),
    )
    image_alt = forms.CharField(
        label=_("Alt text"),
        max_length=300,
        required=False,
        help_text=_("What the photo shows, for readers who cannot see it."),
    )
    comments_open = forms.BooleanField(label=_("Comments open"), required=False, initial=True)
    action = forms.ChoiceField(
        label=_("When"),
        initial=ACTION_DRAFT,
        widget=forms.RadioSelect,
        choices=[
            (ACTION_DRAFT, _("Save as draft")),
            (ACTION_PUBLISH, _("Publish now")),
            (ACTION_SCHEDULE, _("Schedule")),
        ],
    )
    publish_at = forms.DateTimeField(
        label=_("Publish at"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        help_text=_("In the story's time zone."),
    )

    def __init__(
        self, *args: Any, channel: Channel, kind: str, story: Story | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.channel, self.kind, self.story = channel, kind, story
        self.fields["section"].queryset = channel.sections.all()  # type: ignore[attr-defined]
        if kind == Story.Kind.CURATED:
            self.fields["original_url"].required = True
        else:
            del self.fields["original_url"], self.fields["source_name"]
            del self.fields["original_published_at"]
        if story is None or not story.image:
            del self.fields["remove_image"]
        if story is not None and story.status in Story.LIVE_STATUSES:
            self.fields["action"].choices = [  # type: ignore[attr-defined]
                (self.ACTION_PUBLISH, _("Keep published")),
                (self.ACTION_SCHEDULE, _("Reschedule")),
                (self.ACTION_DRAFT, _("Unpublish (back to draft)")),
            ]
            self.fields["action"].initial = self.ACTION_PUBLISH

    def photo_text_notice(self, story: Story) -> str:
        """What to tell the curator when the saved story has a caption or credit where they
        left the field empty: only the photo's own metadata fills one ("" when none did)."""
        left_empty = [
            name
            for name in ("image_caption", "image_credit")
            if not (self.cleaned_data.get(name) or "").strip() and getattr(story, name)
        ]
        if not left_empty:
            return ""
        if len(left_empty) == 2:
            return str(_("The caption and credit came with the photo: check them."))
        if left_empty == ["image_caption"]:
            return str(_("The caption came with the photo: check it."))
        return str(_("The credit came with the photo: check it."))

    def _in_story_zone(self, name: str) -> dt.datetime | None:
        """A datetime-local field's value, read in the zone the form chose for the story."""
        value: dt.datetime | None = self.cleaned_data.get(name)
        if value is None:
            return None
        tz_name = self.data.get(self.add_prefix("time_zone")) or "UTC"
        if tz_name not in zone_names():
            return None
        naive = timezone.make_naive(value) if timezone.is_aware(value) else value
        return naive.replace(tzinfo=zone(tz_name))

    def clean_publish_at(self) -> dt.datetime | None:
        return self._in_story_zone("publish_at")

    def clean_original_published_at(self) -> dt.datetime | None:
        value = self._in_story_zone("original_published_at")
        if value is not None and value > timezone.now() + dt.timedelta(days=1):
            raise forms.ValidationError(_("The original article cannot be from the future."))
        return value

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("action") == self.ACTION_SCHEDULE:
            at = data.get("publish_at")
            if at is None:
                self.add_error("publish_at", _("Choose when to publish."))
            elif at <= timezone.now():
                self.add_error("publish_at", _("A scheduled time must be in the future."))
        if self.kind == Story.Kind.ORIGINAL and not (data.get("body") or "").strip():
            self.add_error("body", _("An original story needs a body."))
        return data

    def story_fields(self) -> dict[str, Any]:
        data = self.cleaned_data
        names = [
            "section",
            "headline",
            "byline",
            "time_zone",
            "excerpt",
            "body",
            "image_caption",
            "image_credit",
            "image_alt",
            "comments_open",
        ]
        if self.kind == Story.Kind.CURATED:
            names += ["original_url", "original_published_at"]
        return {name: data[name] for name in names}


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label=_("Why is the story withdrawn?"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Readers who follow a link to the story see this."),
    )


class PinForm(forms.Form):
    """Where and until when a story is pinned (stories/pins.py). ``where`` is offered to site
    editors only: curators pin to their channel's page."""

    WHERE_CHANNEL, WHERE_FRONT = "channel", "front"

    where = forms.ChoiceField(
        label=_("Pin to"),
        widget=forms.RadioSelect,
        initial=WHERE_CHANNEL,
        choices=[(WHERE_CHANNEL, _("The channel's page")), (WHERE_FRONT, _("The front page"))],
    )
    place = forms.TypedChoiceField(
        label=_("Place"),
        coerce=int,
        initial=1,
        choices=[(n, str(n)) for n in range(1, PIN_PLACES + 1)],
        help_text=_("1 is the first place; the other stories fill the places around it."),
    )
    expires_at = forms.DateTimeField(
        label=_("Until"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        help_text=_("In the story's time zone. Empty: until it is unpinned."),
    )

    def __init__(self, *args: Any, story: Story, may_pin_front: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.story = story
        if not may_pin_front:
            del self.fields["where"]

    @property
    def front(self) -> bool:
        return self.cleaned_data.get("where") == self.WHERE_FRONT

    def clean_expires_at(self) -> dt.datetime | None:
        value: dt.datetime | None = self.cleaned_data.get("expires_at")
        if value is None:
            return None
        naive = timezone.make_naive(value) if timezone.is_aware(value) else value
        return naive.replace(tzinfo=zone(self.story.time_zone))
