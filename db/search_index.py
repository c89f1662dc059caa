"""The full-text index of `case_search`, built outside SQLModel's metadata because each
database builds it its own way: an FTS5 table kept in step by triggers on SQLite, a GIN
index over the stored tokens on PostgreSQL. casework.desk.search writes and queries it."""

from __future__ import annotations

from sqlalchemy.engine import Connection

# Schema objects outside SQLModel's metadata, created by migration 0004 per dialect.
SQLITE_DDL = (
    "CREATE VIRTUAL TABLE IF NOT EXISTS case_search_fts USING fts5("
    "document, content='case_search', content_rowid='case_id', tokenize='unicode61')",
    "CREATE TRIGGER IF NOT EXISTS case_search_ai AFTER INSERT ON case_search BEGIN "
    "INSERT INTO case_search_fts(rowid, document) VALUES (new.case_id, new.document); END",
    "CREATE TRIGGER IF NOT EXISTS case_search_ad AFTER DELETE ON case_search BEGIN "
    "INSERT INTO case_search_fts(case_search_fts, rowid, document) "
    "VALUES ('delete', old.case_id, old.document); END",
    "CREATE TRIGGER IF NOT EXISTS case_search_au AFTER UPDATE ON case_search BEGIN "
    "INSERT INTO case_search_fts(case_search_fts, rowid, document) "
    "VALUES ('delete', old.case_id, old.document); "
    "INSERT INTO case_search_fts(rowid, document) VALUES (new.case_id, new.document); END",
)
# Migration 0004's index: the tokens recomputed from the document at every match.
POSTGRES_DDL = (
    "CREATE INDEX IF NOT EXISTS ix_case_search_tokens ON case_search "
    "USING gin (array_to_tsvector(string_to_array(document, ' ')))",
)
# Migration 0005: the tokens stored once, in a generated column, and indexed there; a
# broad word no longer costs a recomputation per candidate row.
POSTGRES_DDL_STORED = (
    "ALTER TABLE case_search ADD COLUMN IF NOT EXISTS search_vector tsvector "
    "GENERATED ALWAYS AS (array_to_tsvector(string_to_array(document, ' '))) STORED",
    "CREATE INDEX IF NOT EXISTS ix_case_search_vector ON case_search USING gin (search_vector)",
    "DROP INDEX IF EXISTS ix_case_search_tokens",
)
OUTSIDE_METADATA = (
    "case_search_fts",
    "ix_case_search_tokens",
    "ix_case_search_vector",
    "search_vector",
)


def outside_metadata(name: str | None) -> bool:
    """Whether a schema object belongs to the search index built outside the models
    (the FTS5 table and its shadow tables, the GIN index)."""
    return bool(name) and name.startswith(OUTSIDE_METADATA)


def store_search_vector(connection: Connection) -> None:
    """PostgreSQL: move the index onto a stored token column (migration 0005)."""
    if connection.dialect.name != "sqlite":
        for statement in POSTGRES_DDL_STORED:
            connection.exec_driver_sql(statement)


def create_search_index(connection: Connection) -> None:
    """Create the index for `connection`'s database, filled from `case_search`."""
    if connection.dialect.name == "sqlite":
        for statement in SQLITE_DDL:
            connection.exec_driver_sql(statement)
        connection.exec_driver_sql(
            "INSERT INTO case_search_fts(case_search_fts) VALUES ('rebuild')"
        )
    else:
        for statement in POSTGRES_DDL:
            connection.exec_driver_sql(statement)
