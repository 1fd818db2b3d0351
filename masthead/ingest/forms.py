from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from masthead.stories.forms import StoryForm
from masthead.stories.models import Story


class SubmitUrlForm(forms.Form):
    url = forms.CharField(
        label=_("Article address"),
        max_length=2000,
        widget=forms.URLInput(attrs={"placeholder": "https://"}),
        help_text=_("Masthead fetches the page and fills in the story."),
    )


class CandidateStoryForm(StoryForm):
    """The curated-story form, as a candidate fills it: the photo may come from the original."""

    image_url = forms.URLField(
        label=_("Photo from the original page"),
        required=False,
        max_length=2000,
        assume_scheme="https",
        help_text=_("Copied when the story is saved, unless you upload a photo instead."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("kind", Story.Kind.CURATED)
        super().__init__(*args, **kwargs)
        self.fields["action"].initial = self.ACTION_PUBLISH


class FeedSubscribeForm(forms.Form):
    url = forms.CharField(
        label=_("Feed or site address"),
        max_length=2000,
        widget=forms.URLInput(attrs={"placeholder": "https://"}),
        help_text=_("RSS, Atom, RDF or JSON Feed; a site's address finds the feed it announces."),
    )
    fetch_articles = forms.BooleanField(label=_("Fetch each new article"), required=False)


class OpmlUploadForm(forms.Form):
    opml = forms.FileField(label=_("OPML file"))
