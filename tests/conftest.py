"""Shared fixtures.

Every test that needs a database gets a fresh one: SQLite in memory by default, or,
when `DATABASE_URL` names a PostgreSQL server, a schema of its own on that server
(created before the test, dropped after). Migrations build the schema. They run once
per test process, into a template that each test's database is copied from: SQLite's
backup API, or PostgreSQL's `CREATE DATABASE … TEMPLATE` (milliseconds either way,
against about half a second for the migrations and the reference data), which keeps
thousands of tests fast."""

from __future__ import annotations

import atexit
import os
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import DBAPIError
from sqlmodel import Session

from casework.reference.taxonomy import seed_reference_data
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


_POSTGRES_TEMPLATES: dict[bool, str] = {}


def _postgres_admin() -> Engine:
    return build_engine(DATABASE_URL).execution_options(isolation_level="AUTOCOMMIT")


def _postgres_url(database: str) -> str:
    return make_url(DATABASE_URL).set(database=database).render_as_string(hide_password=False)


def _drop_postgres_database(name: str) -> None:
    admin = _postgres_admin()
    try:
        # An autovacuum worker that just entered the new database cannot be ended by
        # the test role (FORCE then fails): it leaves within moments, so try again.
        for attempt in range(20):
            try:
                with admin.connect() as connection:
                    connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
                return
            except DBAPIError:
                if attempt == 19:
                    raise
                time.sleep(0.1)
    finally:
        admin.dispose()


def _postgres_template(seeded: bool) -> str:
    """A migrated database (seeded with the reference data if asked), built once per
    test process and dropped when it ends; tests get copies of it."""
    if seeded not in _POSTGRES_TEMPLATES:
        name = f"tmpl_{os.getpid()}_{'seeded' if seeded else 'empty'}"
        _drop_postgres_database(name)
        admin = _postgres_admin()
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        admin.dispose()
        template = build_engine(_postgres_url(name))
        upgrade_to_head(template)
        if seeded:
            with Session(template) as session:
                seed_reference_data(session)
                session.commit()
        # A template must have no connections while it is copied.
        template.dispose()
        _POSTGRES_TEMPLATES[seeded] = name
        atexit.register(_drop_postgres_database, name)
    return _POSTGRES_TEMPLATES[seeded]


@contextmanager
def postgres_database(*, seeded: bool) -> Iterator[Engine]:
    """A database of its own on the PostgreSQL server, copied from the process's
    template, dropped afterwards."""
    template = _postgres_template(seeded)
    name = f"t_{uuid.uuid4().hex[:12]}"
    admin = _postgres_admin()
    with admin.connect() as connection:
        connection.execute(
            text(f'CREATE DATABASE "{name}" TEMPLATE "{template}" STRATEGY FILE_COPY')
        )
    admin.dispose()
    engine = build_engine(_postgres_url(name))
    engine.pantau_seeded = seeded
    try:
        yield engine
    finally:
        engine.dispose()
        _drop_postgres_database(name)


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
def engine(request) -> Iterator[Engine]:
    """A migrated, empty database of its own for one test (SQLite or PostgreSQL); on
    PostgreSQL, already seeded when the test also asks for `session`."""
    if ON_POSTGRES:
        with postgres_database(seeded="session" in request.fixturenames) as engine:
            yield engine
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
        if ON_POSTGRES and not getattr(engine, "pantau_seeded", False):
            seed_reference_data(session)
            session.commit()
        yield session


def pytest_collection_modifyitems(config, items):
    """Under `--dist loadgroup` (the README's test command), the tests of a module that
    share a module-scoped fixture (a started server, a seeded demo database) run on one
    worker, which builds that fixture once instead of once per worker."""
    for item in items:
        info = getattr(item, "_fixtureinfo", None)
        if info is None:
            continue
        definitions = (d for defs in info.name2fixturedefs.values() for d in defs)
        if any(d.scope == "module" for d in definitions):
            item.add_marker(pytest.mark.xdist_group(item.nodeid.split("::")[0]))
