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
