"""The HTTP API for the organisations' own tools, mounted by `app.py` under `/api/v1`.

Routes parse, call one `casework` service with the token's actor, and shape the answer;
every rule, permission check and audit event is the services'. Its schema is at
`/api/v1/openapi.json` and its reference page at `/api/v1/docs`."""

from __future__ import annotations

from collections.abc import Callable

from fastapi import FastAPI, Request
from sqlalchemy.engine import Engine

from casework.analytics.figures import shared_read_model
from casework.settings import Settings, get_settings
from db.engine import get_engine
from web.api import aggregates, cases, elections, errors, keys
from web.api.body_limit import BodyLimit
from web.api.deps import TokenBuckets
from web.api.docs import reference_response

DESCRIPTION = (
    "Cases referred to a platform, and the supervisory body's own, for the tools of the "
    "organisations that work them. Authenticate with `Authorization: Bearer <token>`."
)


def _body_cap(settings: Settings) -> Callable[[dict], int]:
    def cap(scope: dict) -> int:
        # Evidence streams to its own limit (the route counts it again as it reads).
        if scope.get("method") == "POST" and scope.get("path", "").endswith("/evidence"):
            return settings.evidence_max_bytes
        return settings.api_body_max_bytes

    return cap


def create_api(
    *,
    engine: Callable[[], Engine] = get_engine,
    settings: Settings | None = None,
    read_model: Callable | None = None,
) -> FastAPI:
    """The API application. `engine`, `settings` and `read_model` default to the
    process's own; tests hand in their database."""
    settings = settings or get_settings()
    api = FastAPI(
        title="Pantau API",
        version="1.0",
        description=DESCRIPTION,
        openapi_url="/openapi.json",
        docs_url=None,
        redoc_url=None,
    )
    api.state.engine = engine
    api.state.settings = settings
    api.state.read_model = read_model or shared_read_model
    api.state.buckets = TokenBuckets(
        per_minute=settings.api_rate_per_minute, burst=settings.api_rate_burst
    )
    errors.install(api)
    # Outermost: a body over the cap is refused before anything reads or parses it.
    api.add_middleware(BodyLimit, limit=_body_cap(settings))
    api.include_router(cases.router)
    api.include_router(aggregates.router)
    api.include_router(keys.router)
    api.include_router(elections.router)

    @api.get("/docs", include_in_schema=False)
    def reference(request: Request):
        return reference_response(request.app.openapi())

    return api
