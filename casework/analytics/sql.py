"""Building blocks of the figures' SQL over the read model (`db.read_model`): the
viewer's local days, the scope and filters as one condition, and the result cache.

Codes are `ENUM`s in the read model: every figure casts them to `VARCHAR` on the way
out, so that results hold plain strings and sort by their text, not by code order."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import pandas as pd

from casework.analytics import suppression
from casework.analytics.filters import DashboardFilters
from casework.analytics.scope import OTHER_PLATFORMS, Scope, dashboard_scope
from casework.clocks import breach
from casework.desk.workflow import OPEN_STATUSES, Status
from casework.people.actors import Actor
from casework.settings import get_settings
from db.read_model import ReadModel, default_path, local_day_column, read_model_for

OPEN = tuple(sorted(str(s) for s in OPEN_STATUSES))
# The queue's "overdue" filter says the same, so a click through finds these cases.
OVERDUE_STATUSES = (Status.SENT.value, Status.ACKNOWLEDGED.value, Status.CONTESTED.value)

FILTER_COLUMNS = (
    ("elections", "election_code"),
    ("phases", "phase"),
    ("platforms", "platform_code"),
    ("categories", "category_code"),
    ("provinces", "province_code"),
    ("priorities", "priority"),
)


def _process_model() -> ReadModel:
    settings = get_settings()
    path = settings.read_model_file
    if path is None:
        path = default_path(settings.database_url)
    return read_model_for(settings.database_url, path or None)


def shared_read_model() -> ReadModel:
    """The process's read model of the configured database, refreshed if due."""
    model = _process_model()
    model.refresh()
    return model


def read_model_ready() -> bool:
    """Whether the process's read model has done its first load. Until it has, the
    first figures wait for it (the server starts it in the background at start)."""
    return _process_model().loaded


@lru_cache(maxsize=32)
def fixed_offset_seconds(zone: str) -> int | None:
    """The zone's UTC offset when it has not changed since 1990 (WIB, WITA and WIT have
    none): days are then bucketed by adding it, far cheaper than a zone conversion."""
    info = ZoneInfo(zone)
    offsets = {
        datetime(year, month, 15, tzinfo=UTC).astimezone(info).utcoffset()
        for year in range(1990, 2041)
        for month in (1, 7)
    }
    return int(offsets.pop().total_seconds()) if len(offsets) == 1 else None


def local_day(column: str, zone: str) -> str:
    """The viewer's local day of a UTC stamp: stored for WIB, WITA and WIT; otherwise
    the offset added, or for a zone with daylight saving a conversion through ICU."""
    offset = fixed_offset_seconds(zone)
    if offset is not None:
        stored = local_day_column(column, offset)
        if stored is not None:
            return stored
        return f"CAST(({column} + INTERVAL {offset} SECOND) AS DATE)"
    # ZoneInfo accepted the name above, so it is a real zone name, safe to inline.
    return f"CAST(timezone('{zone}', timezone('UTC', {column})) AS DATE)"


def bucket(column: str, zone: str, interval: str) -> str:
    if interval == "week":
        return f"CAST(date_trunc('week', {local_day(column, zone)}) AS DATE)"
    return local_day(column, zone)


def utc_midnight(day: date, zone: str) -> datetime:
    local = datetime.combine(day, time.min, tzinfo=ZoneInfo(zone))
    return local.astimezone(UTC).replace(tzinfo=None)


def naive_utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC).replace(tzinfo=None)


def in_(column: str, values) -> str:
    return f"{column} IN ({', '.join('?' for _ in values)})"


def text(column: str) -> str:
    """An ENUM column as text."""
    return f"CAST({column} AS VARCHAR)"


def overdue(now_param: str = "?") -> str:
    """The one definition of overdue (`casework.clocks.breach`)."""
    return breach.legacy_overdue_duck(now_param)


@dataclass(frozen=True)
class Where:
    sql: str
    params: list


def where(
    scope: Scope,
    filters: DashboardFilters,
    zone: str,
    *,
    aggregate: bool = False,
    dates: bool = True,
) -> Where:
    """The viewer's scope and the filters as one condition. `aggregate` selects a
    liaison's all-platform population, to which the platform filter does not apply."""
    conditions = [scope.aggregate if aggregate else scope.condition]
    params: list = list(scope.aggregate_params) if aggregate else list(scope.params)
    if dates and filters.date_from:
        conditions.append("created_at >= ?")
        params.append(utc_midnight(filters.date_from, zone))
    if dates and filters.date_to:
        conditions.append("created_at < ?")
        params.append(utc_midnight(filters.date_to + timedelta(days=1), zone))
    for name, column in FILTER_COLUMNS:
        values = getattr(filters, name)
        if values and not (aggregate and column == "platform_code"):
            conditions.append(in_(column, values))
            params.extend(values)
    return Where(" AND ".join(f"({c})" for c in conditions), params)


def populations(scope: Scope, filters: DashboardFilters, zone: str, **kw):
    """(where, platform key expression) for each population a by-platform figure shows:
    the scope by platform, and for a liaison the other platforms' aggregate under one key.
    The key is the stored code: group on it, then cast the grouped rows with `text`."""
    yield where(scope, filters, zone, **kw), "platform_code"
    if scope.is_liaison:
        yield where(scope, filters, zone, aggregate=True, **kw), f"'{OTHER_PLATFORMS}'"


@dataclass(frozen=True)
class Context:
    scope: Scope
    model: ReadModel
    zone: str

    def frame(self, sql: str, params: list) -> pd.DataFrame:
        cursor = self.model.cursor()
        try:
            return cursor.execute(sql, params).df()
        finally:
            cursor.close()

    def row(self, sql: str, params: list) -> tuple:
        cursor = self.model.cursor()
        try:
            return cursor.execute(sql, params).fetchone()
        finally:
            cursor.close()

    def cached(self, name: str, filters: DashboardFilters, extra, compute: Callable[[], object]):
        """`compute()`, cached in the read model under everything the result depends
        on: the figure, the scope, the filters, the zone, `extra` (the figure's other
        arguments) and the data version. Frames are copied, so a caller may change its
        own."""
        key = (name, self.scope, filters, self.zone, extra, suppression.threshold())
        value = self.model.cached(key, compute)
        return value.copy() if isinstance(value, pd.DataFrame) else value


def context(actor: Actor, model: ReadModel | None) -> Context:
    scope = dashboard_scope(actor)
    return Context(scope, model or shared_read_model(), actor.time_zone)
