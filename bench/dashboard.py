"""The dashboard's read model at scale (not part of the test run).

    .venv/bin/python -m bench.dashboard                   # 100,000 cases
    .venv/bin/python -m bench.dashboard --cases 1000000   # the design's target scale

The SQLite database is seeded once with the demo generator and kept under /tmp
(`/tmp/pantau-bench-100k.sqlite`, `/tmp/pantau-bench-1m.sqlite`) for later runs;
`--database-url` names another (PostgreSQL too). Prints, each next to a baseline
measured in the same run:

- the cold load of the read model, next to pandas reading every case through
  SQLAlchemy;
- a warm refresh after 1,000 changed cases, next to pandas reading everything again;
- all dashboard figures for a typical filter, warm, next to pandas (read everything,
  then aggregate) and SQLite aggregating directly. The baselines compute a subset of
  the figures (no backlog, no outcomes, no percentiles in SQLite), so they are
  flattered, not handicapped. "Computed" empties the figure cache before each run (a
  new filter, or changed data); "cached" is a rerun with the same filter and data;
- the process's peak resident memory after each step, and the load average (the
  machine may be shared: compare the ratios, measured in the same run)."""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pandas as pd
from sqlalchemy import text
from sqlmodel import Session, select

from casework.analytics import figures
from casework.analytics.filters import DashboardFilters
from casework.demo import CaseGenerator, ensure_demo_accounts, write_plans
from casework.people.actors import actor_for
from casework.reference.taxonomy import seed_reference_data
from db.engine import begin_write, build_engine
from db.migrate import upgrade_to_head
from db.models import User
from db.read_model import ReadModel

TYPICAL = DashboardFilters(
    date_from=date(2024, 1, 1), date_to=date(2024, 2, 29), elections=("pemilu2024",)
)
NOW = datetime(2024, 3, 1, 5, 0, tzinfo=UTC)
WIB = timedelta(hours=7)


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def line(label: str, ours: str, baseline: str, ratio: float) -> None:
    print(
        f"{label:<46} {ours:>14}   {baseline:>30}   {ratio:7.1f}x   peak {peak_mb():,.0f} MB",
        flush=True,
    )


def load_average() -> str:
    return " ".join(f"{value:.1f}" for value in os.getloadavg())


def seeded_url(cases: int, url: str | None) -> str:
    if url:
        return url
    name = "1m" if cases == 1_000_000 else f"{cases // 1000}k"
    path = Path(f"/tmp/pantau-bench-{name}.sqlite")
    url = f"sqlite:///{path}"
    engine = build_engine(url)
    upgrade_to_head(engine)
    with Session(engine) as session:
        existing = session.exec(text("SELECT count(*) FROM case_file")).one()[0]
        if existing >= cases:
            return url
        begin_write(session)
        seed_reference_data(session)
        cast = ensure_demo_accounts(session)
        session.commit()
        print(f"seeding {cases - existing:,} cases into {path} (once)…", flush=True)
        for chunk in CaseGenerator(session, cast, seed=7).plans(cases - existing, chunk_size=5000):
            begin_write(session)
            write_plans(session, chunk)
            session.commit()
    return url


def all_figures(actor, model) -> None:
    f = TYPICAL
    figures.headline(actor=actor, filters=f, now=NOW, model=model)
    figures.volume(actor=actor, filters=f, by="category", model=model)
    figures.volume(actor=actor, filters=f, by="platform", model=model)
    figures.backlog(actor=actor, filters=f, now=NOW, model=model)
    figures.sla_compliance(actor=actor, filters=f, now=NOW, model=model)
    figures.response_times(actor=actor, filters=f, model=model)
    figures.outcomes(actor=actor, filters=f, model=model)
    figures.province_counts(actor=actor, filters=f, now=NOW, model=model)
    figures.top_accounts(actor=actor, filters=f, model=model)
    figures.account_classes(actor=actor, filters=f, model=model)


def pandas_read(engine) -> pd.DataFrame:
    with engine.connect() as connection:
        frame = pd.read_sql(text("SELECT * FROM case_file"), connection)
    for column in ("created_at", "referred_at", "acknowledged_at", "decided_at", "sla_due_at"):
        frame[column] = pd.to_datetime(frame[column], utc=True, format="mixed")
    return frame


def pandas_figures(frame: pd.DataFrame) -> None:
    day = (frame["created_at"] + WIB).dt.date
    kept = frame[
        (day >= TYPICAL.date_from)
        & (day <= TYPICAL.date_to)
        & frame["election_code"].isin(TYPICAL.elections)
    ].copy()
    kept["day"] = (kept["created_at"] + WIB).dt.date
    kept.groupby(["day", "category_code"]).size()
    kept.groupby(["day", "platform_code"]).size()
    kept.groupby("province_code").size()
    kept.groupby(["account_handle", "platform_code"]).size().nlargest(10)
    decided = kept[kept["decided_at"].notna() & kept["referred_at"].notna()]
    hours = (decided["decided_at"] - decided["referred_at"]).dt.total_seconds() / 3600
    hours.groupby(decided["platform_code"]).quantile([0.5, 0.9])
    (decided["decided_at"] <= decided["sla_due_at"]).groupby(
        [decided["platform_code"], decided["priority"]]
    ).mean()
    kept["status"].isin(["new", "in_review", "sent", "acknowledged"]).sum()


SQLITE_QUERIES = [
    "SELECT date(created_at, '+7 hours') d, category_code, count(*) FROM case_file WHERE {w} "
    "GROUP BY 1, 2",
    "SELECT date(created_at, '+7 hours') d, platform_code, count(*) FROM case_file WHERE {w} "
    "GROUP BY 1, 2",
    "SELECT province_code, count(*) FROM case_file WHERE {w} GROUP BY 1",
    "SELECT account_handle, platform_code, count(*) n FROM case_file WHERE {w} "
    "GROUP BY 1, 2 ORDER BY n DESC LIMIT 10",
    "SELECT platform_code, priority, avg(decided_at <= sla_due_at) FROM case_file "
    "WHERE {w} AND decided_at IS NOT NULL GROUP BY 1, 2",
    "SELECT count(*) FILTER (WHERE status IN ('new','in_review','sent','acknowledged')), "
    "count(*) FILTER (WHERE decided_at IS NOT NULL) FROM case_file WHERE {w}",
]
SQLITE_WHERE = (
    "created_at >= '2023-12-31 17:00:00' AND created_at < '2024-02-29 17:00:00' "
    "AND election_code = 'pemilu2024'"
)


def sqlite_figures(engine) -> None:
    with engine.connect() as connection:
        for query in SQLITE_QUERIES:
            connection.execute(text(query.format(w=SQLITE_WHERE))).fetchall()


def samples(function, repeat: int, before=None) -> tuple[list[float], list[float]]:
    """Wall and CPU milliseconds of `repeat` runs (CPU: every thread of the process)."""
    wall, cpu = [], []
    for _ in range(repeat):
        if before is not None:
            before()
        start, start_cpu = time.perf_counter(), time.process_time()
        function()
        wall.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - start_cpu) * 1000)
    return wall, cpu


def p95(values: list[float]) -> float:
    return (
        statistics.quantiles(values, n=20, method="inclusive")[-1] if len(values) > 1 else values[0]
    )


def timed(function, repeat: int) -> float:
    return statistics.median(samples(function, repeat)[0])


def change_cases(engine, count: int) -> None:
    """Touch `count` cases as services would: a new status and a fresh `updated_at`."""
    now = datetime.now(UTC)
    stamp = now.replace(tzinfo=None) if engine.dialect.name == "sqlite" else now
    with engine.begin() as connection:
        connection.execute(
            text(
                "UPDATE case_file SET status = 'closed', closed_at = :now, updated_at = :now, "
                "version = version + 1 WHERE id IN (SELECT id FROM case_file "
                "WHERE status = 'decided' ORDER BY id LIMIT :n)"
            ),
            {"now": stamp, "n": count},
        )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=21)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()
    url = seeded_url(args.cases, args.database_url)
    engine = build_engine(url)
    with Session(engine) as session:
        actor = actor_for(
            session, session.exec(select(User.id).where(User.username == "demo.officer")).one()
        )
        total = session.exec(text("SELECT count(*) FROM case_file")).one()[0]
    print(f"database: {engine.dialect.name}, {total:,} cases; typical filter: {TYPICAL}")
    print(f"{'figure':<46} {'Pantau':>12}   {'baseline':>30}   ratio")

    print(f"load average: {load_average()}")
    start = time.perf_counter()
    model = ReadModel(url)
    model.refresh()
    cold = (time.perf_counter() - start) * 1000
    print(f"peak memory after the cold load: {peak_mb():,.0f} MB", flush=True)
    baselines = max(1, args.repeat // 7)
    wall, cpu = samples(lambda: all_figures(actor, model), args.repeat, model.clear_cache)
    ours = statistics.median(wall)
    print(
        f"all figures, computed: p50 {ours:,.1f} ms, p95 {p95(wall):,.1f} ms wall; "
        f"p50 {statistics.median(cpu):,.1f} ms CPU; load average {load_average()}",
        flush=True,
    )
    cached, _ = samples(lambda: all_figures(actor, model), args.repeat)
    print(
        f"all figures, cached rerun: p50 {statistics.median(cached):,.2f} ms, "
        f"p95 {p95(cached):,.2f} ms",
        flush=True,
    )
    # The baselines run after ours, so that our figures run in a process that holds
    # the read model only, as the app's does.
    start = time.perf_counter()
    frame = pandas_read(engine)
    pandas_cold = (time.perf_counter() - start) * 1000
    line(
        "cold load of the read model (ms)",
        f"{cold:,.0f}",
        f"pandas read all {pandas_cold:,.0f}",
        pandas_cold / cold,
    )

    pandas_ms = timed(lambda: pandas_figures(pandas_read(engine)), baselines)
    line(
        "all dashboard figures, computed (ms)",
        f"{ours:,.1f}",
        f"pandas read+aggregate {pandas_ms:,.0f}",
        pandas_ms / ours,
    )
    if engine.dialect.name == "sqlite":
        sqlite_ms = timed(lambda: sqlite_figures(engine), baselines)
        line(
            "all dashboard figures, computed (ms)",
            f"{ours:,.1f}",
            f"SQLite aggregating {sqlite_ms:,.0f}",
            sqlite_ms / ours,
        )
    pandas_only = timed(lambda: pandas_figures(frame), baselines)
    line(
        "  (pandas aggregation alone, data in memory)",
        f"{ours:,.1f}",
        f"{pandas_only:,.0f}",
        pandas_only / ours,
    )

    refreshes = []
    for _ in range(3):
        change_cases(engine, 1000)
        start = time.perf_counter()
        model.refresh(force=True)
        refreshes.append((time.perf_counter() - start) * 1000)
    warm = statistics.median(refreshes)
    line(
        "refresh after 1,000 changed cases (ms)",
        f"{warm:,.0f}",
        f"pandas read all {pandas_cold:,.0f}",
        pandas_cold / warm,
    )
    print(f"rows read by the last refresh: {model.stats.last_rows_read:,}")
    wall, _ = samples(lambda: all_figures(actor, model), args.repeat, model.clear_cache)
    print(
        f"all figures after the refreshes, computed: p50 {statistics.median(wall):,.1f} ms, "
        f"p95 {p95(wall):,.1f} ms; load average {load_average()}"
    )


if __name__ == "__main__":
    main()
