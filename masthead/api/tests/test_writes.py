"""The API's writes through their real URLs, at every permission boundary: anonymous, the
member, another member, a banned member, a moderator; by token (each scope) and by session
(with and without CSRF); the site's rate limits; and what the database holds after each."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from masthead.api.models import AccessToken
from masthead.api.services import access_token_create, access_token_revoke
from masthead.channels.models import ChannelRole, Follow
from masthead.channels.services import role_grant
from masthead.discussion.models import COMMENT_EDIT_WINDOW, Comment, CommentReport, Reaction
from masthead.discussion.services import comment_create, comment_hide
from masthead.moderation.models import Ban, ChannelRules, WordRule
from masthead.moderation.services import ban_create, rules_update, word_rule_add
from masthead.stories.models import Story

pytestmark = pytest.mark.django_db
PROBLEM = "application/problem+json"
PREMODERATE_ALL = ChannelRules.Premoderation.ALL


class Api:
    """A client of the API with a token (or a session, or nobody)."""

    def __init__(self, token: str = "", client: Client | None = None) -> None:
        self.client = client or Client()
        self.headers = {"Authorization": f"Bearer {token}"} if token else {}

    def call(self, method: str, url: str, body: Any = None, **extra: Any) -> Any:
        data = json.dumps(body) if body is not None else ""
        response = getattr(self.client, method)(
            url,
            data=data,
            content_type="application/json",
            headers={**self.headers, **extra},
        )
        assert response.status_code < 500, response.content
        if response.status_code >= 400:
            assert response["Content-Type"] == PROBLEM, response.content
            assert response.json()["detail"]
        return response


def as_member(member: Any, scope: str = "write") -> Api:
    _token, secret = access_token_create(actor=member, member=member, name="t", scope=scope)
    return Api(secret)


def comments_url(story: Story) -> str:
    return f"/api/v1/stories/{story.public_key}/comments"


@pytest.fixture
def moderator(db: Any, story: Story) -> Any:
    from masthead.accounts.tests.factories import MemberFactory

    user = MemberFactory(handle="mod_one", display_name="Mod One")
    role_grant(actor=None, channel=story.channel, user=user, role=ChannelRole.Role.MODERATOR)
    return user


@pytest.fixture
def banned(db: Any, story: Story, moderator: Any) -> Any:
    from masthead.accounts.tests.factories import MemberFactory

    user = MemberFactory(handle="banned_one", display_name="Banned One")
    ban_create(
        actor=moderator, user=user, channel=story.channel, kind=Ban.Kind.READ_ONLY, reason="Spam"
    )
    return user


def test_anonymous_writes_are_401(story: Story, other_member: Any) -> None:
    comment, _ = comment_create(actor=other_member, story=story, body="Hi")
    anonymous = Api()
    for method, url, body in [
        ("post", comments_url(story), {"body": "Hello"}),
        ("patch", f"/api/v1/comments/{comment.pk}", {"body": "x"}),
        ("delete", f"/api/v1/comments/{comment.pk}", None),
        ("put", f"/api/v1/comments/{comment.pk}/reaction", None),
        ("post", f"/api/v1/comments/{comment.pk}/reports", {"reason": "spam"}),
        ("put", f"/api/v1/channels/{story.channel.slug}/follow", None),
    ]:
        response = anonymous.call(method, url, body)
        assert response.status_code == 401, (method, url)
        assert response["WWW-Authenticate"].startswith("Bearer")
    assert Comment.objects.count() == 1 and not Follow.objects.exists()


def test_member_posts_a_comment_and_a_reply(story: Story, member: Any) -> None:
    api = as_member(member)
    made = api.call("post", comments_url(story), {"body": "A *fine* point"})
    assert made.status_code == 201
    body = made.json()
    assert body["number"] == "1-1" and body["body_html"] == "<p>A <em>fine</em> point</p>"
    assert body["author"]["handle"] == "reader_one" and body["status"] == "visible"
    by_number = api.call("post", comments_url(story), {"body": "Me again", "parent": "1-1"})
    assert by_number.status_code == 201 and by_number.json()["number"] == "1-2"
    by_id = api.call("post", comments_url(story), {"body": "Third", "parent": body["id"]})
    assert by_id.json()["number"] == "1-3" and by_id.json()["parent"] == "1-1"
    assert Story.objects.get(pk=story.pk).comment_count == 3


def test_client_token_makes_one_comment(story: Story, member: Any) -> None:
    api = as_member(member)
    first = api.call("post", comments_url(story), {"body": "Once", "client_token": "abc"})
    second = api.call("post", comments_url(story), {"body": "Once", "client_token": "abc"})
    assert (first.status_code, second.status_code) == (201, 200)
    assert first.json()["id"] == second.json()["id"] and Comment.objects.count() == 1


def test_bad_comment_input_names_the_field(story: Story, member: Any, other_member: Any) -> None:
    api = as_member(member)
    for body, field in [
        ({}, "body"),
        ({"body": "   "}, "body"),
        ({"body": "x" * 5001}, "body"),
        ({"body": "nul \u0000 here"}, "body"),
        ({"body": "Hi", "parent": "9-9"}, "parent"),
        ({"body": "Hi", "parent": 987654}, "parent"),
        ({"body": "Hi", "parent": ["1-1"]}, "parent"),
        ({"body": 5}, "body"),
    ]:
        response = api.call("post", comments_url(story), body)
        assert response.status_code == 422, body
        assert field in [e["field"] for e in response.json()["errors"]], response.json()
    elsewhere, _ = comment_create(
        actor=other_member,
        story=Story.objects.exclude(pk=story.pk).first() or _another_story(story),
        body="Elsewhere",
    )
    response = api.call("post", comments_url(story), {"body": "Hi", "parent": elsewhere.pk})
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "parent"
    assert not Comment.objects.filter(story=story).exists()


def _another_story(story: Story) -> Story:
    from masthead.stories.tests.factories import StoryFactory

    return StoryFactory(section=story.section)


def test_bodies_must_be_json(story: Story, member: Any) -> None:
    api = as_member(member)
    form = api.client.post(
        comments_url(story), {"body": "Hello"}, headers=api.headers
    )  # multipart, as a form would send it
    assert form.status_code == 415 and form["Content-Type"] == PROBLEM
    encoded = api.client.post(
        comments_url(story),
        "body=Hello",
        content_type="application/x-www-form-urlencoded",
        headers=api.headers,
    )
    assert encoded.status_code == 415
    broken = api.client.post(
        comments_url(story), "{not json", content_type="application/json", headers=api.headers
    )
    assert broken.status_code == 400 and broken["Content-Type"] == PROBLEM
    assert not Comment.objects.exists()


def test_posting_to_stories_readers_cannot_see(member: Any, stories: dict[str, Any]) -> None:
    api = as_member(member)
    for name in ("draft", "scheduled", "withdrawn"):
        response = api.call("post", comments_url(stories[name]), {"body": "Hi"})
        assert response.status_code == 404, name
    closed = stories["original"]
    Story.objects.filter(pk=closed.pk).update(comments_open=False)
    response = api.call("post", comments_url(closed), {"body": "Hi"})
    assert response.status_code == 403 and "closed" in response.json()["detail"]
    assert not Comment.objects.exists()


def test_screening_holds_a_comment_as_on_the_site(
    story: Story, member: Any, moderator: Any
) -> None:
    word_rule_add(actor=moderator, channel=story.channel, phrase="ferrymen", kind="suspect")
    api = as_member(member)
    held = api.call("post", comments_url(story), {"body": "About the ferrymen"})
    assert held.status_code == 201 and held.json()["status"] == "pending"
    assert Comment.objects.get().status == Comment.Status.PENDING
    # Readers do not see it; its author and moderators do.
    anonymous = Api().call("get", comments_url(story)).json()["items"]
    assert anonymous == []
    assert [c["status"] for c in api.call("get", comments_url(story)).json()["items"]] == [
        "pending"
    ]
    word_rule_add(actor=moderator, channel=story.channel, phrase="oars", kind="banned")
    refused = api.call("post", comments_url(story), {"body": "Pull the oars"})
    assert refused.status_code in (403, 422)
    assert Comment.objects.count() == 1 and WordRule.objects.count() == 2


def test_premoderated_channel_holds_every_comment(
    story: Story, member: Any, moderator: Any
) -> None:
    rules_update(actor=moderator, channel=story.channel, premoderation=PREMODERATE_ALL)
    made = as_member(member).call("post", comments_url(story), {"body": "Hello"})
    assert made.json()["status"] == "pending"


def test_edit_and_delete_own_comment_only(
    story: Story, member: Any, other_member: Any, moderator: Any
) -> None:
    mine = as_member(member)
    comment_id = mine.call("post", comments_url(story), {"body": "Frist"}).json()["id"]
    url = f"/api/v1/comments/{comment_id}"
    for someone in (as_member(other_member), as_member(moderator)):
        assert someone.call("patch", url, {"body": "Defaced"}).status_code == 403
        assert someone.call("delete", url).status_code == 403
    assert Comment.objects.get(pk=comment_id).body_source == "Frist"
    edited = mine.call("patch", url, {"body": "First"})
    assert edited.status_code == 200 and edited.json()["body_html"] == "<p>First</p>"
    assert edited.json()["edited_at"] is not None
    assert mine.call("patch", url, {"body": ""}).status_code == 422
    deleted = mine.call("delete", url)
    assert deleted.status_code == 200 and deleted.json()["status"] == "deleted"
    assert mine.call("delete", url).json()["status"] == "deleted"  # deleting again: the same
    stored = Comment.objects.get(pk=comment_id)
    assert stored.deleted_at is not None and stored.body_source == ""


def test_edit_window_closes(story: Story, member: Any) -> None:
    comment, _ = comment_create(actor=member, story=story, body="Old")
    Comment.objects.filter(pk=comment.pk).update(
        created_at=timezone.now() - COMMENT_EDIT_WINDOW - dt.timedelta(minutes=1)
    )
    response = as_member(member).call("patch", f"/api/v1/comments/{comment.pk}", {"body": "New"})
    assert response.status_code == 403 and "minutes" in response.json()["detail"]


def test_react_and_take_it_back(story: Story, member: Any, other_member: Any) -> None:
    comment, _ = comment_create(actor=other_member, story=story, body="Good")
    api = as_member(member)
    url = f"/api/v1/comments/{comment.pk}/reaction"
    assert api.call("put", url).json() == {"reacted": True, "reaction_count": 1}
    assert api.call("put", url).json() == {"reacted": True, "reaction_count": 1}  # once
    assert Reaction.objects.filter(comment=comment, member=member).count() == 1
    assert api.call("delete", url).json() == {"reacted": False, "reaction_count": 0}
    own = as_member(other_member).call("put", url)
    assert own.status_code == 422 and "own" in own.json()["detail"]
    assert not Reaction.objects.exists()


def test_report_a_comment(story: Story, member: Any, other_member: Any) -> None:
    comment, _ = comment_create(actor=other_member, story=story, body="Buy pills")
    api = as_member(member)
    url = f"/api/v1/comments/{comment.pk}/reports"
    assert api.call("post", url, {"reason": "spam"}).status_code == 201
    assert api.call("post", url, {"reason": "other", "note": "Also rude"}).status_code == 201
    report = CommentReport.objects.get()
    assert (report.reason, report.note, report.reporter) == ("other", "Also rude", member)
    assert Comment.objects.get(pk=comment.pk).open_reports == 1
    needs_note = api.call("post", url, {"reason": "other"})
    assert needs_note.status_code == 422 and needs_note.json()["errors"][0]["field"] == "note"
    assert api.call("post", url, {"reason": "boring"}).status_code == 422
    assert as_member(other_member).call("post", url, {"reason": "spam"}).status_code == 422


def test_hidden_comment_takes_no_reaction_or_report_but_moderators_see_it(
    story: Story, member: Any, other_member: Any, moderator: Any
) -> None:
    comment, _ = comment_create(actor=other_member, story=story, body="Hmm")
    comment_hide(actor=moderator, comment=comment)
    api = as_member(member)
    assert api.call("put", f"/api/v1/comments/{comment.pk}/reaction").status_code == 422
    report = api.call("post", f"/api/v1/comments/{comment.pk}/reports", {"reason": "spam"})
    assert report.status_code == 422
    seen = as_member(moderator, "read").call("get", f"/api/v1/comments/{comment.pk}").json()
    assert seen["status"] == "hidden" and seen["body_html"] == "<p>Hmm</p>"
    assert api.call("get", f"/api/v1/comments/{comment.pk}").json()["body_html"] is None


def test_banned_member_is_refused_every_write_the_site_refuses(
    story: Story, banned: Any, other_member: Any
) -> None:
    comment, _ = comment_create(actor=other_member, story=story, body="Hi")
    api = as_member(banned)
    post = api.call("post", comments_url(story), {"body": "Spam"})
    assert post.status_code == 403 and "Spam" in post.json()["detail"]
    assert api.call("put", f"/api/v1/comments/{comment.pk}/reaction").status_code == 403
    report = api.call("post", f"/api/v1/comments/{comment.pk}/reports", {"reason": "spam"})
    assert report.status_code == 403
    assert Comment.objects.count() == 1 and not Reaction.objects.exists()
    assert not CommentReport.objects.exists()
    # Reading is not writing: a read-only ban still reads.
    assert api.call("get", comments_url(story)).status_code == 200


def test_site_wide_full_ban_ends_the_tokens(story: Story, member: Any, moderator: Any) -> None:
    from masthead.channels.services import site_moderator_set

    api = as_member(member)
    site_moderator_set(actor=None, user=moderator, value=True)
    ban_create(
        actor=moderator,
        user=member,
        channel=None,
        kind=Ban.Kind.FULL,
        reason="Abuse",
        expires_at=timezone.now() + dt.timedelta(days=2),
    )
    assert api.call("get", comments_url(story)).status_code == 401
    assert api.call("post", comments_url(story), {"body": "Hi"}).status_code == 401


def test_follow_and_unfollow(story: Story, member: Any) -> None:
    api = as_member(member)
    url = f"/api/v1/channels/{story.channel.slug}/follow"
    assert api.call("put", url).json() == {"channel": story.channel.slug, "following": True}
    assert api.call("put", url).status_code == 200
    assert Follow.objects.filter(member=member, channel=story.channel).count() == 1
    assert api.call("delete", url).json()["following"] is False
    assert not Follow.objects.exists()
    assert api.call("put", "/api/v1/channels/no-such-channel/follow").status_code == 404


def test_read_scope_reads_but_does_not_write(story: Story, member: Any) -> None:
    reader = as_member(member, "read")
    assert reader.call("get", comments_url(story)).status_code == 200
    refused = reader.call("post", comments_url(story), {"body": "Hi"})
    assert refused.status_code == 403 and "write scope" in refused.json()["detail"]
    assert not Comment.objects.exists()


def test_tokens_that_open_nothing(story: Story, member: Any) -> None:
    token, secret = access_token_create(actor=member, member=member, name="t", scope="write")
    access_token_revoke(actor=member, token=token)
    for header in [f"Bearer {secret}", "Bearer mh_nothing", "Basic dXNlcjpwdw==", "Bearer "]:
        api = Api()
        api.headers = {"Authorization": header}
        assert api.call("get", comments_url(story)).status_code == 401, header
        assert api.call("post", comments_url(story), {"body": "Hi"}).status_code == 401, header
    assert not Comment.objects.exists()


def test_token_use_is_recorded(story: Story, member: Any) -> None:
    api = as_member(member)
    api.call("get", "/api/v1/channels")  # a read of anonymous data sends no token check...
    api.call("get", comments_url(story))
    assert AccessToken.objects.get().last_used_at is not None


def test_session_writes_need_the_csrf_token(story: Story, member: Any) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(member)
    session = Api(client=client)
    refused = session.call("post", comments_url(story), {"body": "Hi"})
    assert refused.status_code == 403 and "CSRF" in refused.json()["detail"]
    assert session.call("get", comments_url(story)).status_code == 200  # reads need none
    client.get("/accounts/tokens/")  # any page sets the CSRF cookie
    csrf = client.cookies["csrftoken"].value
    made = session.call("post", comments_url(story), {"body": "Hi"}, X_CSRFToken=csrf)
    assert made.status_code == 201 and Comment.objects.get().author == member


def test_rate_limit_is_the_sites(story: Story, member: Any, settings: Any) -> None:
    settings.MASTHEAD_RATE_LIMITS = {**settings.MASTHEAD_RATE_LIMITS, "comment:member": "2/60"}
    api = as_member(member)
    for n in range(2):
        assert api.call("post", comments_url(story), {"body": f"No. {n}"}).status_code == 201
    limited = api.call("post", comments_url(story), {"body": "One more"})
    assert limited.status_code == 429 and 1 <= int(limited["Retry-After"]) <= 60
    assert "too often" in limited.json()["detail"]
    # The site's own form counts in the same window.
    site = Client()
    site.force_login(member)
    page = site.post(f"/stories/{story.public_key}/comments/", {"body": "From the page"})
    assert page.status_code == 429
    assert Comment.objects.count() == 2


def test_reaction_rate_limit(story: Story, member: Any, other_member: Any, settings: Any) -> None:
    settings.MASTHEAD_RATE_LIMITS = {**settings.MASTHEAD_RATE_LIMITS, "reaction:member": "1/3600"}
    comment, _ = comment_create(actor=other_member, story=story, body="Good")
    api = as_member(member)
    assert api.call("put", f"/api/v1/comments/{comment.pk}/reaction").status_code == 200
    limited = api.call("delete", f"/api/v1/comments/{comment.pk}/reaction")
    assert limited.status_code == 429 and limited["Retry-After"]
    assert Reaction.objects.count() == 1


def test_a_password_changed_ends_the_members_tokens(story: Story, member: Any) -> None:
    # As it ends their sessions: a token made from a stolen session outlives no reset.
    api = as_member(member)
    assert api.call("post", comments_url(story), {"body": "Before."}).status_code == 201
    member.set_password("a-brand-new-pass-phrase")
    member.save(update_fields=["password"])
    refused = api.call("post", comments_url(story), {"body": "After."})
    assert refused.status_code == 401 and "password changed" in refused.json()["detail"]
    assert api.call("get", comments_url(story)).status_code == 401  # reads too: it is ended
    fresh = as_member(member)  # a token made after the change works
    assert fresh.call("post", comments_url(story), {"body": "Again."}).status_code == 201
