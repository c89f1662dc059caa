"""Pantau's server entry.

`streamlit run app.py` finds `app` below; `uvicorn app:app` serves it too. The main
script lives in `pages/router.py` (not here) so that Streamlit never treats `pages/`
as a legacy multipage folder: every page goes through the router's sign-in check."""

from __future__ import annotations

import asyncio
import gc
import importlib
import logging
import threading
import time
from contextlib import asynccontextmanager
from pathlib import Path

import anyio
import streamlit as st
from sqlmodel import Session
from starlette.middleware import Middleware
from starlette.routing import Mount

from casework.analytics.sql import shared_read_model
from casework.bootstrap import announce_first_run, prepare_database
from casework.outbox.mailer import send_due_email
from casework.outbox.notifications import check_sla
from casework.outbox.webhook_sender import deliver_due
from casework.people.auth import purge_sign_in_throttles
from casework.records.checkpoints import checkpoint_on_timer
from casework.records.signing import installation_key
from casework.settings import get_settings
from db.engine import get_engine
from web.api import create_api
from web.headers import SecurityHeaders
from web.health import routes as health_routes
from web.keys import routes as key_routes
from web.setup import routes as setup_routes
from web.signin import routes as sign_in_routes

ROOT = Path(__file__).resolve().parent


log = logging.getLogger("pantau")
# Pantau's own loggers; Streamlit configures its own ("streamlit").
OWN_LOGGERS = ("pantau", "casework", "db", "web")


def configure_logging(level: str) -> None:
    """Pantau's log on standard error at `level` (INFO by default): start-up, sign-in
    refusals, deadline warnings sent. Without this Python shows warnings only."""
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    for name in OWN_LOGGERS:
        logger = logging.getLogger(name)
        logger.setLevel(level)
        if not any(getattr(h, "pantau", False) for h in logger.handlers):
            handler.pantau = True
            logger.addHandler(handler)
        logger.propagate = False


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


def _checkpoint() -> bool:
    with Session(get_engine()) as session:
        return checkpoint_on_timer(session=session)


async def _checkpoint_watch(every: int) -> None:
    """Sign a checkpoint of the audit chain on a timer (when events were added)."""
    while True:
        try:
            if await anyio.to_thread.run_sync(_checkpoint):
                log.info("signed an audit checkpoint")
        except Exception:  # a database outage must not end the watch
            log.exception("the audit checkpoint failed; trying again later")
        await anyio.sleep(every)


def _warm_read_model() -> None:
    """Load the dashboard's read model now, so that the first dashboard after a start
    does not wait for the cold load (13 s at 1,000,000 cases), and import the pages'
    modules (pandas, Plotly, …), which the first signed-in page would otherwise wait on."""
    started = time.monotonic()
    try:
        from pages.registry import PAGES

        for spec in PAGES:
            importlib.import_module(spec.module)
    except Exception:  # the first page imports them anyway
        log.exception("importing the pages at start failed")
    try:
        shared_read_model()
    except Exception:  # the first dashboard will try again
        log.exception("loading the dashboard's read model failed; the dashboard will retry")
        return
    log.info("the dashboard's read model is loaded (%.1f s)", time.monotonic() - started)


def _capture_in_server(stopping: threading.Event) -> None:
    """A capture worker on a thread of the server (demo mode only): one Chromium, the
    same loop `python -m casework.capture` runs."""
    from casework.capture.worker import CaptureWorker

    settings = get_settings()
    try:
        with CaptureWorker(get_engine(), settings) as worker:
            worker.stopping = stopping
            worker.run()
    except Exception:  # no Chromium here, say: the server itself carries on
        log.exception("the capture worker inside the server stopped")


@asynccontextmanager
async def lifespan(_app):
    settings = get_settings()
    configure_logging(settings.log_level)
    # Refuse to start without a readable signing key, rather than at the first event.
    installation_key(settings)
    log.info("preparing the database")
    await anyio.to_thread.run_sync(prepare_database, get_engine(), settings)
    await anyio.to_thread.run_sync(announce_first_run, get_engine(), settings)
    # What start-up built (modules, seed data) lives as long as the process: moving it
    # out of the collector's generations keeps each full collection small. Streamlit's
    # forced collection after every script run is off (.streamlit/config.toml).
    gc.collect()
    gc.freeze()
    if settings.warm_read_model:
        # A daemon thread: a stop during the load does not wait for it.
        threading.Thread(target=_warm_read_model, name="read-model-warm", daemon=True).start()
    watches = []
    if settings.sla_check_seconds:
        watches.append(asyncio.create_task(_deadline_watch(settings.sla_check_seconds)))
    if settings.outbox_seconds:
        watches.append(asyncio.create_task(_outbox_watch(settings.outbox_seconds)))
    if settings.checkpoint_seconds:
        watches.append(asyncio.create_task(_checkpoint_watch(settings.checkpoint_seconds)))
    capture_stopping = threading.Event()
    if settings.capture_in_server and settings.demo_mode and settings.capture_enabled:
        threading.Thread(
            target=_capture_in_server, args=(capture_stopping,), name="capture", daemon=True
        ).start()
    yield {}
    capture_stopping.set()
    for watch in watches:
        watch.cancel()
    get_engine().dispose()


app = st.App(
    str(ROOT / "pages" / "router.py"),
    lifespan=lifespan,
    # Outermost, so Streamlit's pages and static files get the framing policy too.
    middleware=[Middleware(SecurityHeaders)],
    routes=[
        *health_routes,
        *key_routes,
        *sign_in_routes,
        *setup_routes,
        Mount("/api/v1", app=create_api()),
    ],
)
