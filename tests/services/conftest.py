"""Fixtures of the service tests: the desk of people most tests act as, and for the
dashboard's figures a database file (the read model reads it through ADBC, so SQLite
cannot stay in memory) or a PostgreSQL schema of its own."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session

from casework.demo import CaseGenerator, ensure_demo_accounts, write_plans
from casework.reference.taxonomy import seed_reference_data
from db.engine import begin_write, build_engine
from db.migrate import upgrade_to_head
from tests.conftest import fresh_database_url
from tests.factories import make_desk


@contextmanager
def _reference_database(directory) -> Iterator[tuple[str, Engine]]:
    with fresh_database_url(directory) as url:
        engine = build_engine(url)
        upgrade_to_head(engine)
        with Session(engine) as session:
            begin_write(session)
            seed_reference_data(session)
            session.commit()
        try:
            yield url, engine
        finally:
            engine.dispose()


@pytest.fixture
def file_database(tmp_path) -> Iterator[tuple[str, Engine]]:
    """(url, engine) of a migrated database with the reference data, readable by the
    read model: an SQLite file, or a schema on the PostgreSQL of `DATABASE_URL`."""
    with _reference_database(tmp_path) as database:
        yield database


DEMO_CASES = 400


@pytest.fixture(scope="module")
def demo_cases_database(tmp_path_factory) -> Iterator[tuple[str, Engine]]:
    """A database file with the demo accounts and 400 generated case histories (every
    status, decisions, pauses, escalations, 38 provinces), shared by a module's tests,
    which must not change it."""
    with _reference_database(tmp_path_factory.mktemp("figures")) as (url, engine):
        with Session(engine) as session:
            begin_write(session)
            cast = ensure_demo_accounts(session)
            session.commit()
            for chunk in CaseGenerator(session, cast, seed=11).plans(DEMO_CASES, chunk_size=200):
                begin_write(session)
                write_plans(session, chunk)
                session.commit()
        yield url, engine


@pytest.fixture
def desk(session):
    """A national officer and lead, a TikTok liaison and a regulator liaison, in the
    test's database (tests.factories.make_desk)."""
    return make_desk(session)
