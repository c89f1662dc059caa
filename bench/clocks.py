"""Clocks at scale (issue 18): not part of the test run.

    .venv/bin/python -m bench.clocks --cases 50000 --db /tmp/clocks.sqlite
    PANTAU_BENCH_CASES=1000000 .venv/bin/python -m bench.clocks

The size comes from `--cases`, else `PANTAU_BENCH_CASES`, else 50,000. Builds the database
once (reused when it already holds the cases): reference data, demo accounts and up to
`--histories` cases with their histories through casework.demo; past that, the case rows
are copied in SQL from those (each copy with its own reference, no history: the queue's
sort and the compliance figures read only `case_file` and `case_clock`). Then three clocks
per case (agreed from the case's own SLA columns, a regulatory and a statutory one with
spread states) written in bulk. Then, for the national officer, in the same run:

1. the queue's first page sorted by the next due clock (any rule), next to today's sort
   by the single agreed deadline (`sla_due_at`), both stored and indexed on the case;
2. clock compliance per rule and owner and the platforms' median/p90 hours, over the
   case database (`casework.clocks.figures`, the reference) and in the DuckDB read model
   (`casework.analytics.clock_compliance`, what the dashboard shows; computed, the figure
   cache emptied before each run), next to today's single-clock compliance over the case
   columns (the same breach definition).

`--figures-only` skips the queue's measures."""

from __future__ import annotations

import argparse
import os
import random
import time
from datetime import UTC, datetime, timedelta

from sqlalchemy import and_, case, func, insert, not_
from sqlmodel import Session, select

from bench.queue import actors, load_average, seed
from bench.run import percentile
from casework.analytics import sql as analytics_sql
from casework.analytics.clock_compliance import (
    compliance_in_read_model,
    durations_in_read_model,
)
from casework.analytics.filters import DashboardFilters
from casework.clocks import breach
from casework.clocks import figures as clock_figures
from casework.clocks.service import store_next_due
from casework.desk.queries import CaseFilters, list_cases
from db.engine import build_engine
from db.models import Case, CaseClock
from db.read_model import ReadModel


def clone_cases(engine, cases: int) -> int:
    """Copies of the seeded cases' rows (not their histories) until there are `cases`."""
    with Session(engine) as session:
        have = session.exec(select(func.count()).select_from(Case)).one()
        base = session.exec(select(func.max(Case.id))).one() or 0
    if have >= cases or not have:
        return 0
    columns = [c.name for c in Case.__table__.columns if c.name not in ("id", "reference")]
    names = ", ".join(columns)
    picked = ", ".join(f"c.{name}" for name in columns)
    copies = -(-(cases - have) // have)
    with engine.begin() as connection:
        connection.exec_driver_sql(
            f"""
            WITH RECURSIVE copy(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM copy WHERE n < {copies})
            INSERT INTO case_file (reference, {names})
            SELECT 'K' || copy.n || '-' || c.id, {picked}
            FROM copy CROSS JOIN case_file c
            WHERE c.id <= {base}
            ORDER BY copy.n, c.id
            LIMIT {cases - have}
            """
        )
    return cases - have


def add_clocks(engine, chunk: int = 20_000) -> int:
    with Session(engine) as session:
        if session.exec(select(func.count()).select_from(CaseClock)).one():
            return 0
        rows = session.exec(
            select(
                Case.id,
                Case.referred_at,
                Case.sla_due_at,
                Case.sla_paused_since,
                Case.decided_at,
                Case.priority,
            )
        ).all()
    rng = random.Random(18)
    written = 0
    batch = []
    for case_id, referred, due, paused, decided, priority in rows:
        start = referred or datetime(2024, 1, 10, tzinfo=UTC)
        batch.append(
            dict(
                case_id=case_id,
                rule_code="agreed_platform",
                rule_version=1,
                kind="agreed",
                owner="platform",
                unit="hours",
                amount=4 if priority == "urgent" else 24,
                urgent=priority == "urgent",
                extended=False,
                started_at=start,
                due_at=due or start + timedelta(hours=24),
                paused_since=paused,
                paused_seconds=0,
                stopped_at=decided,
                outcome="met" if decided else None,
            )
        )
        ordered = start + timedelta(hours=rng.randint(1, 72))
        done = rng.random() < 0.6
        batch.append(
            dict(
                case_id=case_id,
                rule_code="regulatory_order",
                rule_version=1,
                kind="regulatory",
                owner="platform",
                unit="hours",
                amount=24,
                urgent=False,
                extended=False,
                started_at=ordered,
                due_at=ordered + timedelta(hours=24),
                paused_since=None,
                paused_seconds=0,
                stopped_at=ordered + timedelta(hours=rng.uniform(1, 40)) if done else None,
                outcome="met" if done else None,
            )
        )
        registered = start + timedelta(days=rng.randint(0, 5))
        done = rng.random() < 0.5
        batch.append(
            dict(
                case_id=case_id,
                rule_code="decision",
                rule_version=1,
                kind="statutory",
                owner="supervisory",
                unit="calendar_days",
                amount=7,
                urgent=False,
                extended=False,
                started_at=registered,
                due_at=registered + timedelta(days=7),
                paused_since=None,
                paused_seconds=0,
                stopped_at=registered + timedelta(days=rng.uniform(1, 10)) if done else None,
                outcome="met" if done else None,
            )
        )
        if len(batch) >= chunk:
            with Session(engine) as session:
                session.execute(insert(CaseClock), batch)
                session.commit()
            written += len(batch)
            batch = []
    if batch:
        with Session(engine) as session:
            session.execute(insert(CaseClock), batch)
            session.commit()
        written += len(batch)
    with Session(engine) as session:
        store_next_due(session)  # what the clock service keeps per action
        session.commit()
    return written


def single_clock_compliance(session: Session, actor, now):
    """Today's one clock, per platform: on time, late, running, paused, from the case
    columns with the same breach definition."""
    breached = breach.legacy_breached_sql(Case, now)
    fine = not_(breached)
    stopped = breach.legacy_stopped_sql(Case)

    def count(condition):
        return func.sum(case((condition, 1), else_=0))

    return session.exec(
        select(
            Case.platform_code,
            count(and_(Case.decided_at.is_not(None), fine)),
            count(breached),
            count(and_(stopped.is_(None), Case.sla_paused_since.is_(None), fine)),
            count(and_(stopped.is_(None), Case.sla_paused_since.is_not(None), fine)),
        )
        .where(Case.sla_due_at.is_not(None))
        .group_by(Case.platform_code)
    ).all()


def timed(function, samples: int) -> list[float]:
    out = []
    for _ in range(samples):
        start = time.perf_counter()
        function()
        out.append((time.perf_counter() - start) * 1000)
    return out


def show(label: str, values: list[float]) -> None:
    print(
        f"  {label:<58} p50 {percentile(values, 0.5):8.1f} ms   "
        f"p95 {percentile(values, 0.95):8.1f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument(
        "--cases", type=int, default=int(os.environ.get("PANTAU_BENCH_CASES", 50_000))
    )
    parser.add_argument("--histories", type=int, default=20_000)
    parser.add_argument("--db", default="/tmp/pantau-clocks.sqlite")
    parser.add_argument("--samples", type=int, default=20)
    parser.add_argument("--figures-only", action="store_true")
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL") or f"sqlite:///{args.db}"
    engine = build_engine(url)
    start = time.perf_counter()
    seed(engine, min(args.cases, args.histories), 0)
    print(f"  cases with histories: {time.perf_counter() - start:,.0f} s (load {load_average()})")
    copied = clone_cases(engine, args.cases)
    print(f"  copied {copied:,} case rows: {time.perf_counter() - start:,.0f} s")
    written = add_clocks(engine)
    print(
        f"seeded in {time.perf_counter() - start:,.0f} s ({written:,} clocks written), "
        f"load {load_average()}"
    )
    officer = actors(engine)["national officer"]
    now = datetime(2024, 2, 1, tzinfo=UTC)

    def queue(sort):
        def run():
            with Session(engine) as session:
                list_cases(
                    session=session,
                    actor=officer,
                    filters=CaseFilters(),
                    sort=sort,
                    descending=False,
                    now=now,
                )

        return run

    def overdue_platform():
        with Session(engine) as session:
            list_cases(
                session=session,
                actor=officer,
                now=now,
                sort="next_clock_due",
                descending=False,
                filters=CaseFilters(clock_owner="platform", clock_state="overdue"),
            )

    def clocks_figures():
        with Session(engine) as session:
            clock_figures.compliance(session=session, actor=officer, now=now)

    def duration_figures():
        with Session(engine) as session:
            clock_figures.platform_durations(session=session, actor=officer)

    def single_figures():
        with Session(engine) as session:
            single_clock_compliance(session, officer, now)

    print(f"{args.cases:,} cases x 3 clocks, {engine.dialect.name}, load {load_average()}")
    if not args.figures_only:
        show("queue: next due clock (any rule)", timed(queue("next_clock_due"), args.samples))
        show("queue: platform overdue, next due clock", timed(overdue_platform, args.samples))
        show("queue today: agreed deadline (sla_due_at)", timed(queue("sla_due_at"), args.samples))
    show("figures: compliance per rule and owner (3 clocks), SQL", timed(clocks_figures, 5))
    show("figures: median and p90 hours per platform, SQL", timed(duration_figures, 5))
    show("figures today: single-clock compliance per platform", timed(single_figures, 5))

    # The read model: cold load (cases and clocks), then the figures computed afresh.
    start = time.perf_counter()
    model = ReadModel(url)
    model.refresh()
    print(
        f"  read model cold load (cases and clocks): {time.perf_counter() - start:,.1f} s, "
        f"load {load_average()}"
    )
    ctx = analytics_sql.context(officer, model)
    filters = DashboardFilters()

    def fresh(compute):
        def run():
            model.clear_cache()
            compute()

        return run

    print(f"read model, load {load_average()}")
    show(
        "figures: compliance per rule and owner, read model",
        timed(fresh(lambda: compliance_in_read_model(ctx, filters, now)), args.samples),
    )
    show(
        "figures: median and p90 hours per platform, read model",
        timed(fresh(lambda: durations_in_read_model(ctx, filters)), args.samples),
    )
    election = DashboardFilters(
        elections=("pemilu2024",),
        date_from=datetime(2024, 1, 1).date(),
        date_to=datetime(2024, 2, 29).date(),
    )
    show(
        "both, Pemilu 2024, Jan-Feb 2024 (the dashboard's filter)",
        timed(
            fresh(
                lambda: (
                    compliance_in_read_model(ctx, election, now),
                    durations_in_read_model(ctx, election),
                )
            ),
            args.samples,
        ),
    )
    print(f"  load {load_average()}")
    model.close()


if __name__ == "__main__":
    main()
