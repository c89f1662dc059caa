"""The database failing under the app — full, read-only, unreachable: the write is
refused whole, the failure is named in the user's words, and nothing is half-written.

How the failures are made without privileges (CI runs as root, which ignores file
modes): a *full* SQLite database is one whose `PRAGMA max_page_count` stops it a few
pages past its current size; a *read-only* database is an SQLite connection with
`PRAGMA query_only`, or a PostgreSQL one with `default_transaction_read_only`; an
*unreachable* one is a PostgreSQL URL on a loopback port where nothing listens."""

from __future__ import annotations

import pytest
from sqlalchemy import event
from sqlalchemy.exc import DBAPIError
from sqlmodel import Session, func, select

from casework.errors import (
    DATABASE_FULL,
    DATABASE_READ_ONLY,
    DATABASE_UNREACHABLE,
    database_failure,
)
from casework.i18n import translator
from casework.intake import imports
from casework.people.roles import Role
from casework.records.backup import check_database
from casework.reference.taxonomy import seed_reference_data
from db import engine as engine_module
from db.engine import build_engine
from db.migrate import upgrade_to_head
from db.models import AuditEvent, Case
from tests.conftest import ON_POSTGRES, fresh_database_url
from tests.e2e.conftest import free_port
from tests.factories import make_actor, make_case, report
from tests.pages.conftest import app_as, demo_database  # noqa: F401 - a fixture

ROWS = 600


def _prepared(url: str) -> int:
    engine = build_engine(url)
    upgrade_to_head(engine)
    with Session(engine, expire_on_commit=False) as session:
        seed_reference_data(session)
        session.commit()
        officer = make_actor(session, role=Role.OFFICER)
        make_case(session, actor=officer)
    engine.dispose()
    return officer.user_id


def _counts(url: str) -> tuple[int, int]:
    engine = build_engine(url, pooled=False)
    with Session(engine) as session:
        counts = (
            session.exec(select(func.count()).select_from(Case)).one(),
            session.exec(select(func.count()).select_from(AuditEvent)).one(),
        )
    engine.dispose()
    return counts


def _import(engine, user_id: int):
    from bench.imports import generate_rows, rows_csv
    from casework.people.actors import actor_for

    with Session(engine, expire_on_commit=False) as session:
        actor = actor_for(session, user_id)
        sheet = imports.parse_upload("patroli.csv", rows_csv(generate_rows(ROWS)))
        plan = imports.validate_rows(session=session, actor=actor, sheet=sheet)
        return imports.commit_import(
            session=session, actor=actor, plan=plan, file_name="p.csv", file_sha256=sheet.sha256
        )


@pytest.mark.skipif(ON_POSTGRES, reason="disk-full is simulated with SQLite's max_page_count")
def test_an_import_into_a_full_database_is_refused_whole_with_the_full_message(tmp_path):
    with fresh_database_url(tmp_path) as url:
        officer = _prepared(url)
        before = _counts(url)
        full = build_engine(url)

        @event.listens_for(full, "connect")
        def _no_room_to_grow(connection, _record):
            pages = connection.execute("PRAGMA page_count").fetchone()[0]
            connection.execute(f"PRAGMA max_page_count = {pages + 8}")

        with pytest.raises(DBAPIError) as refused:
            _import(full, officer)
        full.dispose()
        assert database_failure(refused.value) == DATABASE_FULL
        assert _counts(url) == before
        assert check_database(url).ok

        roomy = build_engine(url)
        result = _import(roomy, officer)
        roomy.dispose()
        assert _counts(url)[0] == before[0] + result.cases_created
        assert check_database(url).ok


def test_a_report_filed_into_a_read_only_database_is_refused_with_the_read_only_message(
    tmp_path,
):
    with fresh_database_url(tmp_path) as url:
        officer_id = _prepared(url)
        before = _counts(url)
        read_only = build_engine(url)

        @event.listens_for(read_only, "connect")
        def _read_only(connection, _record):
            cursor = connection.cursor()
            if ON_POSTGRES:
                cursor.execute("SET default_transaction_read_only = on")
                connection.commit()
            else:
                cursor.execute("PRAGMA query_only = ON")
            cursor.close()

        from casework.desk.cases import file_report
        from casework.people.actors import actor_for

        with Session(read_only, expire_on_commit=False) as session:
            officer = actor_for(session, officer_id)
            session.rollback()
            with pytest.raises(DBAPIError) as refused:
                file_report(session=session, actor=officer, report=report())
        read_only.dispose()
        assert database_failure(refused.value) == DATABASE_READ_ONLY
        assert _counts(url) == before
        assert check_database(url).ok


@pytest.mark.parametrize("language", ["id", "en"])
def test_a_page_says_the_database_cannot_be_reached_instead_of_a_stack_trace(
    demo_database,  # noqa: F811 - the fixture
    monkeypatch,
    language,
):
    dead = build_engine(f"postgresql://pantau:pantau@127.0.0.1:{free_port()}/pantau")
    monkeypatch.setattr(engine_module, "get_engine", lambda: dead)
    at = app_as("demo.officer", language=language).run()
    assert not at.exception
    assert [error.value for error in at.error] == [translator(language)(DATABASE_UNREACHABLE)]


def test_only_database_failures_are_named_as_such():
    assert database_failure(ValueError("database or disk is full")) is None
