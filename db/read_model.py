"""The analytics read model: a per-process, in-memory DuckDB copy of the case table
(with each case's latest platform decision) and of the cases' clocks (`case_clock`),
read from the operational database through Arrow.

Why not DuckDB's own `sqlite`/`postgres` extensions: they are downloaded on first use,
and a deployment here has no internet. ADBC drivers return Arrow record batches, which
DuckDB reads as a stream, without a copy of the whole table in Python. On PostgreSQL
every read goes through ADBC. On SQLite, ADBC runs in a child process for the cold load
only (`db.arrow_dump` says why), and refreshes, a few rows each, go through Python's own
`sqlite3`, the same SQLite the app uses.

The first use loads every case (cold load). After that, `refresh()` reads only the cases
whose `updated_at` is at or after the watermark minus an overlap, and upserts them by
id. The overlap exists because `updated_at` is taken when a service starts, not when it
commits: a slow transaction can commit a row stamped slightly *before* rows that were
already read. Re-reading the last minute costs a few rows and never misses one.

The layout is built for the dashboard's scans:
- times are naive UTC `TIMESTAMP`s; next to the six lifecycle stamps, their local days
  in WIB, WITA and WIT (`created_day7`, …), which have had fixed offsets since long
  before 1990. Other zones compute days from the stamps;
- low-cardinality codes are DuckDB `ENUM`s (one small integer per row). A refresh that
  brings a code the type lacks widens it (the new code is appended; the column is
  rewritten once);
- each case carries its platform's latest decision as `actioned` and `decision_set`
  (its types, sorted, joined by `DECISION_SET_SEPARATOR`), so no figure joins decisions;
- account handles are numbered (`account_id`, from the `accounts` table): grouping on a
  number is cheaper than on text.

`version` changes whenever the data does; figure results are cached under it
(`cached`)."""

from __future__ import annotations

import hashlib
import json
import logging
import os
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import duckdb
import pyarrow as pa
from sqlalchemy.engine import make_url

log = logging.getLogger(__name__)

# Re-read this much before the watermark on every refresh (see the module docstring).
WATERMARK_OVERLAP = timedelta(seconds=60)
# A dashboard rerun asks for a refresh; at most one reaches the database per interval.
REFRESH_INTERVAL_SECONDS = 2.0
# DuckDB's own resources: the design's machine has two cores, and the read model shares
# it with the app. At 1,000,000 cases the tables take about 0.3 GB.
DUCKDB_THREADS = 2
DUCKDB_MEMORY_LIMIT = "2GB"
# Cases per chunk of the cold load.
LOAD_CHUNK_ROWS = 200_000
# Figure results kept per model (`cached`).
CACHE_ENTRIES = 128


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
# Stored as ENUMs: codes from the taxonomy and the workflow, a few hundred values at most.
ENUM_COLUMNS = (
    "status",
    "source",
    "platform_code",
    "account_class",
    "content_type",
    "category_code",
    "election_code",
    "phase",
    "province_code",
    "regency_code",
    "priority",
    "outcome",
    "decision_set",
)
# The clocks of every case (issue 18, `case_clock`): one row per case and rule. A case's
# clocks change only with the case (every action that drives a clock bumps `updated_at`,
# and so does an administrator's recompute), so they are re-read with it.
CLOCK_COLUMNS: tuple[tuple[str, str], ...] = (
    ("case_id", "int"),
    ("rule_code", "text"),
    ("kind", "text"),
    ("owner", "text"),
    ("outcome", "text"),
    ("paused_seconds", "int"),
    ("started_at", "time"),
    ("due_at", "time"),
    ("paused_since", "time"),
    ("stopped_at", "time"),
)
# The clocks' ENUMs, kept under these keys (the case table has its own `outcome`).
CLOCK_ENUM_COLUMNS = ("rule_code", "kind", "owner", "outcome")
CLOCK_ENUM_PREFIX = "clock_"
# Each clock row carries a copy of its case's columns that the dashboard's scope and
# filters read (`casework.analytics.scope`, `casework.analytics.sql.where`), so that a
# clock figure is one scan of `clocks` with the same condition as the case figures, not
# a join of 3 million clocks to a million cases. Same names, same types as in `cases`.
CLOCK_CASE_COLUMNS = (
    "created_at",
    "referred_at",
    "escalated_at",
    "reporting_organisation_id",
    "platform_code",
    "province_code",
    "regency_code",
    "election_code",
    "phase",
    "category_code",
    "priority",
)
# Local days kept for these UTC offsets (hours): WIB, WITA, WIT.
LOCAL_DAY_OFFSETS = (7, 8, 9)
LOCAL_DAY_STAMPS = (
    "created_at",
    "referred_at",
    "acknowledged_at",
    "escalated_at",
    "decided_at",
    "closed_at",
)
# A persisted model is taken up only if built with the same layout: the columns above
# are part of the key, and the leading number is raised when the layout changes
# otherwise. Every persisted model is then rebuilt once.
PERSISTED_FORMAT = (
    "2:"
    + hashlib.sha256(
        repr(
            (
                CASE_COLUMNS,
                ENUM_COLUMNS,
                LOCAL_DAY_OFFSETS,
                LOCAL_DAY_STAMPS,
                CLOCK_COLUMNS,
                CLOCK_ENUM_COLUMNS,
                CLOCK_CASE_COLUMNS,
            )
        ).encode()
    ).hexdigest()[:16]
)

# The unit separator: no code contains it.
DECISION_SET_SEPARATOR = "\x1f"
DECISION_SET_SEPARATOR_SQL = "chr(31)"


def local_day_column(column: str, offset_seconds: int) -> str | None:
    """The stored local day of `column` at a UTC offset, if the read model keeps one."""
    hours, rest = divmod(offset_seconds, 3600)
    if rest or hours not in LOCAL_DAY_OFFSETS or column not in LOCAL_DAY_STAMPS:
        return None
    return f"{column.removesuffix('_at')}_day{hours}"


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


@contextmanager
def _stream_sqlite_in_child(path: str, sql: str) -> Iterator[pa.RecordBatchReader]:
    """The rows of `sql`, streamed from `db.arrow_dump` in a child process: batches are
    read as DuckDB consumes them, never the whole table at once."""
    with tempfile.TemporaryFile() as errors:
        child = subprocess.Popen(  # noqa: S603 - our own module, our own query
            [sys.executable, "-m", "db.arrow_dump", path],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=errors,
        )
        try:
            child.stdin.write(sql.encode())
            child.stdin.close()
            yield pa.ipc.open_stream(child.stdout)
            child.stdout.read()
            returncode = child.wait(timeout=900)
        except BaseException:
            child.kill()
            child.wait()
            raise
        finally:
            child.stdout.close()
        if returncode:
            errors.seek(0)
            raise subprocess.CalledProcessError(
                returncode, child.args, stderr=errors.read().decode(errors="replace")
            )


def _chunks(reader: pa.RecordBatchReader, rows: int) -> Iterator[pa.Table]:
    """The reader's batches, gathered into tables of about `rows` rows."""
    batches, count = [], 0
    for batch in reader:
        batches.append(batch)
        count += batch.num_rows
        if count >= rows:
            yield pa.Table.from_batches(batches, reader.schema)
            batches, count = [], 0
    if batches:
        yield pa.Table.from_batches(batches, reader.schema)


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
    integers = {name for name, kind in (*CASE_COLUMNS, *CLOCK_COLUMNS) if kind == "int"}
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


def _source_clock_sql(dialect: str, where: str = "") -> str:
    # As `_source_case_sql`: text for SQLite's ADBC driver, NULL again in DuckDB.
    parts = []
    for name, kind in CLOCK_COLUMNS:
        if dialect == "sqlite" and kind != "int":
            parts.append(f"COALESCE(CAST({name} AS TEXT), '') AS {name}")
        else:
            parts.append(name)
    return f"SELECT {', '.join(parts)} FROM case_clock {where}"


def _source_decision_sql(dialect: str, where: str = "") -> str:
    decisions = "CAST(d.decisions AS TEXT)" if dialect == "postgresql" else "d.decisions"
    return f"SELECT d.id, d.case_id, d.issued_by, {decisions} AS decisions FROM decision d {where}"


def _normalised(dialect: str, name: str, kind: str) -> str:
    # Typed explicitly: an empty result from the SQLite driver types every column int64.
    if kind == "int":
        return f"CAST({name} AS BIGINT) AS {name}"
    if kind == "text":
        return f"CAST(NULLIF(CAST({name} AS VARCHAR), '') AS VARCHAR) AS {name}"
    if dialect == "sqlite":
        return f"CAST(NULLIF(CAST({name} AS VARCHAR), '') AS TIMESTAMP) AS {name}"
    return f"CAST(timezone('UTC', {name}) AS TIMESTAMP) AS {name}"


def _stage_cases(cursor, dialect: str, source: str) -> None:
    columns = ", ".join(_normalised(dialect, name, kind) for name, kind in CASE_COLUMNS)
    cursor.execute(f"CREATE OR REPLACE TEMP TABLE staged_cases AS SELECT {columns} FROM {source}")


def _stage_clocks(cursor, dialect: str, source: str) -> None:
    columns = ", ".join(_normalised(dialect, name, kind) for name, kind in CLOCK_COLUMNS)
    cursor.execute(f"CREATE OR REPLACE TEMP TABLE staged_clocks AS SELECT {columns} FROM {source}")


def _clock_select(types: dict[str, str], cases: str) -> str:
    """The staged clocks as the `clocks` table holds them, with their case's columns
    from `cases` (a table in the `cases` layout)."""
    columns = []
    for name, _kind in CLOCK_COLUMNS:
        key = CLOCK_ENUM_PREFIX + name
        columns.append(f"CAST(k.{name} AS {types[key]}) AS {name}" if key in types else f"k.{name}")
    columns.extend(f"c.{name}" for name in CLOCK_CASE_COLUMNS)
    return f"SELECT {', '.join(columns)} FROM staged_clocks k JOIN {cases} c ON c.id = k.case_id"


def _stage_latest(cursor, source: str) -> None:
    """Per case, its platform's latest decision (of at least one type): `actioned`,
    whether it did anything but "no action", and `decision_set`, its types. A case's
    decisions all arrive with it (recording one bumps the case)."""
    cursor.execute(
        "CREATE OR REPLACE TEMP TABLE staged_types AS "
        "SELECT CAST(id AS BIGINT) AS decision_id, CAST(case_id AS BIGINT) AS case_id, "
        "CAST(issued_by AS VARCHAR) AS issued_by, "
        "unnest(from_json(CAST(decisions AS VARCHAR), '[\"VARCHAR\"]')) AS decision_type "
        f"FROM {source}"
    )
    cursor.execute(
        "CREATE OR REPLACE TEMP TABLE staged_latest AS "
        "SELECT case_id, bool_or(decision_type <> 'no_action') AS actioned, "
        "array_to_string(list_sort(list_distinct(list(decision_type))), "
        f"{DECISION_SET_SEPARATOR_SQL}) AS decision_set "
        "FROM staged_types WHERE decision_id IN ("
        "  SELECT max(decision_id) FROM staged_types WHERE issued_by = 'platform' "
        "  GROUP BY case_id"
        ") GROUP BY case_id"
    )
    cursor.execute("DROP TABLE staged_types")


def _final_select(types: dict[str, str]) -> str:
    """The staged cases as the `cases` table holds them."""
    columns = []
    for name, _kind in CASE_COLUMNS:
        columns.append(
            f"CAST(c.{name} AS {types[name]}) AS {name}" if name in types else f"c.{name}"
        )
    for stamp in LOCAL_DAY_STAMPS:
        for hours in LOCAL_DAY_OFFSETS:
            columns.append(
                f"CAST(c.{stamp} + INTERVAL {hours} HOUR AS DATE) AS "
                f"{local_day_column(stamp, hours * 3600)}"
            )
    columns.append("l.actioned")
    columns.append(f"CAST(l.decision_set AS {types['decision_set']}) AS decision_set")
    columns.append("h.account_id")
    return (
        f"SELECT {', '.join(columns)} FROM staged_cases c "
        "LEFT JOIN staged_latest l ON l.case_id = c.id "
        "LEFT JOIN accounts h ON h.account_handle = c.account_handle"
    )


def _add_accounts(cursor) -> None:
    """Number the staged handles `accounts` lacks. Handles are free text, too many for
    an ENUM; figures group on the number and look the handle up afterwards."""
    cursor.execute(
        "INSERT INTO accounts SELECT CAST((SELECT coalesce(max(account_id), 0) FROM accounts) "
        "+ row_number() OVER (ORDER BY handle) AS INTEGER), handle FROM ("
        "  SELECT DISTINCT account_handle AS handle FROM staged_cases "
        "  WHERE account_handle IS NOT NULL "
        "  AND account_handle NOT IN (SELECT account_handle FROM accounts))"
    )


def _enum_sources(column: str) -> tuple[str, str]:
    return ("staged_latest", column) if column == "decision_set" else ("staged_cases", column)


# (key in `_enums`, staged table, its column, model table, its column) of every ENUM.
ENUM_TARGETS = (
    *((column, *_enum_sources(column), "cases", column) for column in ENUM_COLUMNS),
    *(
        (CLOCK_ENUM_PREFIX + column, "staged_clocks", column, "clocks", column)
        for column in CLOCK_ENUM_COLUMNS
    ),
)
CASE_ENUM_KEYS = frozenset(ENUM_COLUMNS)
CLOCK_ENUM_KEYS = frozenset(CLOCK_ENUM_PREFIX + column for column in CLOCK_ENUM_COLUMNS)


def _quoted(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


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
    resumed: bool = False  # the first load took up a persisted model


class ReadModel:
    """A DuckDB database holding `cases`, kept in step with the operational database
    at `database_url`: in memory, or in the file at `path`, which the next process takes
    up and brings up to date instead of loading every case again. Safe to share between
    Streamlit's threads: loading and refreshing hold a lock; every query runs on a cursor
    of its own."""

    def __init__(
        self,
        database_url: str,
        *,
        refresh_interval: float = REFRESH_INTERVAL_SECONDS,
        clock: Callable[[], float] = time.monotonic,
        threads: int = DUCKDB_THREADS,
        memory_limit: str = DUCKDB_MEMORY_LIMIT,
        path: str | None = None,
    ) -> None:
        self.dialect, self._uri = adbc_uri(database_url)
        self._refresh_interval = refresh_interval
        self._clock = clock
        self._lock = threading.Lock()
        self._config = {"threads": threads, "memory_limit": memory_limit}
        self.path = path
        self._duck = self._open()
        self._loaded = False
        self._last_refresh: float | None = None
        self.watermark: datetime | None = None
        self.stats = RefreshStats()
        # Changes whenever the data does: the key of every cached result.
        self.version = 0
        # ENUM column → (its current type's name, its values in code order).
        self._enums: dict[str, tuple[str, list[str]]] = {}
        self._cache: OrderedDict = OrderedDict()
        self._cache_lock = threading.Lock()

    # --- reading from the operational database ------------------------------------------

    @contextmanager
    def _stream(self, sql: str) -> Iterator[pa.RecordBatchReader | pa.Table]:
        """All rows of `sql`, as a stream of record batches."""
        if self.dialect == "sqlite":
            with _stream_sqlite_in_child(self._uri, sql) as reader:
                yield reader
            return
        with _connect(self.dialect, self._uri) as connection:
            cursor = connection.cursor()
            try:
                cursor.execute(sql)
                yield cursor.fetch_record_batch()
            finally:
                cursor.close()

    @contextmanager
    def _fetch(self, sql: str) -> Iterator[pa.RecordBatchReader | pa.Table]:
        """A few rows of `sql` (a refresh)."""
        if self.dialect == "sqlite":
            yield _fetch_sqlite(self._uri, sql)
            return
        with self._stream(sql) as reader:
            yield reader.read_all()

    def _advance_watermark(self, cursor) -> None:
        latest = cursor.execute("SELECT max(updated_at) FROM cases").fetchone()[0]
        if latest is not None:
            self.watermark = latest.replace(tzinfo=UTC)

    # --- ENUM columns -------------------------------------------------------------------

    def _staged_values(self, cursor, keys) -> dict[str, tuple[str, str, list[str]]]:
        """Per ENUM key among `keys`: (model table, column, its staged values)."""
        values = {}
        for key, staged, name, table, column in ENUM_TARGETS:
            if key not in keys:
                continue
            values[key] = (
                table,
                column,
                [
                    row[0]
                    for row in cursor.execute(
                        f"SELECT DISTINCT {name} FROM {staged} WHERE {name} IS NOT NULL ORDER BY 1"
                    ).fetchall()
                ],
            )
        return values

    def _create_enum(self, cursor, column: str, values: list[str]) -> str:
        generation = (
            int(self._enums[column][0].rsplit("_", 1)[1]) + 1 if column in self._enums else 1
        )
        name = f"{column}_enum_{generation}"
        cursor.execute(f"CREATE TYPE {name} AS ENUM ({', '.join(map(_quoted, values))})")
        self._enums[column] = (name, values)
        return name

    def _widen_enums(self, cursor, keys=CASE_ENUM_KEYS) -> None:
        """Append the staged codes each ENUM among `keys` lacks (rare: an admin added a
        code)."""
        for key, (table, column, staged) in self._staged_values(cursor, keys).items():
            old, known = self._enums[key]
            present = set(known)
            new = [value for value in staged if value not in present]
            if new:
                name = self._create_enum(cursor, key, [*known, *new])
                cursor.execute(f"ALTER TABLE {table} ALTER {column} SET DATA TYPE {name}")
                if table == "cases" and column in CLOCK_CASE_COLUMNS and self._has_clocks(cursor):
                    # The clocks' copy of the case's column shares its type.
                    cursor.execute(f"ALTER TABLE clocks ALTER {column} SET DATA TYPE {name}")
                cursor.execute(f"DROP TYPE {old}")

    @staticmethod
    def _has_clocks(cursor) -> bool:
        return bool(
            cursor.execute(
                "SELECT count(*) FROM duckdb_tables() WHERE table_name = 'clocks'"
            ).fetchone()[0]
        )

    def _types(self) -> dict[str, str]:
        return {column: name for column, (name, _values) in self._enums.items()}

    # --- a persisted model (`path`) -----------------------------------------------------

    def _open(self) -> duckdb.DuckDBPyConnection:
        """The DuckDB database: the file at `path` when given and free (another process,
        a second replica on the same host, may hold it), else memory."""
        if self.path:
            try:
                return duckdb.connect(self.path, config=self._config)
            except duckdb.Error as error:
                log.warning(
                    "read model file %s unusable (%s); keeping it in memory", self.path, error
                )
                self.path = None
        return duckdb.connect(":memory:", config=self._config)

    def _source_identity(self) -> str:
        return hashlib.sha256(f"{self.dialect}:{self._uri}".encode()).hexdigest()

    def _save_meta(self) -> None:
        if not self.path:
            return
        cursor = self._duck.cursor()
        try:
            cursor.execute(
                "CREATE OR REPLACE TABLE read_model_meta "
                "(format VARCHAR, source VARCHAR, enums VARCHAR)"
            )
            cursor.execute(
                "INSERT INTO read_model_meta VALUES (?, ?, ?)",
                [PERSISTED_FORMAT, self._source_identity(), json.dumps(self._enums)],
            )
            cursor.execute("CHECKPOINT")
        finally:
            cursor.close()

    def _resume(self) -> bool:
        """Take up the model a previous process persisted, if it was built by this code
        from this database; it is then brought up to date like any warm model."""
        cursor = self._duck.cursor()
        try:
            row = cursor.execute("SELECT format, source, enums FROM read_model_meta").fetchone()
        except duckdb.Error:
            return False
        finally:
            cursor.close()
        if row is None or row[0] != PERSISTED_FORMAT or row[1] != self._source_identity():
            return False
        self._enums = {
            column: (name, values) for column, (name, values) in json.loads(row[2]).items()
        }
        cursor = self._duck.cursor()
        try:
            self._advance_watermark(cursor)
        finally:
            cursor.close()
        return True

    def _source_count(self) -> int:
        if self.dialect == "sqlite":
            connection = sqlite3.connect(f"file:{self._uri}?mode=ro", uri=True)
            try:
                return connection.execute("SELECT count(*) FROM case_file").fetchone()[0]
            finally:
                connection.close()
        with self._fetch("SELECT count(*) AS n FROM case_file") as table:
            return int(table.column(0)[0].as_py())

    def _model_count(self) -> int:
        cursor = self._duck.cursor()
        try:
            return cursor.execute("SELECT count(*) FROM cases").fetchone()[0]
        finally:
            cursor.close()

    def _start_afresh(self) -> None:
        """Forget a persisted model (another format, another database, or out of step
        with it, as after a restore): an empty file, then a cold load."""
        self._duck.close()
        for suffix in ("", ".wal"):
            if self.path and os.path.exists(self.path + suffix):
                os.remove(self.path + suffix)
        self._duck = self._open()
        self._enums.clear()
        self.watermark = None

    def _first_load(self) -> None:
        if self.path and self._resume():
            self._loaded = True
            self._refresh_changed()
            # Cases are never deleted: a model that counts differently after catching up
            # is out of step (a restored backup, say).
            if self._model_count() == self._source_count():
                self.version += 1
                self.stats.resumed = True
                return
            self._loaded = False
        if self.path:
            self._start_afresh()
        self._load()
        self._save_meta()

    # --- loading and refreshing ---------------------------------------------------------

    def _load(self) -> None:
        """Every case, in chunks: each is staged as text, the ENUMs widened with its
        codes, and inserted. Memory holds the table and one chunk, never two copies."""
        cursor = self._duck.cursor()
        rows = 0
        try:
            with self._stream(_source_decision_sql(self.dialect)) as reader:
                cursor.register("decision_rows", reader)
                _stage_latest(cursor, "decision_rows")
                cursor.unregister("decision_rows")
            pa.default_memory_pool().release_unused()
            self._enums.clear()
            for key, *_rest in ENUM_TARGETS:
                self._create_enum(cursor, key, [])
            cursor.execute(
                "CREATE OR REPLACE TABLE accounts "
                "(account_id INTEGER PRIMARY KEY, account_handle VARCHAR NOT NULL)"
            )
            with self._stream(_source_case_sql(self.dialect)) as reader:
                cursor.register("case_rows", reader.schema.empty_table())
                _stage_cases(cursor, self.dialect, "case_rows")
                cursor.execute("CREATE OR REPLACE TABLE cases AS " + _final_select(self._types()))
                for chunk in _chunks(reader, LOAD_CHUNK_ROWS):
                    cursor.register("case_rows", chunk)
                    _stage_cases(cursor, self.dialect, "case_rows")
                    cursor.unregister("case_rows")
                    self._widen_enums(cursor)
                    _add_accounts(cursor)
                    cursor.execute("INSERT INTO cases BY NAME " + _final_select(self._types()))
                    rows += chunk.num_rows
                    del chunk
                    pa.default_memory_pool().release_unused()
            cursor.execute("DROP TABLE staged_cases")
            cursor.execute("DROP TABLE staged_latest")
            with self._stream(_source_clock_sql(self.dialect)) as reader:
                cursor.register("clock_rows", reader.schema.empty_table())
                _stage_clocks(cursor, self.dialect, "clock_rows")
                cursor.execute(
                    "CREATE OR REPLACE TABLE clocks AS " + _clock_select(self._types(), "cases")
                )
                for chunk in _chunks(reader, LOAD_CHUNK_ROWS):
                    cursor.register("clock_rows", chunk)
                    _stage_clocks(cursor, self.dialect, "clock_rows")
                    cursor.unregister("clock_rows")
                    self._widen_enums(cursor, CLOCK_ENUM_KEYS)
                    cursor.execute(
                        "INSERT INTO clocks BY NAME " + _clock_select(self._types(), "cases")
                    )
                    del chunk
                    pa.default_memory_pool().release_unused()
            cursor.execute("DROP TABLE staged_clocks")
            self._advance_watermark(cursor)
        finally:
            cursor.close()
        # Arrow's allocator keeps freed chunks for reuse; the load will not need them.
        pa.default_memory_pool().release_unused()
        self.version += 1
        self._record(rows, load=True)
        self._loaded = True

    def _refresh_changed(self) -> None:
        persist = False
        if self.watermark is None:
            since = "1=1"
        else:
            since = (
                f"updated_at >= {_utc_literal(self.watermark - WATERMARK_OVERLAP, self.dialect)}"
            )
        cursor = self._duck.cursor()
        try:
            with self._fetch(_source_case_sql(self.dialect, f"WHERE {since}")) as case_rows:
                if case_rows.num_rows == 0:
                    self._record(0, load=False)
                    return
                cursor.register("case_rows", case_rows)
                _stage_cases(cursor, self.dialect, "case_rows")
            # A case's decisions change only with the case (recording one bumps updated_at).
            decisions = _source_decision_sql(
                self.dialect, f"WHERE d.case_id IN (SELECT id FROM case_file WHERE {since})"
            )
            with self._fetch(decisions) as decision_rows:
                cursor.register("decision_rows", decision_rows)
                _stage_latest(cursor, "decision_rows")
            # The clocks of the re-read cases, all of them (a case's clocks change with it).
            clocks = _source_clock_sql(
                self.dialect, f"WHERE case_id IN (SELECT id FROM case_file WHERE {since})"
            )
            with self._fetch(clocks) as clock_rows:
                cursor.register("clock_rows", clock_rows)
                _stage_clocks(cursor, self.dialect, "clock_rows")
            self._widen_enums(cursor)
            self._widen_enums(cursor, CLOCK_ENUM_KEYS)
            _add_accounts(cursor)
            cursor.execute(
                "CREATE OR REPLACE TEMP TABLE staged_final AS " + _final_select(self._types())
            )
            cursor.execute(
                "CREATE OR REPLACE TEMP TABLE staged_clock_final AS "
                + _clock_select(self._types(), "staged_final")
            )
            # Rows re-read by the overlap are usually unchanged: then nothing is written
            # and cached figures stay valid.
            changed = cursor.execute(
                "SELECT count(*) FROM (FROM staged_final EXCEPT "
                "SELECT * FROM cases WHERE id IN (SELECT id FROM staged_final))"
            ).fetchone()[0]
            kept = "FROM clocks WHERE case_id IN (SELECT id FROM staged_final)"
            changed += cursor.execute(
                "SELECT count(*) FROM ("
                f"(FROM staged_clock_final EXCEPT ALL {kept}) UNION ALL "
                f"({kept} EXCEPT ALL FROM staged_clock_final))"
            ).fetchone()[0]
            if changed:
                cursor.execute("BEGIN")
                cursor.execute("DELETE FROM cases WHERE id IN (SELECT id FROM staged_final)")
                cursor.execute("INSERT INTO cases BY NAME FROM staged_final")
                cursor.execute("DELETE FROM clocks WHERE case_id IN (SELECT id FROM staged_final)")
                cursor.execute("INSERT INTO clocks BY NAME FROM staged_clock_final")
                cursor.execute("COMMIT")
                self._advance_watermark(cursor)
                self.version += 1
                persist = True
            rows = case_rows.num_rows
            for table in (
                "staged_final",
                "staged_cases",
                "staged_latest",
                "staged_clocks",
                "staged_clock_final",
            ):
                cursor.execute(f"DROP TABLE {table}")
        finally:
            cursor.close()
        self._record(rows, load=False)
        if persist:
            self._save_meta()

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
                self._first_load()
            self._last_refresh = self._clock()

    @property
    def loaded(self) -> bool:
        """Whether the cold load is done (figures then take milliseconds)."""
        return self._loaded

    def cursor(self) -> duckdb.DuckDBPyConnection:
        """A cursor for one query (DuckDB connections are not shared across threads)."""
        if not self._loaded:
            self.refresh()
        return self._duck.cursor()

    def cached(self, key, compute: Callable[[], object]):
        """`compute()`, or its result for the same `key` at the same data version. Keep
        results immutable, or copy them on the way out."""
        if not self._loaded:
            self.refresh()
        versioned = (self.version, key)
        with self._cache_lock:
            if versioned in self._cache:
                self._cache.move_to_end(versioned)
                return self._cache[versioned]
        value = compute()
        with self._cache_lock:
            self._cache[versioned] = value
            while len(self._cache) > CACHE_ENTRIES:
                self._cache.popitem(last=False)
        return value

    def clear_cache(self) -> None:
        with self._cache_lock:
            self._cache.clear()

    def close(self) -> None:
        self._duck.close()


_MODELS: dict[str, ReadModel] = {}
_MODELS_LOCK = threading.Lock()


def default_path(database_url: str) -> str | None:
    """Where the process's model of `database_url` persists by default: beside an
    SQLite file (`pantau.db` → `pantau.db.read-model.duckdb`); for PostgreSQL nowhere
    (each replica sets `PANTAU_READ_MODEL_FILE` to a local path of its own)."""
    dialect, uri = adbc_uri(database_url)
    return f"{uri}.read-model.duckdb" if dialect == "sqlite" else None


def read_model_for(database_url: str, path: str | None = None) -> ReadModel:
    """The process's read model of `database_url`, created on first use, persisted at
    `path` (none: in memory)."""
    with _MODELS_LOCK:
        model = _MODELS.get(database_url)
        if model is None:
            model = _MODELS[database_url] = ReadModel(database_url, path=path)
        return model
