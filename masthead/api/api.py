"""The API object: /api/v1/, its OpenAPI 3.1 document, ETags on reads, problems on errors."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.utils.cache import get_conditional_response, patch_vary_headers
from ninja import NinjaAPI
from ninja.openapi.schema import OpenAPISchema
from ninja.operation import Operation

from masthead.core.pagecache import etag_for

from . import problems
from .routers import channels, comments, profiles, search, stories

DESCRIPTION = """Masthead's public API: channels, stories, comments, profiles and search to
read, anonymously; comments, reactions, reports and follows to write, as a member.

**Authentication.** A personal access token, made on your account's *API tokens* page
(`/accounts/tokens/`) and sent as `Authorization: Bearer <token>`: the *read* scope reads as
you (your comments held for review, a moderator's view), the *write* scope also writes. The
site's own pages use the session cookie, with the CSRF token in `X-CSRFToken` on writes.

**Errors** are RFC 9457 problem details (`application/problem+json`) with a `detail` for a
person and, for input that did not validate, `errors` naming each field. Writes are held to
the site's rate limits: 429 with `Retry-After` (seconds).

**Caching.** Every read has a strong `ETag`; send it back in `If-None-Match` for a 304.

**Lists** are newest first (comments: in number order) and paged by an opaque cursor: follow
`next` until it is null.
"""


class MastheadAPI(NinjaAPI):
    def get_openapi_operation_id(self, operation: Operation) -> str:
        # The handler's own name ("story_list"): unique in the API, and what clients call it.
        return operation.view_func.__name__

    def get_openapi_schema(
        self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None
    ) -> OpenAPISchema:
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        # Refusals are problem details: say so, as the responses' Content-Type does.
        for operations in schema.get("paths", {}).values():
            for operation in operations.values():
                for status, response in operation.get("responses", {}).items():
                    content = response.get("content", {})
                    if int(status) >= 400 and "application/json" in content:
                        content[problems.MEDIA_TYPE] = content.pop("application/json")
        return schema


def conditional(request: HttpRequest, response: HttpResponseBase) -> HttpResponseBase:
    """A read's ETag (the hash of its bytes), and 304 for a client that has them. What a read
    shows depends on who asks (their held comments, a moderator's view), hence the Vary."""
    if request.method not in {"GET", "HEAD"} or response.status_code != 200:
        return response
    patch_vary_headers(response, ["Authorization", "Cookie"])
    response.headers.setdefault("Cache-Control", "private, no-cache")
    if not isinstance(response, HttpResponse):
        return response
    etag = response.get("ETag") or etag_for(response.content)  # kept answers carry theirs
    response["ETag"] = etag
    conditional_response = get_conditional_response(request, etag=etag, response=response)
    return conditional_response or response


api = MastheadAPI(
    title="Masthead API",
    version="1",
    description=DESCRIPTION,
    urls_namespace="api",
    openapi_url="/openapi.json",
    docs_url=None,  # the docs page is ours (views.docs): vendored assets, the site's CSP
)
problems.install(api)
api.add_router("/channels", channels.router)
api.add_router("/stories", stories.router)
api.add_router("", comments.router)  # /stories/{id}/comments and /comments/{id}
api.add_router("/profiles", profiles.router)
api.add_router("/search", search.router)
