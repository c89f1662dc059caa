"""`/healthz`: 200 only when the database answers, for load balancers and CI."""

from __future__ import annotations

import anyio
from sqlalchemy import text
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from db.engine import get_probe_engine

PROBE_TIMEOUT_SECONDS = 5


def _probe_database() -> None:
    with get_probe_engine().connect() as connection:
        # A table, not just SELECT 1: the schema must be there too.
        connection.execute(text("SELECT last_id FROM audit_head LIMIT 1"))


async def healthz(_request: Request) -> JSONResponse:
    try:
        with anyio.fail_after(PROBE_TIMEOUT_SECONDS):
            await anyio.to_thread.run_sync(_probe_database, abandon_on_cancel=True)
    except Exception:  # any failure to answer is "unhealthy"; the cause goes to the log
        import logging

        logging.getLogger(__name__).exception("health probe failed")
        return JSONResponse({"status": "unavailable", "database": "down"}, status_code=503)
    return JSONResponse({"status": "ok", "database": "up"})


routes = [Route("/healthz", healthz, methods=["GET"])]
