"""Headers on every answer of the server: Streamlit's pages, its static files, our
routes and the API. Pantau must not be framed by another site (clickjacking: a hidden
Pantau under a decoy page, one click away from "Refer" or "Close").

Streamlit's own pages keep Streamlit's scripts and styles working, so their policy is
about framing and plugins, not scripts: `frame-ancestors 'self'` (Streamlit may frame
its own origin) and `X-Frame-Options: SAMEORIGIN` for older browsers. Our own HTML
routes (web/html.py) send their stricter policy, which this leaves as it is."""

from __future__ import annotations

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

DEFAULT_HEADERS = {
    "Content-Security-Policy": "frame-ancestors 'self'; object-src 'none'; base-uri 'self'",
    "X-Frame-Options": "SAMEORIGIN",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}


class SecurityHeaders:
    """ASGI middleware: add `DEFAULT_HEADERS` to each HTTP answer that lacks them."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in DEFAULT_HEADERS.items():
                    if name not in headers:
                        headers[name] = value
            await send(message)

        await self.app(scope, receive, with_headers)
