"""Apply and check Alembic migrations from code (start-up, tests, CLI)."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from sqlalchemy.engine import Engine
from sqlmodel import SQLModel

import db.models  # noqa: F401 - registers the tables
from db.search_index import outside_metadata

MIGRATION_LOCK = 72_616_501  # any constant shared by every replica
MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


def alembic_config(url: str | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    if url:
        config.set_main_option("sqlalchemy.url", url)
    return config


def upgrade_to_head(engine: Engine, revision: str = "head") -> None:
    """Bring the database behind `engine` to the newest schema (or `revision`)."""
    config = alembic_config()
    with engine.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:
            # SQLite alters a table by copying it and dropping the old one, which foreign
            # keys pointing at it forbid. The pragma only works outside a transaction,
            # so it goes to the driver connection directly; the keys are checked after.
            connection.connection.dbapi_connection.execute("PRAGMA foreign_keys=OFF")
        try:
            with connection.begin():
                if not sqlite:
                    # Replicas starting at once take turns: the second finds the schema
                    # current instead of racing the first through CREATE TABLE.
                    connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({MIGRATION_LOCK})")
                config.attributes["connection"] = connection
                command.upgrade(config, revision)
            if sqlite:
                broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                connection.commit()
                if broken:
                    raise RuntimeError(f"migration left broken foreign keys: {broken[:5]}")
        finally:
            if sqlite:
                connection.connection.dbapi_connection.execute("PRAGMA foreign_keys=ON")


def model_differences(engine: Engine) -> list:
    """What the migrated database lacks or has beyond the models (empty when in step)."""
    with engine.connect() as connection:
        context = MigrationContext.configure(
            connection,
            opts={
                "compare_type": True,
                "render_as_batch": True,
                "include_name": lambda name, type_, parents: not outside_metadata(name),
            },
        )
        return compare_metadata(context, SQLModel.metadata)


if __name__ == "__main__":
    # `python -m db.migrate`: apply the migrations to DATABASE_URL and nothing else, for a
    # deployment whose application role may not change the schema (docs/deploy.md).
    from db.config import database_url
    from db.engine import build_engine

    upgrade_to_head(build_engine(database_url(), pooled=False))
