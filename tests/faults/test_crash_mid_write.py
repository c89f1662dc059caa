"""A process killed with SIGKILL in the middle of a write — rows already sent to the
database inside the transaction, the commit not yet — leaves nothing half-written: the
database passes its integrity check, the audit chain verifies, a bulk import is all or
nothing, and the same write run again afterwards goes through once.

The writes run in `tests.faults.crash_worker`, a process running the server's own
service code, which stops exactly between its inserts and its commit and says so; the
test kills it there."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlmodel import Session, func, select

from casework.desk.workflow import Status
from casework.people.roles import Role
from casework.records.backup import check_database
from casework.reference.taxonomy import seed_reference_data
from db.engine import build_engine
from db.migrate import upgrade_to_head
from db.models import AuditEvent, Case, ImportBatch
from tests.conftest import fresh_database_url
from tests.factories import make_actor, make_case
from tests.faults.crash_worker import DONE, MID_WRITE

ROOT = Path(__file__).resolve().parents[2]
IMPORT_ROWS = 1200  # more than one write chunk would hold; small enough for CI


@pytest.fixture
def database(tmp_path) -> Iterator[tuple[str, int, int]]:
    """A file (or schema) database the worker can open: its URL, an officer's user id,
    and a new case of that officer's."""
    with fresh_database_url(tmp_path) as url:
        engine = build_engine(url)
        upgrade_to_head(engine)
        with Session(engine, expire_on_commit=False) as session:
            seed_reference_data(session)
            session.commit()
            officer = make_actor(session, role=Role.OFFICER)
            case = make_case(session, actor=officer)
        engine.dispose()
        yield url, officer.user_id, case.id


def _worker(*arguments: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "tests.faults.crash_worker", *arguments],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _kill_mid_write(*arguments: str) -> None:
    """Run the worker with --pause and SIGKILL it once it is inside the write."""
    process = _worker(*arguments, "--pause")
    try:
        line = process.stdout.readline()
        assert line.strip() == MID_WRITE, process.stderr.read()
    finally:
        os.kill(process.pid, signal.SIGKILL)
        process.wait(timeout=30)
    assert process.returncode == -signal.SIGKILL


def _finish(*arguments: str) -> str:
    process = _worker(*arguments)
    out, err = process.communicate(timeout=300)
    assert process.returncode == 0, err
    assert out.startswith(DONE)
    return out.split()[1]


def _counts(url: str) -> tuple[int, int, int]:
    engine = build_engine(url, pooled=False)
    with Session(engine) as session:
        cases = session.exec(select(func.count()).select_from(Case)).one()
        events = session.exec(select(func.count()).select_from(AuditEvent)).one()
        batches = session.exec(select(func.count()).select_from(ImportBatch)).one()
    engine.dispose()
    return cases, events, batches


def _assert_sound(url: str) -> None:
    soundness = check_database(url)
    assert soundness.integrity == "ok"
    assert soundness.chain_ok, soundness.chain_detail


def test_a_bulk_import_killed_mid_write_leaves_nothing_and_runs_whole_afterwards(database):
    url, officer, _case = database
    before = _counts(url)

    _kill_mid_write("import", url, str(officer), str(IMPORT_ROWS))
    _assert_sound(url)
    assert _counts(url) == before

    created = int(_finish("import", url, str(officer), str(IMPORT_ROWS)))
    _assert_sound(url)
    cases, events, batches = _counts(url)
    assert created > 1000  # one row in ten repeats an earlier row's content
    assert (cases, batches) == (before[0] + created, before[2] + 1)
    assert events == before[1] + created


def test_a_case_action_killed_before_its_commit_leaves_the_case_as_it_was(database):
    url, officer, case_id = database
    before = _counts(url)

    _kill_mid_write("action", url, str(officer), str(case_id))
    _assert_sound(url)
    assert _counts(url) == before
    engine = build_engine(url, pooled=False)
    with Session(engine) as session:
        case = session.get(Case, case_id)
        assert (case.status, case.version) == (Status.NEW, 1)

    version = int(_finish("action", url, str(officer), str(case_id)))
    _assert_sound(url)
    with Session(engine) as session:
        assert session.get(Case, case_id).status == Status.IN_REVIEW
    engine.dispose()
    assert version == 2
    assert _counts(url)[1] == before[1] + 1
