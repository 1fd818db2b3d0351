"""The whole API fuzzed from its own OpenAPI document (schemathesis): every operation gets
generated input, valid and invalid, anonymous and with a write token; no answer is a 5xx,
and every answer has a documented status, content type, headers and body.

Half the cases name real objects in their path (a live story, a comment, a channel, a
member), so the operations are walked past their 404s into the services. Deterministic
(derandomized Hypothesis, a fixed number of examples) and under a minute on the suite's
machine. Schemathesis's own pytest loader (``from_fixture``) reads a pytest internal that
pytest 9 no longer has, so the operations are walked here with Hypothesis directly.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from masthead.api.services import access_token_create
from masthead.discussion.services import comment_create, comment_report

pytestmark = pytest.mark.django_db
EXAMPLES = 20  # per operation and mode; each example is two requests
OPERATIONS = 16  # the document's; a new operation is fuzzed as soon as it is documented
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]


@pytest.fixture
def world(story: Any, member: Any, other_member: Any) -> dict[str, Any]:
    first, _ = comment_create(actor=other_member, story=story, body="Opening *words*")
    reply, _ = comment_create(actor=member, story=story, body="A reply", parent=first)
    comment_report(actor=member, comment=first, reason="spam")
    _token, secret = access_token_create(actor=member, member=member, name="fuzz", scope="write")
    return {
        "secret": secret,
        "path": {
            "public_id": story.public_key,
            "comment_id": first.pk,
            "slug": story.channel.slug,
            "handle": "reader_two",
        },
        "reply": reply,
    }


@pytest.fixture
def connection_kept() -> Any:
    """A WSGI call ends by closing the database connection, and this test's transaction with
    it; Django's test client keeps it the same way."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def _operations() -> Any:
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())
    for result in schema.get_all_operations():
        yield result.ok()


def test_every_operation_answers_as_documented(
    world: dict[str, Any], settings: Any, connection_kept: None
) -> None:
    settings.MASTHEAD_RATE_LIMITS_ENABLED = False  # reach the services, not the limiter
    token = {"Authorization": f"Bearer {world['secret']}"}
    walked: dict[str, set[int]] = {}
    for operation in _operations():
        names = re.findall(r"{(\w+)}", operation.path)
        real = {name: world["path"][name] for name in names}
        if operation.path.endswith("{comment_id}") and operation.method in ("patch", "delete"):
            real["comment_id"] = world["reply"].pk  # the token's member's own comment
        strategies = [
            operation.as_strategy(generation_mode=mode)
            for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)
        ]
        if real:
            strategies.append(operation.as_strategy(path_parameters=real))
        cases = st.one_of(*strategies)

        @given(case=cases)
        @hypothesis_settings(
            max_examples=EXAMPLES * len(strategies),
            derandomize=True,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def run(case: Any, statuses: set[int]) -> None:
            for headers in ({}, token):
                response = case.call_and_validate(checks=CHECKS, headers=headers)
                statuses.add(response.status_code)

        walked[f"{operation.method.upper()} {operation.path}"] = set()
        run(statuses=walked[f"{operation.method.upper()} {operation.path}"])
    assert len(walked) == OPERATIONS, walked
    # Past the refusals: every operation also did what it is for at least once.
    unreached = {op: s for op, s in walked.items() if not any(code < 300 for code in s)}
    assert not unreached, unreached
