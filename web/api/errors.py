"""Domain errors as HTTP answers: the same refusals the pages show, as JSON with a stable
code and a message in the caller's language."""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from casework.errors import (
    CaseNotFound,
    DomainError,
    InvalidTransition,
    PermissionDenied,
    StaleVersion,
    ValidationError,
)
from casework.i18n import N_, translator
from casework.outbox.api_tokens import TokenRejected
from web.api.deps import RateLimited, language
from web.api.models import Problem

log = logging.getLogger(__name__)

# Most specific first: the first class an error is an instance of decides.
STATUS = (
    (TokenRejected, 401, "unauthenticated"),
    (CaseNotFound, 404, "not_found"),
    (PermissionDenied, 403, "forbidden"),
    (StaleVersion, 409, "stale_version"),
    (InvalidTransition, 409, "invalid_transition"),
    (ValidationError, 422, "validation"),
    (DomainError, 400, "refused"),
)
RATE_LIMITED = N_("Too many requests with this token; try again in {seconds} seconds.")
INVALID_REQUEST = N_("Please correct the highlighted fields.")


_DESCRIBED = {
    401: "The token is missing, unknown, revoked or expired.",
    403: "The token lacks the scope, or its role may not do this.",
    404: "No such case within the token's scope.",
    409: "The case changed since you read it (`stale_version`), or the action is not "
    "possible in its state (`invalid_transition`).",
    422: "Invalid input; `detail` names each field.",
    429: "Rate limit reached; wait `Retry-After` seconds.",
}
# The error answers every route documents in the OpenAPI schema.
ERRORS = {
    status: {"model": Problem, "description": description}
    for status, description in _DESCRIBED.items()
}


def install(app: FastAPI) -> None:
    """Map domain errors, rate limiting and request validation to their answers."""

    @app.exception_handler(DomainError)
    async def domain_error(request: Request, error: DomainError) -> JSONResponse:
        gettext = translator(language(request))
        status, code = next((s, c) for cls, s, c in STATUS if isinstance(error, cls))
        body = {"error": code, "message": error.translated(gettext)}
        if isinstance(error, ValidationError):
            body["detail"] = [
                # "statement.puid" names a field inside the body's "statement".
                {"loc": ["body", *field.split(".")], "msg": gettext(msgid), "type": "value_error"}
                for field, msgid in error.field_errors.items()
            ]
        headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
        return JSONResponse(body, status_code=status, headers=headers)

    @app.exception_handler(RateLimited)
    async def rate_limited(request: Request, error: RateLimited) -> JSONResponse:
        message = translator(language(request))(RATE_LIMITED).format(seconds=error.retry_after)
        return JSONResponse(
            {"error": "rate_limited", "message": message},
            status_code=429,
            headers={"Retry-After": str(error.retry_after)},
        )

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, error: RequestValidationError) -> JSONResponse:
        detail = [
            {"loc": list(e["loc"]), "msg": e["msg"], "type": e["type"]} for e in error.errors()
        ]
        message = translator(language(request))(INVALID_REQUEST)
        return JSONResponse(
            {"error": "validation", "message": message, "detail": detail}, status_code=422
        )
