"""Pantau's server entry.

`streamlit run app.py` finds `app` below; `uvicorn app:app` serves it too. The main
script lives in `pages/router.py` (not here) so that Streamlit never treats `pages/`
as a legacy multipage folder: every page goes through the router's sign-in check."""

from __future__ import annotations

import logging
from contextlib import asynccontextmanager
from pathlib import Path

import anyio
import streamlit as st

from casework.bootstrap import prepare_database
from db.config import get_settings
from db.engine import get_engine
from web.health import routes as health_routes
from web.signin import routes as sign_in_routes

ROOT = Path(__file__).resolve().parent


@asynccontextmanager
async def lifespan(_app):
    settings = get_settings()
    logging.getLogger("pantau").info("preparing the database")
    await anyio.to_thread.run_sync(prepare_database, get_engine(), settings)
    yield {}
    get_engine().dispose()


app = st.App(
    str(ROOT / "pages" / "router.py"),
    lifespan=lifespan,
    routes=[*health_routes, *sign_in_routes],
)
