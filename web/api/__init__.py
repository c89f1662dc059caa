"""The HTTP API (FastAPI), mounted under `/api/v1`."""

from web.api.app import create_api

__all__ = ["create_api"]
