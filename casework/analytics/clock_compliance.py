"""Clock compliance on the dashboard and in the transparency report (issue 18, item 5):
per rule and per owner, how many clocks were met in time, were late, are running, are
paused; per platform the median and p90 hours of the agreed and of the regulatory clock.

Counted in the read model (`db.read_model`'s `clocks` beside `cases`), over the
dashboard's cohort (its scope and filters, `casework.analytics.sql.where`), with the one
definition of breached in its DuckDB rendering (`casework.clocks.breach.breached_duck`).
`casework.clocks.figures` counts the same over the case database
(`casework.analytics.cohort`): the plain reference the tests hold this to. For an
aggregate-only
reader a count of 1 to k-1 becomes None and a median or p90 resting on fewer than k
clocks too (`casework.analytics.suppression`); the public report suppresses its own
cells (`casework.records.transparency.suppress`)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, replace
from datetime import datetime

from sqlmodel import Session

from casework.analytics import sql
from casework.analytics.filters import DashboardFilters
from casework.analytics.sql import text
from casework.analytics.suppression import resting_on_enough, small_count
from casework.clocks import breach, engine
from casework.clocks.figures import Compliance, Durations
from casework.clocks.service import rule_labels
from casework.people.actors import Actor
from db.read_model import ReadModel

COUNTS = ("on_time", "late", "running", "paused")


@dataclass(frozen=True)
class ClockCompliance:
    by_rule: list[Compliance]  # one row per rule (and its owner)
    by_owner: list[Compliance]  # one row per owner, `rule_code` empty
    durations: list[Durations]  # per platform, agreed and regulatory separately
    rule_labels: dict[str, str]  # each rule's label in the asked language, by code


def per_owner(rows: list[Compliance]) -> list[Compliance]:
    """The rule rows summed per owner, in the owners' order."""
    sums: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    for row in rows:
        for index, name in enumerate(COUNTS):
            sums[row.owner][index] += getattr(row, name)
    order = [o.value for o in engine.Owner]
    return [
        Compliance("", owner, *sums[owner])
        for owner in sorted(sums, key=lambda o: (order.index(o) if o in order else 99, o))
    ]


def _rows(ctx: sql.Context, query: str, params: list) -> list[tuple]:
    cursor = ctx.model.cursor()
    try:
        return cursor.execute(query, params).fetchall()
    finally:
        cursor.close()


def compliance_in_read_model(
    ctx: sql.Context, filters: DashboardFilters, now: datetime
) -> list[Compliance]:
    """`casework.clocks.figures.compliance` in the read model: per rule and owner, met in
    time, late (breached, stopped or not), running and paused (not breached)."""
    # Each clock carries its case's scope and filter columns (`db.read_model`): the
    # cohort's condition applies to `clocks` as it does to `cases`.
    where = sql.where(ctx.scope, filters, ctx.zone)
    late = breach.breached_duck("due_at", "stopped_at", "paused_since")
    # Compared as text: an ENUM without the value (no clock met yet) would refuse it.
    met = f"{text('outcome')} = '{engine.Outcome.MET}'"
    query = f"""
        SELECT {text("rule_code")} AS rule_code, {text("owner")} AS owner,
          count(*) FILTER (WHERE NOT late AND {met}),
          count(*) FILTER (WHERE late),
          count(*) FILTER (WHERE NOT late AND stopped_at IS NULL AND paused_since IS NULL),
          count(*) FILTER (WHERE NOT late AND stopped_at IS NULL AND paused_since IS NOT NULL)
        FROM (
          SELECT rule_code, owner, outcome, stopped_at, paused_since, {late} AS late
          FROM clocks WHERE {where.sql}
        ) GROUP BY rule_code, owner ORDER BY 1, 2
    """
    rows = _rows(ctx, query, [sql.naive_utc(now), *where.params])
    return [Compliance(r, o, int(a), int(b), int(c), int(d)) for r, o, a, b, c, d in rows]


def durations_in_read_model(ctx: sql.Context, filters: DashboardFilters) -> list[Durations]:
    """`casework.clocks.figures.platform_durations` in the read model: hours from start
    to the platform's decision (pauses excluded), met agreed and regulatory clocks only,
    per platform; median and p90 as continuous quantiles (Python's "inclusive")."""
    where = sql.where(ctx.scope, filters, ctx.zone)
    kinds = (engine.Kind.AGREED.value, engine.Kind.REGULATORY.value)
    hours = "(epoch(stopped_at - started_at) - paused_seconds) / 3600.0"
    query = f"""
        SELECT {text("platform_code")} AS platform, {text("kind")} AS kind, n, q[1], q[2] FROM (
          SELECT platform_code, kind, count(*) AS n, quantile_cont({hours}, [0.5, 0.9]) AS q
          FROM clocks
          WHERE {where.sql} AND {text("outcome")} = '{engine.Outcome.MET}'
            AND {sql.in_(text("kind"), kinds)}
          GROUP BY ALL
        ) ORDER BY 1, 2
    """
    rows = _rows(ctx, query, [*where.params, *kinds])
    return [Durations(p, k, int(n), float(m), float(q)) for p, k, n, m, q in rows]


def clock_compliance(
    *,
    session: Session,
    actor: Actor,
    filters: DashboardFilters,
    now: datetime,
    language: str = "id",
    model: ReadModel | None = None,
) -> ClockCompliance:
    """Compliance of every clock of the dashboard's cohort at `now`, counted in the read
    model (`model`, else the process's), with the rules' labels in `language` (from
    `session`)."""
    ctx = sql.context(actor, model)  # refuses roles without a dashboard
    scope = ctx.scope
    by_rule = ctx.cached(
        "clock_compliance", filters, now, lambda: compliance_in_read_model(ctx, filters, now)
    )
    durations = ctx.cached(
        "clock_durations", filters, None, lambda: durations_in_read_model(ctx, filters)
    )
    by_owner = per_owner(by_rule)
    if not scope.case_rows:

        def counted(row: Compliance) -> Compliance:
            return replace(row, **{n: small_count(getattr(row, n), scope) for n in COUNTS})

        by_rule = [counted(r) for r in by_rule]
        by_owner = [counted(r) for r in by_owner]
        durations = [
            replace(
                d,
                median_hours=resting_on_enough(d.median_hours, d.measured, scope),
                p90_hours=resting_on_enough(d.p90_hours, d.measured, scope),
                measured=small_count(d.measured, scope),
            )
            for d in durations
        ]
    return ClockCompliance(
        by_rule=list(by_rule),
        by_owner=by_owner,
        durations=list(durations),
        rule_labels=rule_labels(session, language),
    )
