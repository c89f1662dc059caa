"""Pantau's server entry.

`streamlit run app.py` finds `app` below; `uvicorn app:app` serves it too. The main
script lives in `pages/router.py` (not here) so that Streamlit never treats `pages/`
as a legacy multipage folder: every page goes through the router's sign-in check."""

from __future__ import annotations

import asyncio
import gc
import logging
from contextlib import asynccontextmanager
from pathlib import Path

import anyio
import streamlit as st
from sqlmodel import Session
from starlette.middleware import Middleware
from starlette.routing import Mount

from casework.auth import purge_sign_in_throttles
from casework.bootstrap import prepare_database
from casework.mailer import send_due_email
from casework.notifications import check_sla
from casework.webhook_sender import deliver_due
from db.config import get_settings
from db.engine import get_engine
from web.api import create_api
from web.headers import SecurityHeaders
from web.health import routes as health_routes
from web.signin import routes as sign_in_routes

ROOT = Path(__file__).resolve().parent


log = logging.getLogger("pantau")


def _check_deadlines() -> int:
    with Session(get_engine()) as session:
        sent = check_sla(session=session)
    with Session(get_engine()) as session:
        # Housekeeping on the same timer: expired sign-in throttle rows go.
        purge_sign_in_throttles(session=session)
    return sent


async def _deadline_watch(every: int) -> None:
    """Warn leads of deadlines at risk on a timer, whether or not anyone has a page open."""
    while True:
        try:
            sent = await anyio.to_thread.run_sync(_check_deadlines)
            if sent:
                log.info("sent %s deadline warnings", sent)
        except Exception:  # a database outage must not end the watch
            log.exception("the deadline check failed; trying again later")
        await anyio.sleep(every)


def _send_outbox() -> None:
    settings = get_settings()
    # Each outbox on its own: a failure in one must not hold up the other.
    for send in (deliver_due, send_due_email):
        try:
            with Session(get_engine()) as session:
                send(session=session, settings=settings)
        except Exception:
            log.exception("%s failed; trying again later", send.__name__)


async def _outbox_watch(every: float) -> None:
    """Send due webhook deliveries and e-mails on a timer, away from the actions that
    queued them: no user ever waits for a receiver or a mail server."""
    while True:
        try:
            await anyio.to_thread.run_sync(_send_outbox)
        except Exception:  # a receiver or database outage must not end the watch
            log.exception("sending the outbox failed; trying again later")
        await anyio.sleep(every)


@asynccontextmanager
async def lifespan(_app):
    settings = get_settings()
    log.info("preparing the database")
    await anyio.to_thread.run_sync(prepare_database, get_engine(), settings)
    # What start-up built (modules, seed data) lives as long as the process: moving it
    # out of the collector's generations keeps each full collection small. Streamlit's
    # forced collection after every script run is off (.streamlit/config.toml).
    gc.collect()
    gc.freeze()
    watches = []
    if settings.sla_check_seconds:
        watches.append(asyncio.create_task(_deadline_watch(settings.sla_check_seconds)))
    if settings.outbox_seconds:
        watches.append(asyncio.create_task(_outbox_watch(settings.outbox_seconds)))
    yield {}
    for watch in watches:
        watch.cancel()
    get_engine().dispose()


app = st.App(
    str(ROOT / "pages" / "router.py"),
    lifespan=lifespan,
    # Outermost, so Streamlit's pages and static files get the framing policy too.
    middleware=[Middleware(SecurityHeaders)],
    routes=[*health_routes, *sign_in_routes, Mount("/api/v1", app=create_api())],
)
