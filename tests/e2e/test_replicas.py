"""Two replicas of the app on one PostgreSQL database, both started here on loopback
ports. Twenty writers, half through each replica, act on the same hundred cases through
Streamlit's own WebSocket protocol (bench/streamlit_client.py), each opening a case
and taking one of the actions it offers. Afterwards:

- every accepted action is in the database exactly once (the audit events and the
  case versions count the same as the writers);
- every refused action was refused as stale ("someone else changed this case");
- references are unique and the audit chain verifies;
- both replicas' dashboards converge on the same figures.

PostgreSQL only: SQLite is the one-process embedded default, never shared by replicas."""

from __future__ import annotations

import os
import random
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlmodel import Session, func, select

from bench.streamlit_client import StreamlitSession, sign_in
from casework.desk.cases import file_report
from casework.desk.workflow import ACTION_LABELS, Action
from casework.errors import StaleVersion
from casework.i18n import translator
from casework.people.actors import actor_for
from casework.records.audit import verify_chain
from casework.settings import Settings
from db.engine import build_engine
from db.models import AuditEvent, Case, User
from tests.conftest import ON_POSTGRES, fresh_database_url
from tests.e2e.conftest import start_server, stop_server
from tests.factories import report

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not ON_POSTGRES, reason="replicas share PostgreSQL; SQLite is one process"),
]

CASES = 100
WRITERS = 20
OPERATIONS_PER_WRITER = int(os.environ.get("PANTAU_REPLICA_OPERATIONS", "8"))
CYCLE = (Action.START_REVIEW, Action.REJECT, Action.REOPEN, Action.RESUME_REVIEW)
_ = translator("en")
LABELS = {_(ACTION_LABELS[action]): action for action in CYCLE}
STALE = _(StaleVersion.msgid)
PASSWORD = Settings(_env_file=None).demo_password


def _file_cases(url: str) -> list[int]:
    """The hundred cases, filed by the national officer from four threads at once (which
    also races the reference counter)."""
    engine = build_engine(url)
    with Session(engine) as session:
        officer_id = session.exec(select(User.id).where(User.username == "demo.officer")).one()
    ids: list[int] = []
    lock = threading.Lock()

    def file_some(worker: int) -> None:
        with Session(engine, expire_on_commit=False) as session:
            officer = actor_for(session, officer_id)
            session.rollback()
            for number in range(worker, CASES, 4):
                link = f"https://www.tiktok.com/@akun.uji/video/74{number:017d}"
                case = file_report(session=session, actor=officer, report=report(urls=[link]))
                with lock:
                    ids.append(case.id)

    with ThreadPoolExecutor(4) as pool:
        list(pool.map(file_some, range(4)))
    engine.dispose()
    return sorted(ids)


def _writer(number: int, base: str, case_ids: list[int], outcomes: list) -> None:
    """Open cases and take one offered action on each; record what happened."""
    rng = random.Random(number)
    username = "demo.officer" if number % 2 else "demo.lead"
    with StreamlitSession(base, sign_in(base, username, PASSWORD), language="en") as tab:
        for _operation in range(OPERATIONS_PER_WRITER):
            # Half the work goes to ten busy cases, so writers really collide.
            case_id = rng.choice(case_ids[:10] if rng.random() < 0.5 else case_ids)
            page = tab.open("case", f"id={case_id}")
            offered = [w for w in page.widgets if w.kind == "button" and w.label in LABELS]
            if page.exception or not offered:
                outcomes.append((number, case_id, None, "error", page.exception or page.texts))
                continue
            button = rng.choice(offered)
            action = LABELS[button.label]
            values = {
                w.id: f"Writer {number} says why."
                for w in page.widgets
                if w.kind == "text_area" and button.form_id and w.form_id == button.form_id
            }
            after = tab.click(button, values)
            if after.shows(_("Done: {action}.").format(action=button.label)):
                outcomes.append((number, case_id, action, "accepted", None))
            elif after.shows(STALE):
                outcomes.append((number, case_id, action, "stale", None))
            else:
                outcomes.append((number, case_id, action, "error", after.exception or after.texts))


def _dashboard(base: str) -> dict[str, str]:
    with StreamlitSession(base, sign_in(base, "demo.lead", PASSWORD), language="en") as tab:
        # All time, not the election the dashboard opens on: the cases are filed today.
        run = tab.open("dashboard", query="from=2000-01-01")
        assert run.exception is None
        return run.metrics


def test_twenty_writers_through_two_replicas_lose_no_update_and_both_dashboards_agree(tmp_path):
    with fresh_database_url(tmp_path) as url:
        settings = {"PANTAU_DEMO_CASE_COUNT": "0", "PANTAU_SLA_CHECK_SECONDS": "0"}
        first, base_a = start_server(url, log_path=tmp_path / "a.log", **settings)
        second, base_b = start_server(url, log_path=tmp_path / "b.log", **settings)
        try:
            case_ids = _file_cases(url)
            engine = build_engine(url)
            with Session(engine) as session:
                events_before = session.exec(select(func.max(AuditEvent.id))).one()
            before_dashboard = _dashboard(base_a), _dashboard(base_b)

            outcomes: list = []
            threads = [
                threading.Thread(
                    target=_writer,
                    args=(n, base_a if n % 2 else base_b, case_ids, outcomes),
                )
                for n in range(WRITERS)
            ]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(timeout=900)
            assert not any(thread.is_alive() for thread in threads)

            errors = [o for o in outcomes if o[3] == "error"]
            assert errors == []
            assert len(outcomes) == WRITERS * OPERATIONS_PER_WRITER
            accepted = Counter((o[1], o[2].value) for o in outcomes if o[3] == "accepted")

            with Session(engine) as session:
                events = session.exec(
                    select(AuditEvent.case_id, AuditEvent.action).where(
                        AuditEvent.id > events_before, AuditEvent.case_id.is_not(None)
                    )
                ).all()
                assert Counter(events) == accepted  # exactly once each, nothing else
                versions = dict(
                    session.exec(select(Case.id, Case.version).where(Case.id.in_(case_ids))).all()
                )
                per_case = Counter(case for case, _action in accepted.elements())
                assert versions == {case: 1 + per_case[case] for case in case_ids}
                references = session.exec(
                    select(Case.reference).group_by(Case.reference).having(func.count() > 1)
                ).all()
                assert references == []
                assert verify_chain(session).intact
            engine.dispose()

            # Both replicas' dashboards converge (each refreshes its own read model).
            deadline = time.monotonic() + 120
            while True:
                figures = _dashboard(base_a), _dashboard(base_b)
                if figures[0] == figures[1] and figures[0] != before_dashboard[0]:
                    break
                assert time.monotonic() < deadline, f"dashboards never agreed: {figures}"
                time.sleep(2)
            stale = sum(1 for o in outcomes if o[3] == "stale")
            print(f"operations {len(outcomes)}: accepted {accepted.total()}, stale {stale}")
        finally:
            stop_server(first)
            stop_server(second)
