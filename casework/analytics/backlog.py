"""The backlog figure: open cases at the end of each day, by stage."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pandas as pd

from casework.analytics import sql
from casework.analytics.filters import DashboardFilters
from casework.analytics.suppression import small_rows_dropped
from casework.people.actors import Actor
from db.read_model import ReadModel

BACKLOG_STAGES = ("in_review", "sent", "acknowledged", "escalated", "decided")
_NEVER = "DATE '9999-12-31'"
_STAMPS = (
    ("referred_at", "r"),
    ("acknowledged_at", "a"),
    ("escalated_at", "e"),
    ("decided_at", "k"),
    ("closed_at", "x"),
)


def _empty() -> pd.DataFrame:
    return pd.DataFrame({"day": [], "stage": [], "cases": []})


def backlog(
    *, actor: Actor, filters: DashboardFilters, now: datetime, model: ReadModel | None = None
) -> pd.DataFrame:
    """Open cases at the end of each local day of the window, by stage: columns day,
    stage (`BACKLOG_STAGES`), cases.

    The stage on a day comes from the lifecycle stamps (referred, acknowledged,
    escalated, decided, closed), the latest one reached by that day's end winning. The
    window is the filter's dates, or from the first filing to today."""
    ctx = sql.context(actor, model)
    today = now.astimezone(ZoneInfo(ctx.zone)).date()
    # `now` matters only through today's date, and only without an end date.
    extra = None if filters.date_to else today
    return ctx.cached("backlog", filters, extra, lambda: _backlog(ctx, filters, today))


def _backlog(ctx: sql.Context, filters: DashboardFilters, today) -> pd.DataFrame:
    zone = ctx.zone
    where = sql.where(ctx.scope, filters, zone, dates=False)
    created = sql.local_day("created_at", zone)
    if filters.date_from:
        # Only whether there is any case at all.
        query = f"SELECT min(created_at) FROM (FROM cases WHERE {where.sql} LIMIT 1)"  # noqa: S608
        first = ctx.row(query, where.params)[0]
    else:
        query = f"SELECT min({created}) FROM cases WHERE {where.sql}"  # noqa: S608
        first = ctx.row(query, where.params)[0]
    if first is None:
        return _empty()
    start = filters.date_from or first
    end = filters.date_to or today
    if end < start:
        return _empty()
    stamps = ", ".join(
        f"coalesce({sql.local_day(column, zone)}, {_NEVER}) AS {alias}" for column, alias in _STAMPS
    )
    stages = ", ".join(f"('{s}', {i})" for i, s in enumerate(BACKLOG_STAGES))
    never = _NEVER
    # Cases are first counted per combination of local days (tens of thousands at a
    # million cases), and the spans are worked out per combination. Every span ends by
    # the closing day, so cases closed by the window's first day are left out at once.
    closed = sql.local_day("closed_at", zone)
    # Every fragment is this module's own SQL; every value is a bound parameter.
    query = f"""
        WITH stamps AS (
          SELECT c, r, a, e, k, x, count(*) AS n FROM (
            SELECT {created} AS c, {stamps} FROM cases
            WHERE {where.sql} AND ({closed} IS NULL OR {closed} > ?::DATE)
          ) GROUP BY ALL
        ), spans AS (
          SELECT 'in_review' AS stage, c AS s, least(r, a, e, k, x) AS f, n FROM stamps
          UNION ALL SELECT 'sent', r, least(a, e, k, x), n FROM stamps WHERE r < {never}
          UNION ALL SELECT 'acknowledged', a, least(e, k, x), n FROM stamps WHERE a < {never}
          UNION ALL SELECT 'escalated', e, least(k, x), n FROM stamps WHERE e < {never}
          UNION ALL SELECT 'decided', k, x, n FROM stamps WHERE k < {never}
        ), kept AS (
          SELECT stage, greatest(s, ?::DATE) AS s, f, n FROM spans
          WHERE s < f AND s <= ?::DATE AND f > ?::DATE
        ), deltas AS (
          SELECT stage, s AS day, n FROM kept
          UNION ALL SELECT stage, f, -n FROM kept WHERE f <= ?::DATE
        ), daily AS (
          SELECT stage, day, sum(n) AS n FROM deltas GROUP BY ALL
        ), days AS (
          SELECT CAST(g AS DATE) AS day FROM generate_series(?::DATE, ?::DATE, INTERVAL 1 DAY) t(g)
        )
        SELECT days.day, st.stage,
               CAST(sum(coalesce(daily.n, 0)) OVER (
                 PARTITION BY st.stage ORDER BY days.day) AS BIGINT) AS cases
        FROM days CROSS JOIN (VALUES {stages}) st(stage, position)
        LEFT JOIN daily ON daily.stage = st.stage AND daily.day = days.day
        ORDER BY days.day, st.position
    """  # noqa: S608
    frame = ctx.frame(query, [*where.params, start, start, end, start, end, start, end])
    return small_rows_dropped(frame, ctx.scope, count="cases")
