"""What one click on the case page costs: script runs, database transactions and SQL
statements, counted by an AppTest probe of the real router on a seeded demo database
(120 cases), signed in as `demo.officer`, clicking "Start review" on a new case.

    python -m bench.case_click                      # this tree only
    python -m bench.case_click --before /path/to/an/older/tree

With `--before`, the same probe (this file) runs in a subprocess against each tree in
turn, so the two figures come from the same run on the same machine. The counts do not
depend on the machine; the wall time does (2 shared cores here)."""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve()
CASES = 120


def probe() -> dict:
    """Runs inside the tree being measured (its root first on sys.path)."""
    from sqlalchemy import event
    from sqlalchemy.orm import Session as OrmSession
    from sqlmodel import Session, select
    from streamlit.testing.v1 import AppTest
    from streamlit.util import calc_hash

    try:  # settings moved out of db/ in issue 14
        from casework import settings as config
    except ImportError:
        from db import config
    from casework.bootstrap import prepare_database
    from db import engine as engine_module
    from db.models import Case, User
    from pages import ui

    root = Path.cwd()
    workdir = Path(tempfile.mkdtemp(prefix="pantau-click-"))
    os.environ["DATABASE_URL"] = f"sqlite:///{workdir / 'pantau.db'}"
    os.environ["PANTAU_DEMO_MODE"] = "true"
    os.environ["PANTAU_DEMO_CASE_COUNT"] = str(CASES)
    config.get_settings.cache_clear()
    engine_module.get_engine.cache_clear()
    engine = engine_module.get_engine()
    prepare_database(engine, config.get_settings())
    issuer = "https://idp.test.invalid"
    with Session(engine) as session:
        for user in session.exec(select(User).where(User.is_demo)):
            user.oidc_issuer, user.oidc_subject = issuer, user.username
            session.add(user)
        session.commit()
        case_id = session.exec(
            select(Case.id).where(Case.status == "new").order_by(Case.id)
        ).first()

    counts = {"runs": 0, "statements": 0, "writes": 0, "transactions": 0}

    @event.listens_for(engine, "before_cursor_execute")
    def _statement(conn, cursor, statement, *args):
        counts["statements"] += 1
        if statement.lstrip().split(" ", 1)[0].upper() in ("INSERT", "UPDATE", "DELETE"):
            counts["writes"] += 1

    @event.listens_for(OrmSession, "after_begin")
    def _transaction(session, transaction, connection):
        counts["transactions"] += 1

    resolve = ui.resolve_actor

    def counted_resolve():
        counts["runs"] += 1
        return resolve()

    ui.resolve_actor = counted_resolve
    at = AppTest.from_file(str(root / "pages" / "router.py"), default_timeout=120)
    at.session_state[ui.LANGUAGE_KEY] = "en"
    at.user = {"is_logged_in": True, "iss": issuer, "sub": "demo.officer"}
    at.run()
    at.query_params["id"] = str(case_id)
    at._page_hash = calc_hash("case")

    def measure(step) -> dict:
        for key in counts:
            counts[key] = 0
        started = time.perf_counter()
        step()
        return {**counts, "seconds": round(time.perf_counter() - started, 3)}

    opened = measure(at.run)
    again = measure(at.run)
    clicked = measure(lambda: at.button(key="case_action_start_review").click().run())
    assert not at.exception, at.exception
    with Session(engine) as session:
        status = session.get(Case, case_id).status
    assert status == "in_review", status
    return {"open": opened, "rerun": again, "click": clicked}


def run_in(tree: Path) -> dict:
    env = dict(os.environ, PYTHONPATH=str(tree))
    done = subprocess.run(  # noqa: S603 - this interpreter, this file
        [sys.executable, "-P", str(HERE), "--probe"],
        cwd=tree,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise SystemExit(done.stderr[-4000:])
    return json.loads(done.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.case_click")
    parser.add_argument("--before", type=Path, help="an older tree to measure first")
    parser.add_argument("--probe", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.probe:
        sys.path.insert(0, os.getcwd())
        print(json.dumps(probe()))
        return 0
    trees = ([("before", args.before.resolve())] if args.before else []) + [
        ("after", HERE.parent.parent)
    ]
    print("| tree | step | script runs | transactions | SQL statements | writes | wall s |")
    print("|---|---|---|---|---|---|---|")
    for name, tree in trees:
        for step, figures in run_in(tree).items():
            print(
                f"| {name} | {step} | {figures['runs']} | {figures['transactions']} | "
                f"{figures['statements']} | {figures['writes']} | {figures['seconds']} |"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
