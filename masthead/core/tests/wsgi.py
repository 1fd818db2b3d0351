"""A GET through the real WSGI application, as a server calls it: the page cache, which
answers before Django's middleware, is seen only this way (the test client bypasses it)."""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any
from wsgiref.util import setup_testing_defaults

from masthead.wsgi import application


@dataclass
class Response:
    status: int
    headers: dict[str, str]
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode()


def get(path: str, **headers: str) -> Response:
    """``path`` (with its query string) asked with ``headers`` (``Accept_Encoding="gzip"``)."""
    environ: dict[str, Any] = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": path.split("?")[0],
        "QUERY_STRING": path.partition("?")[2],
        "SERVER_NAME": "testserver",
        "wsgi.input": io.BytesIO(),
    }
    for name, value in headers.items():
        environ["HTTP_" + name.upper().replace("-", "_")] = value
    setup_testing_defaults(environ)
    started: dict[str, Any] = {}

    def start_response(status: str, response_headers: list[tuple[str, str]], exc_info: Any = None):
        started.update(status=int(status.split()[0]), headers=dict(response_headers))
        return lambda data: None

    result = application(environ, start_response)
    try:
        body = b"".join(result)
    finally:
        getattr(result, "close", lambda: None)()
    return Response(started["status"], started["headers"], body)
