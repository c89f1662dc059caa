"""Several writers at once, on a database that really has several connections: a file
for SQLite (the in-memory test database shares one connection), the test schema for
PostgreSQL. Nobody draws the same reference, the audit chain stays whole, and of
several identical actions on one case version exactly one wins."""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import timedelta

import pytest
from sqlalchemy import func, text
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from casework.desk import cases
from casework.desk.cases import file_report
from casework.desk.workflow import Action
from casework.errors import InvalidTransition, StaleVersion
from casework.people.roles import Role
from casework.records.audit import record_event, verify_chain
from casework.reference.taxonomy import seed_reference_data, update_term
from db.engine import begin_write, build_engine
from db.migrate import upgrade_to_head
from db.models import AuditEvent, Case, Comment
from tests.conftest import ON_POSTGRES
from tests.factories import CAMPAIGN_NOW, advance, make_actor, make_case, make_desk, report

THREADS = 8
CASES_PER_THREAD = 10
RACERS = 6


@pytest.fixture
def shared_engine(request, tmp_path) -> Iterator[Engine]:
    """A migrated, seeded database that threads reach through separate connections."""
    if ON_POSTGRES:
        engine = request.getfixturevalue("engine")
    else:
        engine = build_engine(f"sqlite:///{tmp_path}/concurrency.db")
        upgrade_to_head(engine)
    with Session(engine) as session:
        seed_reference_data(session)
        session.commit()
    yield engine
    if not ON_POSTGRES:
        engine.dispose()


def _run_together(count: int, work: Callable[[int], object]) -> list[object]:
    """Run `work(i)` in `count` threads released at the same moment; each result is
    what `work` returned or the exception it raised."""
    start = threading.Barrier(count)
    results: list[object] = [None] * count

    def run(i: int) -> None:
        start.wait()
        try:
            results[i] = work(i)
        except Exception as error:  # collected, asserted on by the test
            results[i] = error

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "a writer hung"
    return results


def test_concurrent_filers_draw_distinct_references_and_keep_the_chain_whole(shared_engine):
    with Session(shared_engine, expire_on_commit=False) as session:
        officer = make_desk(session).officer

    def file_ten(worker: int) -> list[str]:
        references = []
        for n in range(CASES_PER_THREAD):
            with Session(shared_engine, expire_on_commit=False) as session:
                case = file_report(
                    session=session,
                    actor=officer,
                    report=report(title=f"Laporan {worker}-{n}", urls=[]),
                    now=CAMPAIGN_NOW + timedelta(seconds=worker * 100 + n),
                )
                references.append(case.reference)
        return references

    results = _run_together(THREADS, file_ten)

    assert [r for r in results if isinstance(r, Exception)] == []
    references = [ref for batch in results for ref in batch]
    total = THREADS * CASES_PER_THREAD
    assert len(set(references)) == total
    assert sorted(int(ref[-6:]) for ref in references) == list(range(1, total + 1))
    with Session(shared_engine) as session:
        assert session.exec(select(func.count()).select_from(Case)).one() == total
        report_ = verify_chain(session)
        assert (report_.intact, report_.events_checked) == (True, total)


def _case_at(engine: Engine, *path: Action):
    """A desk and a case taken along `path`, escalating after its deadline passed."""
    with Session(engine, expire_on_commit=False) as session:
        desk = make_desk(session)
        case = make_case(session, actor=desk.officer, urls=[])
        for action in path:
            now = case.sla_due_at + timedelta(hours=1) if action == Action.ESCALATE else None
            case = advance(session, desk, case, action, now=now)
        return desk, case


@pytest.mark.parametrize(
    ("path", "action", "role", "extra", "losers"),
    [
        pytest.param(
            (),
            Action.START_REVIEW,
            "officer",
            {},
            (StaleVersion, InvalidTransition),
            id="start-review-of-a-new-case",
        ),
        pytest.param(
            (Action.START_REVIEW, Action.REFER_TO_PLATFORM),
            Action.ACKNOWLEDGE,
            "liaison",
            {},
            (StaleVersion, InvalidTransition),
            id="acknowledge-a-sent-case",
        ),
        pytest.param(
            (Action.START_REVIEW, Action.REFER_TO_PLATFORM, Action.ESCALATE),
            Action.RECORD_REGULATOR_ORDER,
            "regulator",
            {"order": "Perintah pemutusan akses."},
            (StaleVersion,),
            id="record-an-order-that-keeps-the-status",
        ),
    ],
)
def test_of_identical_actions_on_one_version_exactly_one_wins(
    shared_engine, path, action, role, extra, losers
):
    desk, case = _case_at(shared_engine, *path)
    with Session(shared_engine) as session:
        events_before = session.exec(select(func.count()).select_from(AuditEvent)).one()

    def attempt(i: int):
        with Session(shared_engine, expire_on_commit=False) as session:
            done = cases.ACTION_SERVICES[action](
                session=session,
                actor=getattr(desk, role),
                case_id=case.id,
                version=case.version,
                now=case.updated_at + timedelta(minutes=1 + i),
                **extra,
            )
            return done.version

    results = _run_together(RACERS, attempt)

    outcomes = Counter(type(r).__name__ for r in results)
    assert [r for r in results if isinstance(r, int)] == [case.version + 1], outcomes
    assert all(isinstance(r, (int, *losers)) for r in results), results
    with Session(shared_engine) as session:
        stored = session.get(Case, case.id)
        assert stored.version == case.version + 1
        events = session.exec(select(func.count()).select_from(AuditEvent)).one()
        assert events == events_before + 1
        if action == Action.RECORD_REGULATOR_ORDER:
            orders = session.exec(select(Comment).where(Comment.case_id == case.id)).all()
            assert [c.body for c in orders] == ["Perintah pemutusan akses."]
        assert verify_chain(session).intact


def _wait_until_blocked_by(engine: Engine, blocker: Session, seconds: float = 10) -> None:
    """Until another connection waits for a lock `blocker` holds (PostgreSQL), or a
    moment (SQLite, where the waiter sits in its busy timeout and shows nowhere)."""
    if not ON_POSTGRES:
        time.sleep(0.5)
        return
    blocker_pid = blocker.execute(text("SELECT pg_backend_pid()")).scalar_one()
    deadline = time.monotonic() + seconds
    with engine.connect() as probe:
        while time.monotonic() < deadline:
            waiting = probe.execute(
                text(
                    "SELECT count(*) FROM pg_stat_activity "
                    "WHERE :blocker = ANY(pg_blocking_pids(pid))"
                ),
                {"blocker": blocker_pid},
            ).scalar_one()
            probe.commit()
            if waiting:
                return
            time.sleep(0.05)
    raise AssertionError("the second writer never waited for the first")


def test_two_writers_of_the_very_first_audit_events_both_succeed(shared_engine):
    with Session(shared_engine, expire_on_commit=False) as session:
        admin = make_actor(session, role=Role.ADMIN)

    outcome: list = []

    def second_writer() -> None:
        with Session(shared_engine) as session:
            try:
                term = update_term(
                    session=session,
                    actor=admin,
                    kind="category",
                    code="doxxing",
                    label_id="Doksing",
                    label_en="Doxxing",
                )
                outcome.append(term.code)
            except Exception as error:  # asserted on below
                outcome.append(error)

    with Session(shared_engine) as first:
        begin_write(first)
        record_event(first, action="first_writer", actor_id=admin.user_id)
        first.flush()
        waiter = threading.Thread(target=second_writer)
        waiter.start()
        _wait_until_blocked_by(shared_engine, first)
        first.commit()
        waiter.join(timeout=60)

    assert outcome == ["doxxing"]
    with Session(shared_engine) as session:
        report_ = verify_chain(session)
        assert (report_.intact, report_.events_checked) == (True, 2)
