"""The capture worker: claims due jobs, fetches each page in one long-lived Chromium,
and keeps what it found. Timeouts and fetch errors are tried again after a growing
pause, until the last attempt records them as the outcome; a login wall, a region block
or a missing page is an answer, recorded at once. One fetch at a time per worker; run
more workers for more throughput (each claims its own jobs)."""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
from datetime import timedelta

from sqlalchemy.engine import Engine
from sqlmodel import Session

from casework.capture.fetch import Browser, PageResult
from casework.capture.jobs import capture_user_id, claim_next, give_up, host_of, retry_later
from casework.capture.outcomes import Outcome, classify, markers_for
from casework.capture.schedule import capture_allowed
from casework.capture.store import record_capture
from casework.settings import Settings
from db.models import Case
from db.types import utcnow

log = logging.getLogger(__name__)

RETRIED = frozenset({Outcome.TIMEOUT, Outcome.ERROR})


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"[:80]


class HostPacer:
    """The per-host rate limit: at least `interval` seconds between two fetches from one
    host by this worker."""

    def __init__(self, interval: float):
        self.interval = interval
        self._last: dict[str, float] = {}

    def resting(self) -> frozenset[str]:
        cutoff = time.monotonic() - self.interval
        return frozenset(host for host, at in self._last.items() if at > cutoff)

    def fetched(self, host: str) -> None:
        self._last[host] = time.monotonic()

    def next_free_in(self) -> float:
        if not self._last:
            return 0.0
        return max(0.0, min(self._last.values()) + self.interval - time.monotonic())


class CaptureWorker:
    """Claims and runs capture jobs against one database with one browser."""

    def __init__(
        self,
        engine: Engine,
        settings: Settings,
        *,
        name: str | None = None,
        browser: Browser | None = None,
    ):
        """`browser`: one already started (tests and the benchmark share one); by
        default the worker starts and stops its own."""
        self.engine = engine
        self.settings = settings
        self.name = name or worker_name()
        self.pacer = HostPacer(settings.capture_host_interval_seconds)
        self._owns_browser = browser is None
        self.browser = browser or Browser(settings)
        self.stopping = threading.Event()
        self._user_id: int | None = None

    def __enter__(self) -> CaptureWorker:
        if self._owns_browser:
            self.browser.__enter__()
        return self

    def __exit__(self, *exc) -> None:
        if self._owns_browser:
            self.browser.__exit__(*exc)

    @property
    def lease(self) -> timedelta:
        # Long enough for a slow page, its screenshot and the write; a dead worker's job
        # comes due again after it.
        return timedelta(seconds=3 * self.settings.capture_timeout_seconds + 60)

    def run_one(self) -> str | None:
        """Claim and run one due job; returns its outcome, `retry`, or None when no job
        was due (or every due job's host is resting)."""
        with Session(self.engine, expire_on_commit=False) as session:
            job = claim_next(
                session, worker=self.name, lease=self.lease, resting_hosts=self.pacer.resting()
            )
            if job is None:
                return None
            case = session.get(Case, job.case_id)
            if not capture_allowed(self.settings, case.platform_code):
                give_up(
                    session, job.id, worker=self.name, reason="capture is turned off", now=utcnow()
                )
                return "off"
            markers = markers_for(session, case.platform_code)
            if self._user_id is None:
                self._user_id = capture_user_id(
                    session, organisation_id=case.reporting_organisation_id
                )
            session.rollback()  # no transaction stays open while the page loads
            self.pacer.fetched(host_of(job.url))
            if not self.browser.connected:
                # Chromium died (out of memory, a crash): start a new one.
                self.browser.__exit__(None, None, None)
                self.browser.__enter__()
            result: PageResult = self.browser.fetch(job.url, self.settings)
            outcome = classify(
                failure=result.failure,
                http_status=result.http_status,
                title=result.title,
                text=result.text,
                markers=markers,
            )
            if outcome in RETRIED and job.attempts < self.settings.capture_max_attempts:
                retry_later(
                    session, job.id, worker=self.name, error=result.error or "", now=utcnow()
                )
                log.info("capture of job %s failed (%s); trying again later", job.id, outcome)
                return "retry"
            record_capture(
                session,
                job_id=job.id,
                worker=self.name,
                result=result,
                outcome=outcome,
                user_id=self._user_id,
                settings=self.settings,
            )
            log.info("job %s (%s) of case %s: %s", job.id, job.kind, job.case_id, outcome)
            return str(outcome)

    def run(self, *, until_idle: bool = False) -> int:
        """Work until stopped (or, with `until_idle`, until no job is due); returns how
        many jobs were run."""
        done = 0
        while not self.stopping.is_set():
            try:
                outcome = self.run_one()
            except Exception:  # a database outage or a browser crash must not end the loop
                log.exception("a capture failed; carrying on")
                outcome = None
                if until_idle:
                    raise
            if outcome is not None:
                done += 1
                continue
            if until_idle and not self.pacer.resting():
                break
            wait = self.pacer.next_free_in() if self.pacer.resting() else None
            self.stopping.wait(wait if wait else self.settings.capture_poll_seconds)
        return done
