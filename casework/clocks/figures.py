"""Clock compliance (issue 18 item 5), over the case database: per rule and owner, how
many clocks were met on time, were late, are running, are paused; and per platform the
median and p90 hours to decision for the agreed and the regulatory clock. Every verdict
comes from the one definition in `casework.clocks.breach`.

The dashboard and the report count the same in the DuckDB read model
(`casework.analytics.clock_compliance`); these are the plain reference over the case
database that its tests hold it to."""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, case, func, not_
from sqlmodel import Session, select

from casework.clocks import breach, engine
from casework.people.actors import Actor, case_scope
from db.models import Case, CaseClock


@dataclass(frozen=True)
class Compliance:
    rule_code: str
    owner: str
    on_time: int
    late: int
    running: int
    paused: int


def compliance(*, session: Session, actor: Actor, now: datetime, cases=None) -> list[Compliance]:
    """Per rule and owner: met in time, late (breached, stopped or not), running and
    paused (not breached). `cases`: a condition on `Case` for the cohort (the dashboard's
    filters); by default every case in `actor`'s scope."""
    breached = breach.breached_sql(
        CaseClock.due_at, CaseClock.stopped_at, CaseClock.paused_since, now
    )
    fine = not_(breached)
    open_ = CaseClock.stopped_at.is_(None)

    def count(condition):
        return func.sum(case((condition, 1), else_=0))

    rows = session.exec(
        select(
            CaseClock.rule_code,
            CaseClock.owner,
            count(and_(CaseClock.outcome == engine.Outcome.MET, fine)),
            count(breached),
            count(and_(open_, CaseClock.paused_since.is_(None), fine)),
            count(and_(open_, CaseClock.paused_since.is_not(None), fine)),
        )
        .join(Case, Case.id == CaseClock.case_id)
        .where(case_scope(actor) if cases is None else cases)
        .group_by(CaseClock.rule_code, CaseClock.owner)
        .order_by(CaseClock.rule_code, CaseClock.owner)
    ).all()
    return [
        Compliance(r, o, int(a or 0), int(b or 0), int(c or 0), int(d or 0))
        for r, o, a, b, c, d in rows
    ]


@dataclass(frozen=True)
class Durations:
    platform: str
    kind: str  # agreed | regulatory
    measured: int
    median_hours: float
    p90_hours: float


def _p90(values: list[float]) -> float:
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=10, method="inclusive")[-1]


def platform_durations(*, session: Session, actor: Actor, cases=None) -> list[Durations]:
    """Hours from start to the platform's decision (pauses excluded), per platform, for the
    agreed and the regulatory clock separately: clocks met only. `cases` as in
    `compliance`."""
    rows = session.exec(
        select(
            Case.platform_code,
            CaseClock.kind,
            CaseClock.started_at,
            CaseClock.stopped_at,
            CaseClock.paused_seconds,
        )
        .join(Case, Case.id == CaseClock.case_id)
        .where(
            case_scope(actor) if cases is None else cases,
            CaseClock.kind.in_([engine.Kind.AGREED, engine.Kind.REGULATORY]),
            CaseClock.outcome == engine.Outcome.MET,
        )
    ).all()
    groups: dict[tuple[str, str], list[float]] = {}
    for platform, kind, started, stopped, paused in rows:
        hours = ((stopped - started).total_seconds() - paused) / 3600
        groups.setdefault((platform, kind), []).append(hours)
    return [
        Durations(p, k, len(v), statistics.median(v), _p90(sorted(v)))
        for (p, k), v in sorted(groups.items())
    ]
