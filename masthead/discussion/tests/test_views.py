"""Comment actions through their real URLs: plain form posts and htmx requests."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from bs4 import BeautifulSoup
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from masthead.accounts.tests.factories import MemberFactory
from masthead.discussion.models import COMMENT_EDIT_WINDOW, COMMENT_MAX_LENGTH, Comment
from masthead.discussion.services import comment_create
from masthead.stories.models import Story

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def post_url(story: Story) -> str:
    return reverse("discussion:post", kwargs={"public_id": story.public_key})


def test_reader_sees_login_prompt_and_cannot_post(client: Client, story: Story) -> None:
    page = client.get(story.get_absolute_url()).content.decode()
    assert "to join the discussion" in page and 'id="comment-form"' not in page
    response = client.post(post_url(story), {"body": "Hello"})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert Comment.objects.count() == 0


def test_member_posts_without_javascript_and_lands_on_the_comment(
    member_client: Client, story: Story
) -> None:
    response = member_client.post(post_url(story), {"body": "A *fine* point", "client_token": "t1"})
    assert response.status_code == 302
    assert response["Location"] == story.get_absolute_url() + "#comment-1-1"
    page = member_client.get(story.get_absolute_url()).content.decode()
    assert "No. 1-1" in page and "<em>fine</em>" in page


def test_reply_page_without_javascript_then_reply(
    member_client: Client, story: Story, other_member: Any
) -> None:
    first, _ = comment_create(actor=other_member, story=story, body="Opening")
    page = member_client.get(reverse("discussion:reply", kwargs={"pk": first.pk}))
    assert page.status_code == 200
    soup = BeautifulSoup(page.content, "html.parser")
    form = soup.find("form", id=f"reply-form-{first.pk}")
    assert form.find("input", {"name": "parent"})["value"] == str(first.pk)
    assert "Reply to No. 1-1" in soup.h1.get_text()
    response = member_client.post(form["action"], {"body": "A reply", "parent": first.pk})
    assert response["Location"].endswith("#comment-1-2")


def test_htmx_post_returns_the_new_thread_and_updates_the_count(
    member_client: Client, story: Story
) -> None:
    response = member_client.post(
        post_url(story), {"body": "Via htmx", "client_token": "a"}, **HTMX
    )
    assert response.status_code == 200
    soup = BeautifulSoup(response.content, "html.parser")
    assert soup.find("li", id="thread-1").select_one(".comment-number").get_text() == "No. 1-1"
    assert soup.find(id="comment-count")["data-hx-swap-oob"] == "true"
    assert soup.find(id="comment-count").get_text(strip=True) == "(1)"
    fresh = soup.find("form", id="comment-form")
    assert fresh["data-hx-swap-oob"] == "true" and fresh.find("textarea").get_text().strip() == ""
    assert soup.find(id="no-comments")["data-hx-swap-oob"] == "delete"


def test_htmx_reply_returns_a_list_item_for_the_thread(
    member_client: Client, story: Story, other_member: Any
) -> None:
    first, _ = comment_create(actor=other_member, story=story, body="Opening")
    response = member_client.post(post_url(story), {"body": "Reply", "parent": first.pk}, **HTMX)
    soup = BeautifulSoup(response.content, "html.parser")
    assert soup.select_one("li article")["id"] == "comment-1-2"
    assert soup.find(id=f"slot-{first.pk}")["data-hx-swap-oob"] == "innerHTML"


def test_double_submit_posts_once(member_client: Client, story: Story) -> None:
    data = {"body": "Only once", "client_token": "same-token"}
    first = member_client.post(post_url(story), data)
    second = member_client.post(post_url(story), data)
    assert first["Location"] == second["Location"]
    assert Comment.objects.count() == 1
    assert member_client.post(post_url(story), data, **HTMX).status_code == 204


def test_empty_comment_gets_a_clear_message(member_client: Client, story: Story) -> None:
    response = member_client.post(post_url(story), {"body": "   "})
    assert response.status_code == 422
    assert "Write something before posting." in response.content.decode()
    assert Comment.objects.count() == 0


def test_oversized_comment_is_refused_and_the_text_is_kept(
    member_client: Client, story: Story
) -> None:
    text = "word " * (COMMENT_MAX_LENGTH // 5 + 10)
    response = member_client.post(post_url(story), {"body": text})
    assert response.status_code == 422
    soup = BeautifulSoup(response.content, "html.parser")
    assert "A comment is at most 5000 characters" in soup.get_text()
    assert (
        soup.find("textarea").get_text().removeprefix("\n") == text
    )  # nothing the member wrote is lost
    htmx = member_client.post(post_url(story), {"body": text}, **HTMX)
    assert htmx.status_code == 422
    assert htmx["HX-Retarget"] == "#comment-form"


def test_rate_limit_answers_429_with_retry_after(
    member_client: Client, story: Story, settings: Any
) -> None:
    settings.MASTHEAD_RATE_LIMITS = {**settings.MASTHEAD_RATE_LIMITS, "comment:member": "2/60"}
    for n in range(2):
        assert member_client.post(post_url(story), {"body": f"n{n}"}).status_code == 302
    response = member_client.post(post_url(story), {"body": "third"})
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert "Try again in" in response.content.decode()
    assert "third" in response.content.decode()
    assert Comment.objects.count() == 2


def test_reply_to_comment_of_another_story_is_refused(
    member_client: Client, story: Story, section: Any, member: Any
) -> None:
    from masthead.stories.tests.factories import StoryFactory

    foreign, _ = comment_create(actor=member, story=StoryFactory(section=section), body="x")
    response = member_client.post(post_url(story), {"body": "Hi", "parent": foreign.pk})
    assert response.status_code == 422
    assert "not on this story" in response.content.decode()


def test_edit_within_window_and_clear_message_after(
    member_client: Client, story: Story, member: Any
) -> None:
    comment, _ = comment_create(actor=member, story=story, body="Frist")
    url = reverse("discussion:edit", kwargs={"pk": comment.pk})
    assert member_client.post(url, {"body": "First"}).status_code == 302
    comment.refresh_from_db()
    assert comment.body_source == "First"
    Comment.objects.filter(pk=comment.pk).update(
        created_at=timezone.now() - COMMENT_EDIT_WINDOW - dt.timedelta(minutes=1)
    )
    response = member_client.post(url, {"body": "Second thoughts"})
    assert response.status_code == 403
    assert "can be edited for 15 minutes" in response.content.decode()
    assert "Second thoughts" in response.content.decode()  # the new text is still in the form
    comment.refresh_from_db()
    assert comment.body_source == "First"
    page = member_client.get(story.get_absolute_url()).content.decode()
    assert url not in page  # no edit link once the window has closed


def test_delete_confirm_page_and_tombstone(
    member_client: Client, story: Story, member: Any
) -> None:
    comment, _ = comment_create(actor=member, story=story, body="Delete me")
    url = reverse("discussion:delete", kwargs={"pk": comment.pk})
    assert "Delete No. 1-1?" in member_client.get(url).content.decode()
    member_client.post(url)
    page = member_client.get(story.get_absolute_url()).content.decode()
    assert "No. 1-1" in page and "deleted by its author" in page and "Delete me" not in page


def test_moderation_buttons_only_for_the_channels_curators(
    member_client: Client, curator_client: Client, client: Client, story: Story, other_member: Any
) -> None:
    comment, _ = comment_create(actor=other_member, story=story, body="Hide me")
    hide = reverse("discussion:hide", kwargs={"pk": comment.pk})
    assert hide not in member_client.get(story.get_absolute_url()).content.decode()
    assert hide in curator_client.get(story.get_absolute_url()).content.decode()
    assert member_client.post(hide).status_code == 403
    assert client.post(hide).status_code == 302  # to the login page
    comment.refresh_from_db()
    assert comment.status == Comment.Status.VISIBLE
    response = curator_client.post(hide, **HTMX)
    assert response.status_code == 200 and "Hidden from readers" in response.content.decode()
    reader_page = client.get(story.get_absolute_url()).content.decode()
    assert "Hide me" not in reader_page and "hidden by the channel" in reader_page
    curator_client.post(reverse("discussion:restore", kwargs={"pk": comment.pk}))
    assert "Hide me" in client.get(story.get_absolute_url()).content.decode()


def test_report_form_and_one_report_per_member(
    member_client: Client, story: Story, other_member: Any
) -> None:
    comment, _ = comment_create(
        actor=other_member, story=story, body="My cousin sells watches, ask me"
    )
    url = reverse("discussion:report", kwargs={"pk": comment.pk})
    assert member_client.post(url, {"reason": "other", "note": ""}).status_code == 422
    response = member_client.post(url, {"reason": "spam"})
    assert response.status_code == 302
    member_client.post(url, {"reason": "spam"})
    assert comment.reports.count() == 1


def test_unknown_comment_is_404(member_client: Client) -> None:
    assert member_client.get(reverse("discussion:reply", kwargs={"pk": 999999})).status_code == 404


def test_closing_comments_reaches_the_post_view_at_once(
    member_client: Client, story: Story
) -> None:
    from masthead.stories.services import story_update

    assert member_client.post(post_url(story), {"body": "Before"}).status_code == 302
    story = story_update(actor=None, story=story, comments_open=False)
    response = member_client.post(post_url(story), {"body": "After"})
    assert response.status_code == 403
    assert "Comments on this story are closed." in response.content.decode()
    assert Comment.objects.count() == 1


def test_a_channel_moderator_moderates_on_the_story_page_but_not_elsewhere(
    client: Client, story: Story, member: Any, other_member: Any
) -> None:
    from masthead.channels.models import ChannelRole
    from masthead.channels.services import role_grant
    from masthead.channels.tests.factories import ChannelFactory

    comment, _ = comment_create(actor=other_member, story=story, body="Hide me")
    role_grant(actor=None, channel=story.channel, user=member, role=ChannelRole.Role.MODERATOR)
    client.force_login(member)
    hide = reverse("discussion:hide", kwargs={"pk": comment.pk})
    page = client.get(story.get_absolute_url()).content.decode()
    desk = reverse("stories:desk", kwargs={"channel": story.channel.slug})
    assert hide in page and f'href="{desk}"' not in page
    assert client.post(hide).status_code == 302
    comment.refresh_from_db()
    assert comment.status == comment.Status.HIDDEN

    elsewhere = Client()
    other_moderator = MemberFactory(handle="othermod")
    role_grant(
        actor=None, channel=ChannelFactory(), user=other_moderator, role=ChannelRole.Role.MODERATOR
    )
    elsewhere.force_login(other_moderator)
    restore = reverse("discussion:restore", kwargs={"pk": comment.pk})
    assert elsewhere.post(restore).status_code == 403


def test_editing_someone_elses_comment_is_refused_before_any_form(
    member_client: Client, story: Story, other_member: Any
) -> None:
    comment, _ = comment_create(actor=other_member, story=story, body="Mine, not yours")
    url = reverse("discussion:edit", kwargs={"pk": comment.pk})
    page = member_client.get(url)
    assert page.status_code == 403
    assert (
        "Only its author can edit a comment, in the first minutes after posting."
        in page.content.decode()
    )
    assert "Mine, not yours" not in page.content.decode()  # no form carrying the text
    fragment = member_client.get(url, **HTMX)
    assert fragment.status_code == 403
    assert fragment.content.decode().strip() == (
        '<p class="notice" role="alert">'
        "Only its author can edit a comment, in the first minutes after posting.</p>"
    )
    assert member_client.post(url, {"body": "Edited by a stranger"}).status_code == 403
    comment.refresh_from_db()
    assert comment.body_source == "Mine, not yours"


def test_the_author_is_told_the_edit_window_closed_when_opening_the_form(
    member_client: Client, story: Story, member: Any
) -> None:
    comment, _ = comment_create(actor=member, story=story, body="Too late")
    Comment.objects.filter(pk=comment.pk).update(
        created_at=timezone.now() - COMMENT_EDIT_WINDOW - dt.timedelta(minutes=1)
    )
    page = member_client.get(reverse("discussion:edit", kwargs={"pk": comment.pk}))
    assert page.status_code == 403
    assert "can be edited for 15 minutes" in page.content.decode()
