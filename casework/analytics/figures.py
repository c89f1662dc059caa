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
  under `ALL_PLATFORMS` for every platform together."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import pandas as pd
import pyarrow as pa

from casework.actors import Actor
from casework.analytics.filters import DashboardFilters
from casework.analytics.scope import ALL_PLATFORMS, Scope, dashboard_scope, require_case_rows
from casework.workflow import OPEN_STATUSES, Status
from db.config import get_settings
from db.read_model import ReadModel, read_model_for

OPEN = tuple(sorted(str(s) for s in OPEN_STATUSES))
# The queue's "overdue" filter says the same, so a click through finds these cases.
OVERDUE_STATUSES = (Status.SENT.value, Status.ACKNOWLEDGED.value, Status.CONTESTED.value)
BACKLOG_STAGES = ("in_review", "sent", "acknowledged", "escalated", "decided")

_FILTER_COLUMNS = (
    ("elections", "election_code"),
    ("phases", "phase"),
    ("platforms", "platform_code"),
    ("categories", "category_code"),
    ("provinces", "province_code"),
    ("priorities", "priority"),
)


def shared_read_model() -> ReadModel:
    """The process's read model of the configured database, refreshed if due."""
    model = read_model_for(get_settings().database_url)
    model.refresh()
    return model


# --- SQL building blocks ---------------------------------------------------------------


@lru_cache(maxsize=32)
def _fixed_offset_seconds(zone: str) -> int | None:
    """The zone's UTC offset when it has not changed since 1990 (WIB, WITA and WIT have
    none): days are then bucketed by adding it, far cheaper than a zone conversion."""
    info = ZoneInfo(zone)
    offsets = {
        datetime(year, month, 15, tzinfo=UTC).astimezone(info).utcoffset()
        for year in range(1990, 2041)
        for month in (1, 7)
    }
    return int(offsets.pop().total_seconds()) if len(offsets) == 1 else None


def _local(column: str, zone: str) -> str:
    offset = _fixed_offset_seconds(zone)
    if offset is not None:
        return f"({column} + INTERVAL {offset} SECOND)"
    # ZoneInfo accepted the name above, so it is a real zone name, safe to inline.
    return f"timezone('{zone}', timezone('UTC', {column}))"


def _local_day(column: str, zone: str) -> str:
    return f"CAST({_local(column, zone)} AS DATE)"


def _bucket(column: str, zone: str, interval: str) -> str:
    if interval == "week":
        return f"CAST(date_trunc('week', {_local_day(column, zone)}) AS DATE)"
    return _local_day(column, zone)


def _utc_midnight(day: date, zone: str) -> datetime:
    local = datetime.combine(day, time.min, tzinfo=ZoneInfo(zone))
    return local.astimezone(UTC).replace(tzinfo=None)


def _in(column: str, values) -> str:
    return f"{column} IN ({', '.join('?' for _ in values)})"


@dataclass(frozen=True)
class _Where:
    sql: str
    params: list


def _where(
    scope: Scope,
    filters: DashboardFilters,
    zone: str,
    *,
    aggregate: bool = False,
    dates: bool = True,
) -> _Where:
    """The viewer's scope and the filters as one condition. `aggregate` selects a
    liaison's all-platform population, to which the platform filter does not apply."""
    conditions = [scope.aggregate if aggregate else scope.condition]
    params: list = [] if aggregate else list(scope.params)
    if dates and filters.date_from:
        conditions.append("created_at >= ?")
        params.append(_utc_midnight(filters.date_from, zone))
    if dates and filters.date_to:
        conditions.append("created_at < ?")
        params.append(_utc_midnight(filters.date_to + timedelta(days=1), zone))
    for name, column in _FILTER_COLUMNS:
        values = getattr(filters, name)
        if values and not (aggregate and column == "platform_code"):
            conditions.append(_in(column, values))
            params.extend(values)
    return _Where(" AND ".join(f"({c})" for c in conditions), params)


def _populations(scope: Scope, filters: DashboardFilters, zone: str, **kw):
    """(where, platform key expression) for each population a by-platform figure shows:
    the scope by platform, and for a liaison the all-platform aggregate under one key."""
    yield _where(scope, filters, zone, **kw), "platform_code"
    if scope.is_liaison:
        yield _where(scope, filters, zone, aggregate=True, **kw), f"'{ALL_PLATFORMS}'"


def _frame(model: ReadModel, sql: str, params: list) -> pd.DataFrame:
    cursor = model.cursor()
    try:
        return cursor.execute(sql, params).df()
    finally:
        cursor.close()


def _context(actor: Actor, model: ReadModel | None) -> tuple[Scope, ReadModel, str]:
    scope = dashboard_scope(actor)
    return scope, model or shared_read_model(), actor.time_zone


def _naive_utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC).replace(tzinfo=None)


def _overdue(now_param: str = "?") -> str:
    return (
        f"(sla_due_at < {now_param} AND decided_at IS NULL AND sla_paused_since IS NULL "
        f"AND {_in('status', OVERDUE_STATUSES)})"
    )


# --- the figures -----------------------------------------------------------------------


@dataclass(frozen=True)
class Headline:
    open: int
    overdue: int
    referred_this_week: int
    median_hours_to_decision: float | None
    # Of the cases the platform has decided, those whose latest decision did more than
    # "no action".
    share_actioned: float | None
    decided: int


def headline(
    *, actor: Actor, filters: DashboardFilters, now: datetime, model: ReadModel | None = None
) -> Headline:
    """Open and overdue cases, cases referred this (local, Monday-first) week, median
    hours from referral to decision, and the share of decisions that took action."""
    scope, model, zone = _context(actor, model)
    where = _where(scope, filters, zone)
    today = now.astimezone(ZoneInfo(zone)).date()
    week_start = today - timedelta(days=today.weekday())
    sql = f"""
        SELECT
          count(*) FILTER (WHERE {_in("status", OPEN)}),
          count(*) FILTER (WHERE {_overdue()}),
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
        _naive_utc(now),
        *OVERDUE_STATUSES,
        _utc_midnight(week_start, zone),
        _utc_midnight(week_start + timedelta(days=7), zone),
        *where.params,
    ]
    cursor = model.cursor()
    try:
        row = cursor.execute(sql, params).fetchone()
    finally:
        cursor.close()
    open_, overdue, referred, median_hours, decided, actioned, with_decision = row
    return Headline(
        open=open_,
        overdue=overdue,
        referred_this_week=referred,
        median_hours_to_decision=None if median_hours is None else float(median_hours),
        share_actioned=actioned / with_decision if with_decision else None,
        decided=decided,
    )


def volume(
    *, actor: Actor, filters: DashboardFilters, by: str, model: ReadModel | None = None
) -> pd.DataFrame:
    """Cases filed per local day or week (`filters.interval`), by `category` or
    `platform`: columns bucket (date), key (code), cases."""
    if by not in ("category", "platform"):
        raise ValueError(by)
    scope, model, zone = _context(actor, model)
    bucket = _bucket("created_at", zone, filters.interval)
    if by == "category":
        where = _where(scope, filters, zone)
        sql = (
            f"SELECT {bucket} AS bucket, category_code AS key, count(*) AS cases "
            f"FROM cases WHERE {where.sql} GROUP BY ALL"
        )
        params = where.params
    else:
        parts, params = [], []
        for where, key in _populations(scope, filters, zone):
            parts.append(
                f"SELECT {bucket} AS bucket, {key} AS key, count(*) AS cases "
                f"FROM cases WHERE {where.sql} GROUP BY ALL"
            )
            params.extend(where.params)
        sql = " UNION ALL ".join(parts)
    return _frame(model, f"SELECT * FROM ({sql}) ORDER BY bucket, key", params)


def backlog(
    *, actor: Actor, filters: DashboardFilters, now: datetime, model: ReadModel | None = None
) -> pd.DataFrame:
    """Open cases at the end of each local day of the window, by stage: columns day,
    stage (`BACKLOG_STAGES`), cases.

    The stage on a day comes from the lifecycle stamps (referred, acknowledged,
    escalated, decided, closed), the latest one reached by that day's end winning. The
    window is the filter's dates, or from the first filing to today."""
    scope, model, zone = _context(actor, model)
    where = _where(scope, filters, zone, dates=False)
    day = {c: _local_day(c, zone) for c in ("created_at", "referred_at", "acknowledged_at")}
    day |= {c: _local_day(c, zone) for c in ("escalated_at", "decided_at", "closed_at")}
    cursor = model.cursor()
    try:
        first = cursor.execute(
            f"SELECT min({day['created_at']}) FROM cases WHERE {where.sql}", where.params
        ).fetchone()[0]
    finally:
        cursor.close()
    if first is None:
        return pd.DataFrame({"day": [], "stage": [], "cases": []})
    start = filters.date_from or first
    end = filters.date_to or now.astimezone(ZoneInfo(zone)).date()
    if end < start:
        return pd.DataFrame({"day": [], "stage": [], "cases": []})
    never = "DATE '9999-12-31'"
    stamps = ", ".join(
        f"coalesce({day[column]}, {never}) AS {alias}"
        for column, alias in (
            ("referred_at", "r"),
            ("acknowledged_at", "a"),
            ("escalated_at", "e"),
            ("decided_at", "k"),
            ("closed_at", "x"),
        )
    )
    stages = ", ".join(f"('{s}', {i})" for i, s in enumerate(BACKLOG_STAGES))
    sql = f"""
        WITH stamps AS (
          SELECT {day["created_at"]} AS c, {stamps} FROM cases WHERE {where.sql}
        ), spans AS (
          SELECT 'in_review' AS stage, c AS s, least(r, a, e, k, x) AS f FROM stamps
          UNION ALL SELECT 'sent', r, least(a, e, k, x) FROM stamps WHERE r < {never}
          UNION ALL SELECT 'acknowledged', a, least(e, k, x) FROM stamps WHERE a < {never}
          UNION ALL SELECT 'escalated', e, least(k, x) FROM stamps WHERE e < {never}
          UNION ALL SELECT 'decided', k, x FROM stamps WHERE k < {never}
        ), kept AS (
          SELECT stage, greatest(s, ?::DATE) AS s, f FROM spans
          WHERE s < f AND s <= ?::DATE AND f > ?::DATE
        ), deltas AS (
          SELECT stage, s AS day, 1 AS n FROM kept
          UNION ALL SELECT stage, f, -1 FROM kept WHERE f <= ?::DATE
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
    """
    params = [*where.params, start, end, start, end, start, end]
    return _frame(model, sql, params)


def sla_compliance(
    *, actor: Actor, filters: DashboardFilters, now: datetime, model: ReadModel | None = None
) -> pd.DataFrame:
    """Per platform and priority, the referred cases whose deadline has been settled
    (decided, or overdue now) and the share of them decided within the deadline:
    columns platform, priority, measured, in_time, share."""
    scope, model, zone = _context(actor, model)
    settled = (
        "referred_at IS NOT NULL AND sla_due_at IS NOT NULL AND (decided_at IS NOT NULL "
        "OR (sla_paused_since IS NULL AND sla_due_at < ?) OR sla_paused_since > sla_due_at)"
    )
    parts, params = [], []
    for where, key in _populations(scope, filters, zone):
        parts.append(
            f"SELECT {key} AS platform, priority, count(*) AS measured, "
            "count(*) FILTER (WHERE decided_at IS NOT NULL AND decided_at <= sla_due_at) "
            f"AS in_time FROM cases WHERE {where.sql} AND {settled} GROUP BY ALL"
        )
        params.extend([*where.params, _naive_utc(now)])
    sql = (
        f"SELECT platform, priority, measured, in_time, in_time / measured AS share "
        f"FROM ({' UNION ALL '.join(parts)}) ORDER BY platform, priority"
    )
    return _frame(model, sql, params)


def response_times(
    *, actor: Actor, filters: DashboardFilters, model: ReadModel | None = None
) -> pd.DataFrame:
    """Hours from referral to acknowledgement and to decision, per local day or week
    of referral and platform: columns bucket, platform, measure (`acknowledgement` or
    `decision`), cases, median_hours, p90_hours (continuous quantiles)."""
    scope, model, zone = _context(actor, model)
    bucket = _bucket("referred_at", zone, filters.interval)
    parts, params = [], []
    for where, key in _populations(scope, filters, zone):
        for measure, column in (("acknowledgement", "acknowledged_at"), ("decision", "decided_at")):
            hours = f"epoch({column} - referred_at) / 3600.0"
            parts.append(
                f"SELECT {bucket} AS bucket, {key} AS platform, '{measure}' AS measure, "
                f"count(*) AS cases, median({hours}) AS median_hours, "
                f"quantile_cont({hours}, 0.9) AS p90_hours FROM cases "
                f"WHERE {where.sql} AND referred_at IS NOT NULL AND {column} IS NOT NULL "
                "GROUP BY ALL"
            )
            params.extend(where.params)
    sql = f"SELECT * FROM ({' UNION ALL '.join(parts)}) ORDER BY bucket, platform, measure"
    return _frame(model, sql, params)


def outcomes(
    *, actor: Actor, filters: DashboardFilters, model: ReadModel | None = None
) -> pd.DataFrame:
    """Cases by the types of their platform's latest decision, per platform and
    category: columns platform, category, decision_type, cases. A decision of several
    types counts once under each."""
    scope, model, zone = _context(actor, model)
    parts, params = [], []
    for where, key in _populations(scope, filters, zone):
        parts.append(
            f"SELECT {key} AS platform, c.category_code AS category, t.decision_type, "
            "count(DISTINCT c.id) AS cases "
            f"FROM (SELECT * FROM cases WHERE {where.sql}) c "
            "JOIN latest ON latest.case_id = c.id "
            "JOIN decision_types t ON t.decision_id = latest.decision_id GROUP BY ALL"
        )
        params.extend(where.params)
    sql = f"""
        WITH latest AS (
          SELECT case_id, max(decision_id) AS decision_id FROM decision_types
          WHERE issued_by = 'platform' GROUP BY case_id
        )
        SELECT * FROM ({" UNION ALL ".join(parts)}) ORDER BY platform, category, decision_type
    """
    return _frame(model, sql, params)


def province_counts(
    *, actor: Actor, filters: DashboardFilters, now: datetime, model: ReadModel | None = None
) -> pd.DataFrame:
    """Per province: cases, open, overdue, decided (by the platform: a decision on
    record), actioned and the share actioned. Cases without a province are left out."""
    scope, model, zone = _context(actor, model)
    where = _where(scope, filters, zone)
    sql = f"""
        SELECT province_code AS province, count(*) AS cases,
          count(*) FILTER (WHERE {_in("status", OPEN)}) AS open,
          count(*) FILTER (WHERE {_overdue()}) AS overdue,
          count(actioned) AS decided,
          count(*) FILTER (WHERE actioned) AS actioned
        FROM cases WHERE {where.sql} AND province_code IS NOT NULL
        GROUP BY ALL ORDER BY province
    """
    frame = _frame(model, sql, [*OPEN, _naive_utc(now), *OVERDUE_STATUSES, *where.params])
    frame["share_actioned"] = (frame["actioned"] / frame["decided"]).where(frame["decided"] > 0)
    return frame


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
    scope, model, zone = _context(actor, model)
    require_case_rows(actor, scope, "dashboard_top_accounts")
    where = _where(scope, filters, zone)
    sql = f"""
        SELECT account_handle, platform_code AS platform, count(*) AS cases,
               list_sort(list_distinct(list(account_class))) AS account_classes
        FROM cases WHERE {where.sql} AND account_handle IS NOT NULL
        GROUP BY ALL ORDER BY cases DESC, account_handle, platform LIMIT ?
    """
    return _frame(model, sql, [*where.params, max(1, min(int(limit), 100))])


def account_classes(
    *, actor: Actor, filters: DashboardFilters, model: ReadModel | None = None
) -> pd.DataFrame:
    """Cases and distinct accounts per account class (unrecorded class as None):
    columns account_class, cases, accounts."""
    scope, model, zone = _context(actor, model)
    where = _where(scope, filters, zone)
    sql = f"""
        SELECT account_class, count(*) AS cases, count(DISTINCT account_handle) AS accounts
        FROM cases WHERE {where.sql} GROUP BY ALL ORDER BY cases DESC, account_class
    """
    return _frame(model, sql, where.params)


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
    scope, model, zone = _context(actor, model)
    require_case_rows(actor, scope, "dashboard_export")
    where = _where(scope, filters, zone)
    columns = ", ".join(
        f"timezone('UTC', {c}) AS {c}" if c.endswith("_at") else c for c in EXPORT_COLUMNS
    )
    cursor = model.cursor()
    try:
        return cursor.sql(
            f"SELECT {columns} FROM cases WHERE {where.sql} ORDER BY created_at, reference",
            params=where.params,
        ).to_arrow_table()
    finally:
        cursor.close()
