"""The first dashboard after a server start, as a new user meets it.

    python -m bench.first_dashboard [--cases 100000] [--runs 2]

Starts the real server (`streamlit run app.py`) on the benchmark's seeded SQLite file
(`bench.dashboard` keeps it under /tmp), signs in as the national officer the moment
`/healthz` answers, and opens the dashboard over Streamlit's WebSocket protocol
(`bench.streamlit_client`). Printed for each start: ours (the read model persisted beside
the database and taken up in the background at start: the defaults) next to the naive
way (in memory, loaded by the first dashboard: `PANTAU_READ_MODEL_FILE=` and
`PANTAU_WARM_READ_MODEL=false`):

- start → /healthz: the server answering;
- /healthz → dashboard drawn: what the person waits for after the server is up, sign-in
  included;
- a second dashboard view, warm.

The person here is faster than any real one: they ask for the dashboard the instant the
server answers, so any part of the cold load still running shows in the figure."""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from pathlib import Path

from sqlalchemy import update
from sqlmodel import Session

from bench.dashboard import seeded_url
from bench.streamlit_client import StreamlitSession, sign_in
from casework.people.auth import hash_password
from db.engine import build_engine
from db.models import User

PASSWORD = "bench-first-dashboard"  # noqa: S105 - a throwaway benchmark database


def _set_password(url: str) -> None:
    engine = build_engine(url)
    with Session(engine) as session:
        session.exec(
            update(User)
            .where(User.username == "demo.officer")
            .values(password_hash=hash_password(PASSWORD))
        )
        session.commit()
    engine.dispose()


def one_start(url: str, *, warm: bool, directory: Path) -> dict[str, float]:
    from tests.e2e.conftest import start_server, stop_server

    started = time.perf_counter()
    process, base = start_server(
        url,
        log_path=directory / f"server-{'warm' if warm else 'cold'}-{time.time_ns()}.log",
        PANTAU_WARM_READ_MODEL="true" if warm else "false",
        # ours: the model persisted beside the database (the default); naive: in memory.
        **({} if warm else {"PANTAU_READ_MODEL_FILE": ""}),
        PANTAU_SLA_CHECK_SECONDS="0",
        PANTAU_OUTBOX_SECONDS="0",
        PANTAU_DEMO_CASE_COUNT="0",
    )
    healthy = time.perf_counter()
    try:
        cookie = sign_in(base, "demo.officer", PASSWORD)
        with StreamlitSession(base, cookie, language="en", timeout=300) as tab:
            first = tab.open("dashboard")
            drawn = time.perf_counter()
            # The account's saved language wins over the cookie: either title.
            if first.exception or not (first.shows("Dashboard") or first.shows("Dasbor")):
                raise RuntimeError(f"the dashboard did not draw: {first.exception}")
            second = tab.open("dashboard")
        return {
            "start_to_health": healthy - started,
            "health_to_dashboard": drawn - healthy,
            "first_run": first.seconds,
            "second_run": second.seconds,
        }
    finally:
        stop_server(process)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=2, help="starts per variant")
    arguments = parser.parse_args()
    url = seeded_url(arguments.cases, None)
    _set_password(url)
    print(f"{arguments.cases:,} cases, {url}; load average {os.getloadavg()[0]:.1f}", flush=True)
    with tempfile.TemporaryDirectory() as directory:
        # The first start after seeding builds the persisted model (a cold load); the
        # figures are of the starts after it, as a restarted server meets them.
        building = one_start(url, warm=True, directory=Path(directory))
        print(f"  building the persisted model: {building}", flush=True)
        results: dict[bool, list[dict[str, float]]] = {True: [], False: []}
        for _run in range(arguments.runs):
            for warm in (True, False):  # interleaved: both see the same machine load
                results[warm].append(one_start(url, warm=warm, directory=Path(directory)))
                print(f"  {'ours ' if warm else 'naive'} {results[warm][-1]}", flush=True)
    print(f"{'':<34}{'ours (persisted, warm)':>22}{'naive (first view loads)':>26}")
    for key, label in (
        ("start_to_health", "start → /healthz"),
        ("health_to_dashboard", "/healthz → first dashboard drawn"),
        ("second_run", "second dashboard view"),
    ):
        ours = statistics.median(r[key] for r in results[True])
        naive = statistics.median(r[key] for r in results[False])
        print(f"{label:<34}{ours:>20.2f} s{naive:>24.2f} s   ×{naive / ours:.1f}")
    print(f"load average {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
