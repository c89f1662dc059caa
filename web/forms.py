"""Reading posted forms safely: a size cap, strict decoding, a double-submit CSRF token,
and redirect targets that can only stay on this site."""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from urllib.parse import parse_qsl, urlsplit

from starlette.requests import ClientDisconnect, Request
from starlette.responses import Response

MAX_FORM_BYTES = 16 * 1024
MAX_FIELDS = 20
FORM_TYPE = "application/x-www-form-urlencoded"

CSRF_COOKIE = "pantau_csrf"
CSRF_FIELD = "csrf_token"
_CSRF_VALUE = re.compile(r"[A-Za-z0-9_-]{43}")  # secrets.token_urlsafe(32)


class FormRejected(Exception):
    """The request body is not a form we accept; `status` says why (400 or 413)."""

    def __init__(self, status: int) -> None:
        super().__init__(status)
        self.status = status


async def read_form(request: Request) -> dict[str, str]:
    """The fields of a small URL-encoded form (the first value of each name).

    Refuses, before parsing, anything that is not such a form (400) or is larger than
    MAX_FORM_BYTES (413), by its Content-Length and by what actually arrives."""
    declared = request.headers.get("content-length")
    if declared is not None:
        if not declared.strip().isdigit():
            raise FormRejected(400)
        if int(declared) > MAX_FORM_BYTES:
            raise FormRejected(413)
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type != FORM_TYPE:
        raise FormRejected(400)
    body = bytearray()
    try:
        async for chunk in request.stream():
            body += chunk
            if len(body) > MAX_FORM_BYTES:
                raise FormRejected(413)
    except ClientDisconnect as error:
        raise FormRejected(400) from error
    try:
        text = body.decode("utf-8")
        pairs = parse_qsl(
            text,
            keep_blank_values=True,
            strict_parsing=bool(text),
            encoding="utf-8",
            errors="strict",
            max_num_fields=MAX_FIELDS,
        )
    except (UnicodeDecodeError, ValueError) as error:
        raise FormRejected(400) from error
    form: dict[str, str] = {}
    for name, value in pairs:
        form.setdefault(name, value)
    return form


def is_https(request: Request) -> bool:
    return request.url.scheme == "https"


def _form_token(secret: str, value: str) -> str:
    return hmac.new(
        secret.encode("utf-8"), b"pantau-csrf:" + value.encode("ascii"), hashlib.sha256
    ).hexdigest()


def csrf_token(request: Request, secret: str) -> tuple[str, str | None]:
    """The token to put in a form, and a new CSRF cookie value to set (None when the
    browser already has a well-formed one, which is then reused)."""
    value = request.cookies.get(CSRF_COOKIE, "")
    if _CSRF_VALUE.fullmatch(value):
        return _form_token(secret, value), None
    value = secrets.token_urlsafe(32)
    return _form_token(secret, value), value


def csrf_ok(request: Request, form: dict[str, str], secret: str) -> bool:
    """The form's token is the server's signature of the browser's CSRF cookie: a page
    on another site can neither read the cookie nor sign a value of its own."""
    value = request.cookies.get(CSRF_COOKIE, "")
    sent = form.get(CSRF_FIELD, "")
    if not _CSRF_VALUE.fullmatch(value) or not sent.isascii():
        return False
    return hmac.compare_digest(_form_token(secret, value), sent)


def set_csrf_cookie(response: Response, value: str, *, secure: bool) -> None:
    # A browser-session cookie; SameSite=Strict keeps it off every cross-site request.
    response.set_cookie(
        CSRF_COOKIE, value, path="/", httponly=True, samesite="strict", secure=secure
    )


def safe_next(value: str | None) -> str:
    """`value` if it is a path on this site, else `/`. Refuses `//host`, `/\\host`,
    schemes and control characters, each of which a browser may follow off-site."""
    if not isinstance(value, str) or not value.startswith("/") or len(value) > 500:
        return "/"
    if value.startswith("//") or "\\" in value:
        return "/"
    if any(ord(ch) < 0x20 or ord(ch) == 0x7F for ch in value):
        return "/"
    parts = urlsplit(value)
    if parts.scheme or parts.netloc:
        return "/"
    return value
