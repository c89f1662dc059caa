"""One function per dashboard figure. Each takes the viewer (`actor`) and the page's
`DashboardFilters`, runs its query in the read model with the viewer's scope inside the
SQL, and returns plain data: a dataclass or a pandas frame of codes and numbers (labels
are the page's business). The transparency report uses the same functions.

Shared conventions:
- the cohort is the cases filed on the filter's local dates (the viewer's zone) and
  matching every other filter; only the backlog differs (it counts every open case on
  each day of the window, whenever it was filed);
- days and weeks (ISO, from Monday) are the viewer's local ones;
- hours are wall-clock hours between two stamps;
- a liaison's by-platform figures hold their own platforms, plus one row or series
  under `OTHER_PLATFORMS` for every other platform together (never overlapping);
- results are cached in the read model under the figure's arguments and the data
  version, so a rerun over unchanged data costs nothing (`sql.Context.cached`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pandas as pd
import pyarrow as pa

from casework.analytics import sql
from casework.analytics.backlog import BACKLOG_STAGES, backlog
from casework.analytics.filters import DashboardFilters
from casework.analytics.scope import require_case_rows
from casework.analytics.sql import (
    OPEN,
    read_model_ready,
    shared_read_model,
    text,
)
from casework.analytics.suppression import (
    resting_on_enough,
    small_count,
    small_rows_dropped,
)
from casework.clocks import breach
from casework.people.actors import Actor
from db.read_model import DECISION_SET_SEPARATOR_SQL, ReadModel

__all__ = [
    "BACKLOG_STAGES",
    "EXPORT_COLUMNS",
    "Headline",
    "account_classes",
    "elections_with_cases",
    "backlog",
    "case_rows",
    "headline",
    "outcomes",
    "province_counts",
    "read_model_ready",
    "response_times",
    "shared_read_model",
    "sla_compliance",
    "top_accounts",
    "volume",
]


@dataclass(frozen=True)
class Headline:
    # Counts are None for an aggregate-only reader when 1 to k-1 (casework.analytics.suppression).
    open: int | None
    overdue: int | None
    referred_this_week: int | None
    median_hours_to_decision: float | None
    # Of the cases the platform has decided, those whose latest decision did more than
    # "no action".
    share_actioned: float | None
    decided: int | None


def headline(
    *, actor: Actor, filters: DashboardFilters, now: datetime, model: ReadModel | None = None
) -> Headline:
    """Open and overdue cases, cases referred this (local, Monday-first) week, median
    hours from referral to decision, and the share of decisions that took action."""
    ctx = sql.context(actor, model)
    return ctx.cached("headline", filters, now, lambda: _headline(ctx, filters, now))


def _headline(ctx: sql.Context, filters: DashboardFilters, now: datetime) -> Headline:
    where = sql.where(ctx.scope, filters, ctx.zone)
    today = now.astimezone(ZoneInfo(ctx.zone)).date()
    week_start = today - timedelta(days=today.weekday())
    query = f"""
        SELECT
          count(*) FILTER (WHERE {sql.in_("status", OPEN)}),
          count(*) FILTER (WHERE {sql.overdue()}),
          count(*) FILTER (WHERE referred_at >= ? AND referred_at < ?),
          median(epoch(decided_at - referred_at) / 3600.0)
            FILTER (WHERE decided_at IS NOT NULL AND referred_at IS NOT NULL),
          count(*) FILTER (WHERE decided_at IS NOT NULL),
          count(*) FILTER (WHERE actioned),
          count(actioned)
        FROM cases WHERE {where.sql}
    """
    params = [
        *OPEN,
        sql.naive_utc(now),
        sql.utc_midnight(week_start, ctx.zone),
        sql.utc_midnight(week_start + timedelta(days=7), ctx.zone),
        *where.params,
    ]
    open_, overdue, referred, median_hours, decided, actioned, with_decision = ctx.row(
        query, params
    )
    scope = ctx.scope
    median_hours = None if median_hours is None else float(median_hours)
    return Headline(
        open=small_count(open_, scope),
        overdue=small_count(overdue, scope),
        referred_this_week=small_count(referred, scope),
        median_hours_to_decision=resting_on_enough(median_hours, decided, scope),
        share_actioned=resting_on_enough(
            actioned / with_decision if with_decision else None, with_decision, scope
        ),
        decided=small_count(decided, scope),
    )


def volume(
    *, actor: Actor, filters: DashboardFilters, by: str, model: ReadModel | None = None
) -> pd.DataFrame:
    """Cases filed per local day or week (`filters.interval`), by `category` or
    `platform`: columns bucket (date), key (code), cases."""
    if by not in ("category", "platform"):
        raise ValueError(by)
    ctx = sql.context(actor, model)
    return ctx.cached("volume", filters, by, lambda: _volume(ctx, filters, by))


def _volume(ctx: sql.Context, filters: DashboardFilters, by: str) -> pd.DataFrame:
    bucket = sql.bucket("created_at", ctx.zone, filters.interval)
    if by == "category":
        populations = [(sql.where(ctx.scope, filters, ctx.zone), "category_code")]
    else:
        populations = list(sql.populations(ctx.scope, filters, ctx.zone))
    parts, params = [], []
    for where, key in populations:
        parts.append(
            f"SELECT {bucket} AS bucket, {key} AS code, count(*) AS cases "
            f"FROM cases WHERE {where.sql} GROUP BY ALL"
        )
        params.extend(where.params)
    query = (
        f"SELECT bucket, {text('code')} AS key, cases FROM ({' UNION ALL '.join(parts)}) "
        "ORDER BY bucket, key"
    )
    return small_rows_dropped(ctx.frame(query, params), ctx.scope, count="cases", key="key")


# Settled: the platform decided, or the deadline passed (`casework.clocks.breach`).
_SETTLED = (
    f"referred_at IS NOT NULL AND sla_due_at IS NOT NULL AND ({breach.legacy_met_duck()} "
    f"OR {breach.legacy_breached_duck()})"
)


def sla_compliance(
    *, actor: Actor, filters: DashboardFilters, now: datetime, model: ReadModel | None = None
) -> pd.DataFrame:
    """Per platform and priority, the referred cases whose deadline has been settled
    (decided, or overdue now) and the share of them decided within the deadline:
    columns platform, priority, measured, in_time, share."""
    ctx = sql.context(actor, model)
    return ctx.cached("sla", filters, now, lambda: _sla_compliance(ctx, filters, now))


def _sla_compliance(ctx: sql.Context, filters: DashboardFilters, now: datetime) -> pd.DataFrame:
    parts, params = [], []
    for where, key in sql.populations(ctx.scope, filters, ctx.zone):
        parts.append(
            f"SELECT {key} AS p, priority AS q, count(*) AS measured, "
            "count(*) FILTER (WHERE decided_at IS NOT NULL AND decided_at <= sla_due_at) "
            f"AS in_time FROM cases WHERE {where.sql} AND {_SETTLED} GROUP BY ALL"
        )
        params.extend([*where.params, sql.naive_utc(now)])
    query = (
        f"SELECT {text('p')} AS platform, {text('q')} AS priority, measured, in_time, "
        f"in_time / measured AS share FROM ({' UNION ALL '.join(parts)}) "
        "ORDER BY platform, priority"
    )
    frame = ctx.frame(query, params)
    return small_rows_dropped(frame, ctx.scope, count="measured", key="platform")


def response_times(
    *, actor: Actor, filters: DashboardFilters, model: ReadModel | None = None
) -> pd.DataFrame:
    """Hours from referral to acknowledgement and to decision, per local day or week
    of referral and platform: columns bucket, platform, measure (`acknowledgement` or
    `decision`), cases, median_hours, p90_hours (continuous quantiles)."""
    ctx = sql.context(actor, model)
    return ctx.cached("response_times", filters, None, lambda: _response_times(ctx, filters))


def _response_times(ctx: sql.Context, filters: DashboardFilters) -> pd.DataFrame:
    bucket = sql.bucket("referred_at", ctx.zone, filters.interval)
    parts, params = [], []
    for where, key in sql.populations(ctx.scope, filters, ctx.zone):
        for measure, column in (("acknowledgement", "acknowledged_at"), ("decision", "decided_at")):
            hours = f"epoch({column} - referred_at) / 3600.0"
            # Both quantiles from one sort; the median is `quantile_cont` at 0.5.
            parts.append(
                f"SELECT {bucket} AS bucket, {key} AS p, '{measure}' AS measure, "
                f"count(*) AS cases, quantile_cont({hours}, [0.5, 0.9]) AS q FROM cases "
                f"WHERE {where.sql} AND referred_at IS NOT NULL AND {column} IS NOT NULL "
                "GROUP BY ALL"
            )
            params.extend(where.params)
    query = (
        f"SELECT bucket, {text('p')} AS platform, measure, cases, q[1] AS median_hours, "
        "q[2] AS p90_hours "
        f"FROM ({' UNION ALL '.join(parts)}) ORDER BY bucket, platform, measure"
    )
    frame = ctx.frame(query, params)
    return small_rows_dropped(frame, ctx.scope, count="cases", key="platform")


def outcomes(
    *, actor: Actor, filters: DashboardFilters, model: ReadModel | None = None
) -> pd.DataFrame:
    """Cases by the types of their platform's latest decision, per platform and
    category: columns platform, category, decision_type, cases. A decision of several
    types counts once under each."""
    ctx = sql.context(actor, model)
    return ctx.cached("outcomes", filters, None, lambda: _outcomes(ctx, filters))


def _outcomes(ctx: sql.Context, filters: DashboardFilters) -> pd.DataFrame:
    # Cases are counted per set of decision types (a few dozen sets), then each set's
    # count goes to every type in it.
    parts, params = [], []
    for where, key in sql.populations(ctx.scope, filters, ctx.zone):
        parts.append(
            f"SELECT {key} AS p, category_code AS c, decision_set, "
            f"count(*) AS n FROM cases WHERE {where.sql} AND decision_set IS NOT NULL "
            "GROUP BY ALL"
        )
        params.extend(where.params)
    query = f"""
        SELECT platform, category, decision_type, CAST(sum(n) AS BIGINT) AS cases
        FROM (
          SELECT {text("p")} AS platform, {text("c")} AS category, n, unnest(string_split(
            CAST(decision_set AS VARCHAR), {DECISION_SET_SEPARATOR_SQL})) AS decision_type
          FROM ({" UNION ALL ".join(parts)})
        )
        GROUP BY ALL ORDER BY platform, category, decision_type
    """
    frame = ctx.frame(query, params)
    return small_rows_dropped(frame, ctx.scope, count="cases", key="platform")


def province_counts(
    *, actor: Actor, filters: DashboardFilters, now: datetime, model: ReadModel | None = None
) -> pd.DataFrame:
    """Per province: cases, open, overdue, decided (by the platform: a decision on
    record), actioned and the share actioned. Cases without a province are left out."""
    ctx = sql.context(actor, model)
    return ctx.cached("provinces", filters, now, lambda: _province_counts(ctx, filters, now))


def _province_counts(ctx: sql.Context, filters: DashboardFilters, now: datetime) -> pd.DataFrame:
    where = sql.where(ctx.scope, filters, ctx.zone)
    query = f"""
        SELECT {text("province_code")} AS province, cases, open, overdue, decided, actioned
        FROM (
          SELECT province_code, count(*) AS cases,
            count(*) FILTER (WHERE {sql.in_("status", OPEN)}) AS open,
            count(*) FILTER (WHERE {sql.overdue()}) AS overdue,
            count(actioned) AS decided,
            count(*) FILTER (WHERE actioned) AS actioned
          FROM cases WHERE {where.sql} AND province_code IS NOT NULL
          GROUP BY ALL
        ) ORDER BY province
    """
    frame = ctx.frame(query, [*OPEN, sql.naive_utc(now), *where.params])
    frame["share_actioned"] = (frame["actioned"] / frame["decided"]).where(frame["decided"] > 0)
    return small_rows_dropped(frame, ctx.scope, count="cases")


def top_accounts(
    *,
    actor: Actor,
    filters: DashboardFilters,
    limit: int = 10,
    model: ReadModel | None = None,
) -> pd.DataFrame:
    """The accounts behind the most cases (repeat offenders), per platform, with the
    account classes recorded for them: columns account_handle, platform, cases,
    account_classes (sorted list). Not for aggregate-only viewers."""
    ctx = sql.context(actor, model)
    require_case_rows(actor, ctx.scope, "dashboard_top_accounts")
    limit = max(1, min(int(limit), 100))
    return ctx.cached("top_accounts", filters, limit, lambda: _top_accounts(ctx, filters, limit))


def _top_accounts(ctx: sql.Context, filters: DashboardFilters, limit: int) -> pd.DataFrame:
    where = sql.where(ctx.scope, filters, ctx.zone)
    # Grouped on the handle's number and the class, then per account: cheaper than
    # collecting a list per row. The handle is looked up for the groups only.
    query = f"""
        SELECT a.account_handle, {text("g.platform_code")} AS platform, g.cases,
               list_sort(CAST(g.classes AS VARCHAR[])) AS account_classes
        FROM (
          SELECT account_id, platform_code, CAST(sum(n) AS BIGINT) AS cases,
                 list_distinct(list(account_class)) AS classes
          FROM (
            SELECT account_id, platform_code, account_class, count(*) AS n
            FROM cases WHERE {where.sql} AND account_id IS NOT NULL GROUP BY ALL
          ) GROUP BY account_id, platform_code
        ) g JOIN accounts a ON a.account_id = g.account_id
        ORDER BY cases DESC, account_handle, platform LIMIT ?
    """
    return ctx.frame(query, [*where.params, limit])


def elections_with_cases(*, actor: Actor, model: ReadModel | None = None) -> frozenset[str]:
    """The elections with at least one case the viewer's dashboard counts (for the
    dashboard's opening view: an election without cases draws empty charts)."""
    ctx = sql.context(actor, model)
    filters = DashboardFilters()

    def compute() -> frozenset[str]:
        where = sql.where(ctx.scope, filters, ctx.zone)
        frame = ctx.frame(
            f"SELECT DISTINCT {text('election_code')} AS code FROM cases "
            f"WHERE {where.sql} AND election_code IS NOT NULL",
            where.params,
        )
        return frozenset(frame["code"])

    return ctx.cached("elections_with_cases", filters, None, compute)


def account_classes(
    *, actor: Actor, filters: DashboardFilters, model: ReadModel | None = None
) -> pd.DataFrame:
    """Cases and distinct accounts per account class (unrecorded class as None):
    columns account_class, cases, accounts."""
    ctx = sql.context(actor, model)
    return ctx.cached("account_classes", filters, None, lambda: _account_classes(ctx, filters))


def _account_classes(ctx: sql.Context, filters: DashboardFilters) -> pd.DataFrame:
    where = sql.where(ctx.scope, filters, ctx.zone)
    query = f"""
        SELECT {text("account_class")} AS account_class, cases, accounts FROM (
          SELECT account_class, count(*) AS cases, count(DISTINCT account_id) AS accounts
          FROM cases WHERE {where.sql} GROUP BY ALL
        ) ORDER BY cases DESC, account_class
    """
    return small_rows_dropped(ctx.frame(query, where.params), ctx.scope, count="cases")


EXPORT_COLUMNS = (
    "reference",
    "status",
    "platform_code",
    "category_code",
    "election_code",
    "phase",
    "province_code",
    "regency_code",
    "priority",
    "source",
    "account_handle",
    "account_class",
    "content_type",
    "report_count",
    "created_at",
    "referred_at",
    "acknowledged_at",
    "decided_at",
    "closed_at",
    "sla_due_at",
    "outcome",
)


def case_rows(
    *, actor: Actor, filters: DashboardFilters, model: ReadModel | None = None
) -> pa.Table:
    """The filtered cases, one row each (times in UTC), for export. Not for
    aggregate-only viewers; never the reporter's identity."""
    ctx = sql.context(actor, model)
    require_case_rows(actor, ctx.scope, "dashboard_export")
    where = sql.where(ctx.scope, filters, ctx.zone)
    columns = ", ".join(
        f"timezone('UTC', {c}) AS {c}"
        if c.endswith("_at")
        else (c if c in ("reference", "account_handle", "report_count") else f"{text(c)} AS {c}")
        for c in EXPORT_COLUMNS
    )
    cursor = ctx.model.cursor()
    try:
        return cursor.sql(
            f"SELECT {columns} FROM cases WHERE {where.sql} ORDER BY created_at, reference",
            params=where.params,
        ).to_arrow_table()
    finally:
        cursor.close()
