"""What the routers share: the refusals each read documents, and request helpers."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.http import HttpRequest
from ninja import Schema

from ..schemas import ProblemOut

# Every operation may answer these (bad input, a token that is not valid, nothing there).
READ_ERRORS: dict[int, Any] = {400: ProblemOut, 401: ProblemOut, 404: ProblemOut, 422: ProblemOut}
WRITE_ERRORS: dict[int, Any] = {
    **READ_ERRORS,
    403: ProblemOut,
    415: ProblemOut,
    429: ProblemOut,
}


def next_link(request: HttpRequest, params: Schema | None = None, **changes: Any) -> str:
    """This request's address with ``changes`` to its query (None drops a parameter). With
    ``params``, the query is made of them, validated, alone: a parameter the operation does not
    know is not carried on, so the answer depends on the validated query only (a kept answer,
    api/representations.py, is filed under it)."""
    if params is None:
        query = dict(request.GET.items())
    else:
        given = params.model_dump(mode="json", exclude_none=True, exclude_defaults=True)
        query = {key: str(value) for key, value in given.items()}
    for key, value in changes.items():
        if value is None:
            query.pop(key, None)
        else:
            query[key] = str(value)
    return request.build_absolute_uri(request.path + "?" + urlencode(query))
