"""Engine and sessions for SQLite (embedded default) and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path

from sqlalchemy import event
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.pool import NullPool, StaticPool
from sqlmodel import Session, create_engine

from db.config import database_url

SQLITE_BUSY_TIMEOUT_MS = 10_000
WRITE_OPTION = "pantau_write"


def _normalise_url(url: str) -> str:
    # Operators paste libpq-style URLs; psycopg 3 is the driver we ship.
    if url.startswith("postgresql://") or url.startswith("postgres://"):
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


def build_engine(url: str, *, pooled: bool = True) -> Engine:
    """An engine for `url`, with SQLite set up for concurrent use (WAL, foreign keys,
    busy timeout, write transactions that take the lock at BEGIN). `pooled=False`
    opens a new connection for every use (health probes)."""
    url = _normalise_url(url)
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        if not pooled:
            return create_engine(url, poolclass=NullPool, connect_args={"connect_timeout": 5})
        return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=20)

    in_memory = parsed.database in (None, "", ":memory:")
    if in_memory:
        engine = create_engine(url, connect_args={"check_same_thread": False}, poolclass=StaticPool)
    else:
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(
            url,
            connect_args={"check_same_thread": False, "timeout": SQLITE_BUSY_TIMEOUT_MS / 1000},
            **({} if pooled else {"poolclass": NullPool}),
        )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        # Let SQLAlchemy's "begin" event issue BEGIN itself (pysqlite's own is deferred
        # and cannot be made IMMEDIATE).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        if not in_memory:
            cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn):
        # A write that starts as a deferred read cannot wait for the lock: SQLite answers
        # SQLITE_BUSY at once when the snapshot is stale. Writers therefore BEGIN IMMEDIATE
        # and queue on the busy timeout; readers stay deferred and never block anyone.
        if conn.get_execution_options().get(WRITE_OPTION):
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        else:
            conn.exec_driver_sql("BEGIN")

    return engine


@lru_cache(maxsize=1)
def get_engine() -> Engine:
    """The process-wide engine for the configured `DATABASE_URL`."""
    return build_engine(database_url())


@lru_cache(maxsize=1)
def get_probe_engine() -> Engine:
    """An unpooled engine on the same database: a pooled connection can outlive the
    database it was opened on (an SQLite file removed, a server restarted)."""
    return build_engine(database_url(), pooled=False)


@contextmanager
def session_scope(engine: Engine | None = None) -> Iterator[Session]:
    """A session on the process engine; services commit, this closes."""
    with Session(engine or get_engine(), expire_on_commit=False) as session:
        yield session


def begin_write(session: Session) -> None:
    """Start the session's transaction as a write transaction.

    Call before the first query of a service that writes. On SQLite this takes the
    write lock up front; on PostgreSQL it is an ordinary transaction."""
    if not session.in_transaction():
        session.connection(execution_options={WRITE_OPTION: True})
