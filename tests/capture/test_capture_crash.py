"""A capture worker killed with SIGKILL while it keeps a capture leaves no half-written
evidence: no file, no blob, no capture, an intact audit chain, and the job still
waiting, which a worker started afterwards captures exactly once."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from sqlmodel import Session, func, select

from casework.records.audit import verify_chain
from casework.reference.taxonomy import seed_reference_data
from db.engine import build_engine
from db.migrate import upgrade_to_head
from db.models import AuditEvent, Capture, CaptureJob, Evidence, EvidenceBlob
from tests.capture import platform as site
from tests.capture.conftest import SEED, file_case, run_worker
from tests.capture.crash_capture import MID_WRITE
from tests.conftest import fresh_database_url

pytestmark = pytest.mark.browser
ROOT = Path(__file__).resolve().parents[2]


def _count(session, model) -> int:
    return session.exec(select(func.count()).select_from(model)).one()


def test_a_worker_killed_mid_capture_leaves_nothing_half_written(
    tmp_path, browser, platform, settings
):
    with fresh_database_url(tmp_path) as url:
        engine = build_engine(url)
        upgrade_to_head(engine)
        with Session(engine, expire_on_commit=False) as session:
            seed_reference_data(session)
            session.commit()
            case = file_case(session, settings, platform.url(site.TIKTOK_VIDEO))
            events_before = _count(session, AuditEvent)
        env = {
            **os.environ,
            "PYTHONPATH": str(ROOT),
            "DATABASE_URL": url,
            "PANTAU_SIGNING_KEY": SEED,
            "PANTAU_SIGNING_KEYRING_FILE": str(tmp_path / "keyring.json"),
            "PANTAU_CAPTURE_HOST_INTERVAL_SECONDS": "0",
        }
        worker = subprocess.Popen(
            [sys.executable, "-m", "tests.capture.crash_capture", url],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            start_new_session=True,
        )
        try:
            line = worker.stdout.readline()
            assert line.strip() == MID_WRITE, worker.stderr.read()
        finally:
            os.killpg(worker.pid, signal.SIGKILL)
            worker.wait(timeout=30)

        with Session(engine, expire_on_commit=False) as session:
            assert _count(session, Evidence) == 0
            assert _count(session, EvidenceBlob) == 0
            assert _count(session, Capture) == 0
            assert _count(session, AuditEvent) == events_before
            assert verify_chain(session).intact
            job = session.exec(select(CaptureJob).where(CaptureJob.case_id == case.id)).one()
            assert (job.status, job.attempts) == ("pending", 1)

            # The lease ends; the next worker captures it, once.
            job.due_at = job.created_at
            session.add(job)
            session.commit()
            assert run_worker(session, browser, settings) == 1
            assert _count(session, Capture) == 1
            assert _count(session, Evidence) == 4
            assert verify_chain(session).intact
        engine.dispose()
