"""Figures the transparency report adds to the dashboard's: the case counts of the
period broken down by one dimension, and response times over the whole period. Same
read model, same scope inside the SQL, same conventions as `figures`."""

from __future__ import annotations

import pandas as pd

from casework.analytics import sql
from casework.analytics.filters import DashboardFilters
from casework.people.actors import Actor
from db.read_model import ReadModel

DIMENSIONS = {
    "platform": "platform_code",
    "category": "category_code",
    "province": "province_code",
    "source": "source",
}
COUNTS = """count(*) AS filed,
  count(*) FILTER (WHERE referred_at IS NOT NULL) AS referred,
  count(actioned) AS decided,
  count(*) FILTER (WHERE actioned) AS actioned,
  count(*) FILTER (WHERE escalated_at IS NOT NULL) AS escalated,
  count(*) FILTER (WHERE contest_count > 0) AS contested"""


def breakdown(
    *, actor: Actor, filters: DashboardFilters, by: str, model: ReadModel | None = None
) -> pd.DataFrame:
    """The period's cases by `by` (platform, category, province or source): columns key,
    filed, referred, decided (a platform decision on record), actioned (the latest
    decision did more than "no action"), escalated, contested (at least once). A
    liaison's by-platform breakdown adds the all-platform row."""
    if by not in DIMENSIONS:
        raise ValueError(by)
    ctx = sql.context(actor, model)
    return ctx.cached("breakdown", filters, by, lambda: _breakdown(ctx, filters, by))


def _breakdown(ctx: sql.Context, filters: DashboardFilters, by: str) -> pd.DataFrame:
    if by == "platform":
        parts, params = [], []
        for where, key in sql.populations(ctx.scope, filters, ctx.zone):
            parts.append(f"SELECT {key} AS key, {COUNTS} FROM cases WHERE {where.sql} GROUP BY 1")
            params.extend(where.params)
        grouped = " UNION ALL ".join(parts)
    else:
        where = sql.where(ctx.scope, filters, ctx.zone)
        grouped = (
            f"SELECT {DIMENSIONS[by]} AS key, {COUNTS} FROM cases WHERE {where.sql} GROUP BY 1"
        )
        params = where.params
    query = (
        f"SELECT {sql.text('key')} AS key, filed, referred, decided, actioned, escalated, "
        f"contested FROM ({grouped}) ORDER BY filed DESC, key"
    )
    return ctx.frame(query, params)


def totals(*, actor: Actor, filters: DashboardFilters, model: ReadModel | None = None) -> dict:
    """The period's counts over every case in scope, as one row of `breakdown`'s
    columns (without key)."""
    ctx = sql.context(actor, model)

    def compute() -> dict:
        where = sql.where(ctx.scope, filters, ctx.zone)
        frame = ctx.frame(f"SELECT {COUNTS} FROM cases WHERE {where.sql}", where.params)
        return {name: int(frame[name].iloc[0] or 0) for name in frame.columns}

    return dict(ctx.cached("totals", filters, None, compute))


def response_summary(
    *, actor: Actor, filters: DashboardFilters, model: ReadModel | None = None
) -> pd.DataFrame:
    """Hours from referral to acknowledgement and to decision over the whole period,
    per platform: columns platform, measure, cases, median_hours, p90_hours."""
    ctx = sql.context(actor, model)
    return ctx.cached("response_summary", filters, None, lambda: _responses(ctx, filters))


def _responses(ctx: sql.Context, filters: DashboardFilters) -> pd.DataFrame:
    parts, params = [], []
    for where, key in sql.populations(ctx.scope, filters, ctx.zone):
        for measure, column in (("acknowledgement", "acknowledged_at"), ("decision", "decided_at")):
            hours = f"epoch({column} - referred_at) / 3600.0"
            parts.append(
                f"SELECT {key} AS platform, '{measure}' AS measure, count(*) AS cases, "
                f"median({hours}) AS median_hours, quantile_cont({hours}, 0.9) AS p90_hours "
                f"FROM cases WHERE {where.sql} AND referred_at IS NOT NULL "
                f"AND {column} IS NOT NULL GROUP BY 1"
            )
            params.extend(where.params)
    query = (
        f"SELECT {sql.text('platform')} AS platform, measure, cases, median_hours, p90_hours "
        f"FROM ({' UNION ALL '.join(parts)}) ORDER BY platform, measure"
    )
    return ctx.frame(query, params)
