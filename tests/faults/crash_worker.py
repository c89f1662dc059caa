"""A process that runs one of Pantau's writes on a database and, when asked, stops in the
middle of it — after rows are written inside the transaction, before the commit — and
says so on stdout, so that a test can SIGKILL it exactly there.

    python -m tests.faults.crash_worker import URL USER_ID ROWS [--pause]
    python -m tests.faults.crash_worker action URL USER_ID CASE_ID [--pause]

It runs the same service code the server runs; a SIGKILL of it is what a SIGKILL of the
server does to a write in flight (the process dies with its connection)."""

from __future__ import annotations

import sys
import time

from sqlmodel import Session

MID_WRITE = "MID-WRITE"
DONE = "DONE"


def _pause_here() -> None:
    print(MID_WRITE, flush=True)
    time.sleep(600)


def run_import(url: str, user_id: int, count: int, pause: bool) -> None:
    from bench.imports import generate_rows, rows_csv
    from casework.intake import imports
    from casework.intake.imports import writing
    from casework.people.actors import actor_for
    from db.engine import build_engine

    engine = build_engine(url)
    data = rows_csv(generate_rows(count))
    with Session(engine, expire_on_commit=False) as session:
        actor = actor_for(session, user_id)
        sheet = imports.parse_upload("patroli.csv", data)
        plan = imports.validate_rows(session=session, actor=actor, sheet=sheet)
        if pause:
            original = writing._Writer._insert_cases

            def insert_then_pause(self, *args, **kwargs):
                inserted = original(self, *args, **kwargs)
                self.session.flush()
                _pause_here()
                return inserted

            writing._Writer._insert_cases = insert_then_pause
        result = imports.commit_import(
            session=session,
            actor=actor,
            plan=plan,
            file_name="patroli.csv",
            file_sha256=sheet.sha256,
        )
    print(DONE, result.cases_created, flush=True)


def run_action(url: str, user_id: int, case_id: int, pause: bool) -> None:
    from casework.desk import cases
    from casework.people.actors import actor_for
    from db.engine import build_engine
    from db.models import Case

    engine = build_engine(url)
    with Session(engine, expire_on_commit=False) as session:
        actor = actor_for(session, user_id)
        version = session.get(Case, case_id).version
        session.rollback()
        if pause:
            # The unit of work (casework/uow.py) commits the action: stop just before.
            original = session.commit

            def flush_then_pause():
                session.flush()
                _pause_here()
                original()

            session.commit = flush_then_pause
        case = cases.start_review(session=session, actor=actor, case_id=case_id, version=version)
    print(DONE, case.version, flush=True)


if __name__ == "__main__":
    kind, url, user, number, *flags = sys.argv[1:]
    runner = run_import if kind == "import" else run_action
    runner(url, int(user), int(number), "--pause" in flags)
