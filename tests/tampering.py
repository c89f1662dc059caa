"""Tampering as someone who owns the database would: the audit tables refuse UPDATE and
DELETE through triggers (migration 0009), and only a role that may drop triggers gets
past them. Tests that rewrite history on a copy call `lift_append_only_guard` first."""

from __future__ import annotations

from sqlalchemy import text

APPEND_ONLY = ("audit_event", "audit_checkpoint")


def lift_append_only_guard(session) -> None:
    """Drop the append-only triggers, inside the session's transaction (committed by the
    tampering that follows)."""
    dialect = session.get_bind().dialect.name
    for table in APPEND_ONLY:
        if dialect == "postgresql":
            session.execute(text(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}"))
            session.execute(text(f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}"))
        else:
            session.execute(text(f"DROP TRIGGER IF EXISTS {table}_no_update"))
            session.execute(text(f"DROP TRIGGER IF EXISTS {table}_no_delete"))


def restore_append_only_guard(session) -> None:
    """Put the triggers back (for a shared database that later tests still use)."""
    dialect = session.get_bind().dialect.name
    for table in APPEND_ONLY:
        if dialect == "postgresql":
            session.execute(
                text(
                    f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                    "FOR EACH ROW EXECUTE FUNCTION pantau_refuse_change()"
                )
            )
            session.execute(
                text(
                    f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
                    "FOR EACH STATEMENT EXECUTE FUNCTION pantau_refuse_change()"
                )
            )
        else:
            for verb in ("UPDATE", "DELETE"):
                session.execute(
                    text(
                        f"CREATE TRIGGER {table}_no_{verb.lower()} BEFORE {verb} ON {table} "
                        f"BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END"
                    )
                )
