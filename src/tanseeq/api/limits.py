"""The request body-size limit, enforced before anything reads or parses the body.

A declared ``Content-Length`` over the limit is refused at once; a body without one (chunked) is
counted while it streams in and refused as soon as it passes the limit, so a client can never
make the hub buffer more than ``max_body_bytes``. Either way the answer is a 413 problem, never
a 5xx.
"""

from __future__ import annotations

import json

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from tanseeq.api.problems import MEDIA_TYPE, TYPE_BASE


def _detail(limit: int) -> str:
    return f"request body larger than {limit} bytes"


class BodyTooLarge(HTTPException):
    """Raised from ``receive`` once a streamed body passes the limit. An ``HTTPException``, so
    the framework's body reader passes it on untouched to the problem handlers."""

    def __init__(self, limit: int) -> None:
        super().__init__(413, _detail(limit))


class BodySizeLimit:
    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = _content_length(scope)
        if declared is not None and declared > self.max_bytes:
            await self._refuse(scope, receive, send)
            return
        received = 0
        started = False

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    raise BodyTooLarge(self.max_bytes)
            return message

        async def watched_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, limited_receive, watched_send)
        except BodyTooLarge:
            # Reached only when nothing inside turned it into a response (a plain ASGI path).
            if started:
                raise
            await self._refuse(scope, receive, send)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send) -> None:
        body = json.dumps(
            {
                "type": TYPE_BASE + "too-large",
                "title": "Too large",
                "status": 413,
                "detail": _detail(self.max_bytes),
                "instance": scope.get("path", ""),
            }
        ).encode()
        await send(
            {
                "type": "http.response.start",
                "status": 413,
                "headers": [
                    (b"content-type", MEDIA_TYPE.encode()),
                    (b"content-length", str(len(body)).encode()),
                    (b"connection", b"close"),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})


def _content_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", ()):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None
