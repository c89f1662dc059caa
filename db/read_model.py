"""The analytics read model: a per-process, in-memory DuckDB copy of the case table
(and the platforms' decisions), read from the operational database through Arrow.

Why not DuckDB's own `sqlite`/`postgres` extensions: they are downloaded on first use,
and a deployment here has no internet. ADBC drivers return Arrow tables, which DuckDB
reads without a copy. On PostgreSQL every read goes through ADBC. On SQLite, ADBC runs
in a child process for the cold load only (`db.arrow_dump` says why), and refreshes,
a few rows each, go through Python's own `sqlite3`, the same SQLite the app uses.

The first use loads every case (cold load). After that, `refresh()` reads only the cases
whose `updated_at` is at or after the watermark minus an overlap, and upserts them by
id. The overlap exists because `updated_at` is taken when a service starts, not when it
commits: a slow transaction can commit a row stamped slightly *before* rows that were
already read. Re-reading the last minute costs a few rows and never misses one.

Times are kept as naive UTC `TIMESTAMP`s. Queries bucket them in the viewer's zone."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import duckdb
import pyarrow as pa
from sqlalchemy.engine import make_url

# Re-read this much before the watermark on every refresh (see the module docstring).
WATERMARK_OVERLAP = timedelta(seconds=60)
# A dashboard rerun asks for a refresh; at most one reaches the database per interval.
REFRESH_INTERVAL_SECONDS = 2.0

# (column, kind): kind is how it is normalised on the way in.
CASE_COLUMNS: tuple[tuple[str, str], ...] = (
    ("id", "int"),
    ("reference", "text"),
    ("status", "text"),
    ("source", "text"),
    ("reporting_organisation_id", "int"),
    ("platform_code", "text"),
    ("account_handle", "text"),
    ("account_class", "text"),
    ("content_type", "text"),
    ("category_code", "text"),
    ("election_code", "text"),
    ("phase", "text"),
    ("province_code", "text"),
    ("regency_code", "text"),
    ("priority", "text"),
    ("outcome", "text"),
    ("report_count", "int"),
    ("contest_count", "int"),
    ("sla_paused_seconds", "int"),
    ("created_at", "time"),
    ("updated_at", "time"),
    ("referred_at", "time"),
    ("acknowledged_at", "time"),
    ("decided_at", "time"),
    ("closed_at", "time"),
    ("escalated_at", "time"),
    ("sla_due_at", "time"),
    ("sla_paused_since", "time"),
)


def adbc_uri(database_url: str) -> tuple[str, str]:
    """(dialect, URI for the ADBC driver) of a SQLAlchemy URL: the file path for SQLite,
    a libpq URI (driver suffix such as `+psycopg` removed) for PostgreSQL."""
    url = make_url(database_url)
    backend = url.get_backend_name()
    if backend == "sqlite":
        if url.database in (None, "", ":memory:"):
            raise ValueError("the read model needs an SQLite file, not an in-memory database")
        return "sqlite", url.database
    if backend == "postgresql":
        return "postgresql", url.set(drivername="postgresql").render_as_string(hide_password=False)
    raise ValueError(f"no ADBC driver for {backend}")


def _connect(dialect: str, uri: str):
    if dialect == "sqlite":
        import adbc_driver_sqlite.dbapi as driver
    else:
        import adbc_driver_postgresql.dbapi as driver
    return driver.connect(uri)


def _fetch_sqlite_in_child(path: str, sql: str) -> pa.Table:
    done = subprocess.run(  # noqa: S603 - our own module, our own query
        [sys.executable, "-m", "db.arrow_dump", path],
        input=sql.encode(),
        capture_output=True,
        check=True,
        timeout=900,
    )
    return pa.ipc.open_stream(done.stdout).read_all()


def _fetch_sqlite(path: str, sql: str) -> pa.Table:
    # Every column is text or an integer (see `_source_case_sql`): type them by name so
    # that an empty result has the same schema as a full one.
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        cursor = connection.execute(sql)
        names = [d[0] for d in cursor.description]
        columns = list(zip(*cursor.fetchall(), strict=True)) or [() for _ in names]
    finally:
        connection.close()
    integers = {name for name, kind in CASE_COLUMNS if kind == "int"} | {"case_id"}
    return pa.table(
        {
            name: pa.array(values, type=pa.int64() if name in integers else pa.string())
            for name, values in zip(names, columns, strict=True)
        }
    )


def _source_case_sql(dialect: str, where: str = "") -> str:
    # ADBC's SQLite driver infers a column's type from its first rows and fails when a
    # column that started NULL later holds text: empty strings instead, NULL again in DuckDB.
    parts = []
    for name, kind in CASE_COLUMNS:
        if dialect == "sqlite" and kind != "int":
            parts.append(f"COALESCE(CAST({name} AS TEXT), '') AS {name}")
        else:
            parts.append(name)
    return f"SELECT {', '.join(parts)} FROM case_file {where}"


def _source_decision_sql(dialect: str, where: str = "") -> str:
    decisions = "CAST(d.decisions AS TEXT)" if dialect == "postgresql" else "d.decisions"
    decided = "CAST(d.decided_at AS TEXT)" if dialect == "sqlite" else "d.decided_at"
    return (
        f"SELECT d.id, d.case_id, d.issued_by, {decisions} AS decisions, {decided} AS decided_at "
        f"FROM decision d {where}"
    )


def _normalised(dialect: str, name: str, kind: str) -> str:
    # Typed explicitly: an empty result from the SQLite driver types every column int64.
    if kind == "int":
        return f"CAST({name} AS BIGINT) AS {name}"
    if kind == "text":
        return f"CAST(NULLIF(CAST({name} AS VARCHAR), '') AS VARCHAR) AS {name}"
    if dialect == "sqlite":
        return f"CAST(NULLIF(CAST({name} AS VARCHAR), '') AS TIMESTAMP) AS {name}"
    return f"CAST(timezone('UTC', {name}) AS TIMESTAMP) AS {name}"


def _case_select(dialect: str, source: str) -> str:
    """The cases of `source`, normalised, with `actioned`: whether the platform's latest
    decision (in `decision_types`, loaded first) did anything but "no action"; NULL
    while the platform has not decided."""
    columns = ", ".join(_normalised(dialect, name, kind) for name, kind in CASE_COLUMNS)
    latest = (
        "SELECT case_id, bool_or(decision_type <> 'no_action') AS actioned "
        "FROM decision_types WHERE decision_id IN ("
        "  SELECT max(decision_id) FROM decision_types WHERE issued_by = 'platform' "
        f"  AND case_id IN (SELECT CAST(id AS BIGINT) FROM {source}) GROUP BY case_id"
        ") GROUP BY case_id"
    )
    return (
        f"SELECT source_rows.*, latest.actioned FROM (SELECT {columns} FROM {source}) "
        f"source_rows LEFT JOIN ({latest}) latest ON latest.case_id = source_rows.id"
    )


def _decision_select(dialect: str, source: str) -> str:
    decided = (
        "CAST(CAST(decided_at AS VARCHAR) AS TIMESTAMP)"
        if dialect == "sqlite"
        else "CAST(timezone('UTC', decided_at) AS TIMESTAMP)"
    )
    # One row per decision type: a decision that removed the post and suspended the
    # account counts under both.
    return (
        f"SELECT CAST(id AS BIGINT) AS decision_id, CAST(case_id AS BIGINT) AS case_id, "
        f"CAST(issued_by AS VARCHAR) AS issued_by, {decided} AS decided_at, "
        f"unnest(from_json(CAST(decisions AS VARCHAR), '[\"VARCHAR\"]')) AS decision_type "
        f"FROM {source}"
    )


def _utc_literal(moment: datetime, dialect: str) -> str:
    # Built from our own datetime, never from input: safe to inline.
    moment = moment.astimezone(UTC)
    if dialect == "sqlite":
        return f"'{moment.strftime('%Y-%m-%d %H:%M:%S.%f')}'"
    return f"'{moment.isoformat()}'::timestamptz"


@dataclass
class RefreshStats:
    """What the read model has read from the operational database, for tests and the
    benchmark: a warm refresh must read the changed rows, not the table."""

    loads: int = 0
    refreshes: int = 0
    rows_read: int = 0
    last_rows_read: int = 0
    history: list[int] = field(default_factory=list)


class ReadModel:
    """An in-memory DuckDB holding `cases` and `decision_types`, kept in step with the
    operational database at `database_url`. Safe to share between Streamlit's threads:
    loading and refreshing hold a lock; every query runs on a cursor of its own."""

    def __init__(
        self,
        database_url: str,
        *,
        refresh_interval: float = REFRESH_INTERVAL_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.dialect, self._uri = adbc_uri(database_url)
        self._refresh_interval = refresh_interval
        self._clock = clock
        self._lock = threading.Lock()
        self._duck = duckdb.connect(":memory:")
        self._loaded = False
        self._last_refresh: float | None = None
        self.watermark: datetime | None = None
        self.stats = RefreshStats()

    # --- reading from the operational database ------------------------------------------

    def _fetch(self, sql: str, *, bulk: bool = False) -> pa.Table:
        if self.dialect == "sqlite":
            return _fetch_sqlite_in_child(self._uri, sql) if bulk else _fetch_sqlite(self._uri, sql)
        with _connect(self.dialect, self._uri) as connection:
            cursor = connection.cursor()
            try:
                cursor.execute(sql)
                return cursor.fetch_arrow_table()
            finally:
                cursor.close()

    def _advance_watermark(self, cursor) -> None:
        latest = cursor.execute("SELECT max(updated_at) FROM cases").fetchone()[0]
        if latest is not None:
            self.watermark = latest.replace(tzinfo=UTC)

    def _load(self) -> None:
        case_rows = self._fetch(_source_case_sql(self.dialect), bulk=True)
        decision_rows = self._fetch(_source_decision_sql(self.dialect), bulk=True)
        cursor = self._duck.cursor()
        try:
            cursor.register("case_rows", case_rows)
            cursor.register("decision_rows", decision_rows)
            cursor.execute(
                "CREATE OR REPLACE TABLE decision_types AS "
                + _decision_select(self.dialect, "decision_rows")
            )
            cursor.execute(
                "CREATE OR REPLACE TABLE cases AS " + _case_select(self.dialect, "case_rows")
            )
            self._advance_watermark(cursor)
        finally:
            cursor.close()
        self._record(case_rows.num_rows, load=True)
        self._loaded = True

    def _refresh_changed(self) -> None:
        if self.watermark is None:
            since = "1=1"
        else:
            since = (
                f"updated_at >= {_utc_literal(self.watermark - WATERMARK_OVERLAP, self.dialect)}"
            )
        case_rows = self._fetch(_source_case_sql(self.dialect, f"WHERE {since}"))
        if case_rows.num_rows == 0:
            self._record(0, load=False)
            return
        # A case's decisions change only with the case (recording one bumps updated_at).
        decision_rows = self._fetch(
            _source_decision_sql(
                self.dialect, f"WHERE d.case_id IN (SELECT id FROM case_file WHERE {since})"
            )
        )
        cursor = self._duck.cursor()
        try:
            cursor.register("case_rows", case_rows)
            cursor.register("decision_rows", decision_rows)
            cursor.execute("BEGIN")
            cursor.execute(
                "DELETE FROM cases WHERE id IN (SELECT CAST(id AS BIGINT) FROM case_rows)"
            )
            cursor.execute(
                "DELETE FROM decision_types "
                "WHERE case_id IN (SELECT CAST(id AS BIGINT) FROM case_rows)"
            )
            cursor.execute(
                "INSERT INTO decision_types " + _decision_select(self.dialect, "decision_rows")
            )
            cursor.execute("INSERT INTO cases " + _case_select(self.dialect, "case_rows"))
            cursor.execute("COMMIT")
            self._advance_watermark(cursor)
        finally:
            cursor.close()
        self._record(case_rows.num_rows, load=False)

    def _record(self, rows: int, *, load: bool) -> None:
        if load:
            self.stats.loads += 1
        else:
            self.stats.refreshes += 1
        self.stats.rows_read += rows
        self.stats.last_rows_read = rows
        self.stats.history.append(rows)

    # --- the public surface -------------------------------------------------------------

    def refresh(self, *, force: bool = False) -> None:
        """Load everything on first use; afterwards read the changed cases, at most once
        per refresh interval unless `force`."""
        with self._lock:
            now = self._clock()
            if self._loaded and not force and self._last_refresh is not None:
                if now - self._last_refresh < self._refresh_interval:
                    return
            if self._loaded:
                self._refresh_changed()
            else:
                self._load()
            self._last_refresh = self._clock()

    def cursor(self) -> duckdb.DuckDBPyConnection:
        """A cursor for one query (DuckDB connections are not shared across threads)."""
        if not self._loaded:
            self.refresh()
        return self._duck.cursor()

    def close(self) -> None:
        self._duck.close()


_MODELS: dict[str, ReadModel] = {}
_MODELS_LOCK = threading.Lock()


def read_model_for(database_url: str) -> ReadModel:
    """The process's read model of `database_url`, created on first use."""
    with _MODELS_LOCK:
        model = _MODELS.get(database_url)
        if model is None:
            model = _MODELS[database_url] = ReadModel(database_url)
        return model
