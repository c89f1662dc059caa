"""Shared fixtures.

Every test that needs a database gets a fresh one: SQLite in memory by default, or,
when `DATABASE_URL` names a PostgreSQL server, a schema of its own on that server
(created before the test, dropped after). Migrations build the schema. On SQLite they
run once per test process, into a template that each test's database is copied from
(SQLite's backup API: milliseconds), which keeps thousands of tests fast."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Engine, make_url
from sqlmodel import Session

from casework.taxonomy import seed_reference_data
from db.engine import build_engine
from db.migrate import upgrade_to_head

DATABASE_URL = os.environ.get("DATABASE_URL", "")
ON_POSTGRES = DATABASE_URL.startswith(("postgresql", "postgres:"))


def _postgres_engine(schema: str) -> Engine:
    url = make_url(build_engine(DATABASE_URL).url)
    admin = build_engine(DATABASE_URL)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    admin.dispose()
    engine = build_engine(
        url.set(query={**url.query, "options": f"-csearch_path={schema}"}).render_as_string(
            hide_password=False
        )
    )
    return engine


def _drop_postgres_schema(schema: str) -> None:
    admin = build_engine(DATABASE_URL)
    with admin.begin() as connection:
        connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


@contextmanager
def fresh_database_url(directory) -> Iterator[str]:
    """The URL of a new, empty database: an SQLite file in `directory`, or a schema of
    its own on the PostgreSQL server named by `DATABASE_URL` (dropped afterwards)."""
    if not ON_POSTGRES:
        yield f"sqlite:///{directory}/pantau-{uuid.uuid4().hex[:8]}.db"
        return
    schema = f"t_{uuid.uuid4().hex[:12]}"
    engine = _postgres_engine(schema)
    url = engine.url.render_as_string(hide_password=False)
    engine.dispose()
    try:
        yield url
    finally:
        _drop_postgres_schema(schema)


_SQLITE_TEMPLATES: dict[str, object] = {}


def _sqlite_template(seeded: bool):
    """A migrated in-memory database (seeded with the reference data if asked), built
    once per test process; tests get copies of it."""
    key = "seeded" if seeded else "empty"
    if key not in _SQLITE_TEMPLATES:
        template = build_engine("sqlite://")
        upgrade_to_head(template)
        if seeded:
            with Session(template) as session:
                seed_reference_data(session)
                session.commit()
        _SQLITE_TEMPLATES[key] = template.raw_connection().driver_connection
    return _SQLITE_TEMPLATES[key]


def _copy_template_into(engine: Engine, *, seeded: bool) -> None:
    raw = engine.raw_connection()
    try:
        _sqlite_template(seeded).backup(raw.driver_connection)
    finally:
        raw.close()


@pytest.fixture
def engine() -> Iterator[Engine]:
    """A migrated, empty database of its own for one test (SQLite or PostgreSQL)."""
    if ON_POSTGRES:
        schema = f"t_{uuid.uuid4().hex[:12]}"
        engine = _postgres_engine(schema)
        try:
            upgrade_to_head(engine)
            yield engine
        finally:
            engine.dispose()
            _drop_postgres_schema(schema)
    else:
        engine = build_engine("sqlite://")
        _copy_template_into(engine, seeded=False)
        yield engine
        engine.dispose()


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    """A session on a fresh database with the reference data (taxonomy, regions,
    calendar, platforms) seeded, as on a first start."""
    if not ON_POSTGRES:
        _copy_template_into(engine, seeded=True)
    with Session(engine, expire_on_commit=False) as session:
        if ON_POSTGRES:
            seed_reference_data(session)
            session.commit()
        yield session
