"""`/.well-known/pantau-keys.json`: this installation's public keys, current and retired,
so that anyone can check a checkpoint, a bundle or a webhook outside Pantau."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from casework.records.signing import KEYS_PATH, published_keys


async def pantau_keys(_request: Request) -> JSONResponse:
    return JSONResponse(
        published_keys(),
        headers={"Cache-Control": "public, max-age=300", "Access-Control-Allow-Origin": "*"},
    )


routes = [Route(KEYS_PATH, pantau_keys, methods=["GET"])]
