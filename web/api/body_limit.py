"""A cap on API request bodies, enforced before anything reads or parses them.

FastAPI reads and parses a JSON body before the route's dependencies run, so without
this a 400 MB body with no token at all was held in memory before the 401 (issue 15,
finding 2). The cap counts the bytes as they arrive, so a chunked body without a
Content-Length is stopped too. Evidence uploads stream to their own, larger limit."""

from __future__ import annotations

import json
from collections.abc import Callable

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from casework.i18n import N_, translator

TOO_LARGE = N_("The request body is too large.")


def _language(scope: Scope) -> str:
    for name, value in scope.get("headers", ()):
        if name == b"accept-language" and value[:2].lower() in (b"id",):
            return "id"
    return "en"


class BodyLimit:
    """ASGI middleware: 413 for a body over `limit(scope)` bytes, declared or streamed."""

    def __init__(self, app: ASGIApp, *, limit: Callable[[Scope], int]) -> None:
        self.app, self.limit = app, limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        cap = self.limit(scope)
        for name, value in scope.get("headers", ()):
            if name == b"content-length":
                try:
                    declared = int(value)
                except ValueError:
                    declared = cap + 1
                if declared > cap:
                    await self._refuse(scope, send)
                    return
        received = 0
        started = refused = False

        async def counted() -> Message:
            # Past the cap the answer goes out at once, and the app is told the client
            # left: it stops reading, and whatever it answers then is dropped.
            nonlocal received, refused
            if refused:
                return {"type": "http.disconnect"}
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > cap:
                    refused = True
                    if not started:
                        await self._refuse(scope, send)
                    return {"type": "http.disconnect"}
            return message

        async def watched(message: Message) -> None:
            nonlocal started
            if refused:
                return
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        await self.app(scope, counted, watched)

    @staticmethod
    async def _refuse(scope: Scope, send: Send) -> None:
        message = translator(_language(scope))(TOO_LARGE)
        body = json.dumps({"error": "too_large", "message": message}).encode("utf-8")
        await send(
            {
                "type": "http.response.start",
                "status": 413,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(body)).encode()),
                    (b"connection", b"close"),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})
