"""The migrations and the models describe the same schema, on SQLite and PostgreSQL."""

from __future__ import annotations

from alembic import command
from sqlalchemy import inspect

from db.migrate import alembic_config, model_differences, upgrade_to_head


def test_the_migrated_schema_matches_the_models_exactly(engine):
    assert model_differences(engine) == []


def test_migrating_an_up_to_date_database_again_changes_nothing(engine):
    tables_before = sorted(inspect(engine).get_table_names())
    upgrade_to_head(engine)
    assert sorted(inspect(engine).get_table_names()) == tables_before
    assert model_differences(engine) == []


def test_every_migration_can_be_undone_and_redone(engine):
    config = alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "base")
    assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    upgrade_to_head(engine)
    assert model_differences(engine) == []


def test_upgrading_a_database_that_holds_cases_keeps_them(tmp_path):
    # A real file (in-memory SQLite cannot copy tables across migrations the same way)
    # at the first revision, with data whose foreign keys the later migrations must keep.
    from sqlalchemy import text
    from sqlmodel import Session

    from casework.reference.taxonomy import seed_reference_data
    from db.engine import build_engine
    from tests.conftest import ON_POSTGRES
    from tests.factories import make_case

    if ON_POSTGRES:
        import pytest

        pytest.skip("the table-copy hazard is SQLite's; PostgreSQL alters in place")
    engine = build_engine(f"sqlite:///{tmp_path}/old.db")
    upgrade_to_head(engine, "0001")
    with Session(engine, expire_on_commit=False) as session:
        # Only columns that exist at 0001: raw SQL, not today's models.
        seed = session.connection()
        seed.execute(
            text(
                "INSERT INTO organisation (id, name, kind, active, created_at) "
                "VALUES (1, 'Bawaslu RI', 'supervisory', 1, '2024-01-01 00:00:00')"
            )
        )
        seed.execute(
            text(
                "INSERT INTO pantau_user (id, username, display_name, role, "
                "organisation_id, language, time_zone, active, is_demo, created_at) "
                "VALUES (1, 'rina', 'Rina', 'officer', 1, 'id', 'Asia/Jakarta', 1, 0, "
                "'2024-01-01 00:00:00')"
            )
        )
        session.commit()
    upgrade_to_head(engine)
    assert model_differences(engine) == []
    with Session(engine, expire_on_commit=False) as session:
        seed_reference_data(session)
        session.commit()
        from casework.people.actors import actor_for

        case = make_case(session, actor=actor_for(session, 1))
        assert case.reference.startswith("PAN-")
        assert session.execute(text("SELECT approved FROM pantau_user WHERE id = 1")).scalar() == 1
