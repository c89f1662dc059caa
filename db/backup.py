"""Backup and restore of the database, evidence included (evidence bytes live in the
`evidence_blob` table, so one copy of the database holds them).

The command line is `python -m casework.records.backup create|restore|check`: the check adds
the audit chain, which is the domain's, to the database's own integrity check here.

SQLite: `create` uses SQLite's online backup API (a consistent snapshot, even while the
app writes); `restore` copies it into a database file that does not exist yet or is empty.
PostgreSQL: `create` runs `pg_dump --format=custom`; `restore` runs `pg_restore` into an
empty database in one transaction, so a failed restore leaves nothing behind. A URL whose
`options` set `search_path` (one schema) dumps that schema only."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
from pathlib import Path

from sqlalchemy import func, select, text
from sqlalchemy.engine import URL, make_url

from db.engine import _normalise_url, build_engine

COUNTED_TABLES = ("case_file", "case_report", "audit_event", "evidence", "evidence_blob")


class BackupError(Exception):
    """A backup or restore that could not be done; the message says why."""


def _url(database_url: str) -> URL:
    return make_url(_normalise_url(database_url))


def _is_sqlite(url: URL) -> bool:
    return url.get_backend_name() == "sqlite"


def _libpq(url: URL) -> tuple[str, str | None]:
    """A libpq connection URI for the pg_* tools, and the schema named by a
    `-csearch_path=` option (if any)."""
    schema = None
    options = url.query.get("options")
    if isinstance(options, str) and "search_path=" in options:
        schema = options.split("search_path=", 1)[1].split()[0].split(",")[0]
    plain = url.set(drivername="postgresql")
    return plain.render_as_string(hide_password=False), schema


def _tool(name: str) -> str:
    """The pg_* tool matching the newest installed server (Debian keeps one per version)."""
    versions = sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=lambda p: int(p.parent.name))
    for folder in reversed(versions):
        if (folder / name).exists():
            return str(folder / name)
    found = shutil.which(name)
    if not found:
        raise BackupError(f"{name} is not installed (Debian: apt-get install postgresql-client)")
    return found


def create_backup(database_url: str, destination: Path) -> None:
    """Write a consistent copy of the database (evidence included) to `destination`."""
    url = _url(database_url)
    destination = Path(destination)
    if destination.exists():
        raise BackupError(f"{destination} exists; a backup never overwrites a file")
    if _is_sqlite(url):
        source = sqlite3.connect(f"file:{url.database}?mode=ro", uri=True)
        target = sqlite3.connect(destination)
        try:
            source.backup(target)
        finally:
            target.close()
            source.close()
        return
    conninfo, schema = _libpq(url)
    command = [_tool("pg_dump"), "--format=custom", "--no-owner", f"--file={destination}"]
    if schema:
        command.append(f"--schema={schema}")
    _run([*command, conninfo])


def restore_backup(source: Path, database_url: str) -> None:
    """Restore `source` (made by `create_backup`) into the empty database of the URL.
    Stop every app process first: they would write into what is being replaced."""
    url = _url(database_url)
    source = Path(source)
    if not source.is_file():
        raise BackupError(f"{source} is not a file")
    if _is_sqlite(url):
        target_path = Path(url.database)
        if target_path.exists() and target_path.stat().st_size > 0:
            raise BackupError(f"{target_path} exists; restore into a new file, then swap it in")
        target_path.parent.mkdir(parents=True, exist_ok=True)
        backup = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
        target = sqlite3.connect(target_path)
        try:
            backup.backup(target)
        finally:
            target.close()
            backup.close()
        return
    conninfo, _schema = _libpq(url)
    _run(
        [
            _tool("pg_restore"),
            "--no-owner",
            "--exit-on-error",
            "--single-transaction",
            f"--dbname={conninfo}",
            str(source),
        ]
    )


def _run(command: list[str]) -> None:
    done = subprocess.run(command, capture_output=True, text=True, check=False)  # noqa: S603
    if done.returncode != 0:
        raise BackupError(done.stderr.strip() or f"{command[0]} exited {done.returncode}")


def database_integrity(database_url: str) -> tuple[str, dict[str, int]]:
    """The database's own integrity check ("ok", or what it found; SQLite: PRAGMA
    integrity_check and foreign_key_check; PostgreSQL checks pages as it reads them, so
    reading every table is the check) and the row counts of the tables that matter."""
    engine = build_engine(database_url, pooled=False)
    try:
        with engine.connect() as connection:
            if engine.dialect.name == "sqlite":
                rows = connection.exec_driver_sql("PRAGMA integrity_check").scalars().all()
                integrity = "ok" if rows == ["ok"] else "; ".join(rows[:5])
                fk = connection.exec_driver_sql("PRAGMA foreign_key_check").all()
                if fk and integrity == "ok":
                    integrity = f"{len(fk)} rows break a foreign key"
            else:
                integrity = "ok"
            counts = {
                table: connection.execute(
                    select(func.count()).select_from(text(table))
                ).scalar_one()
                for table in COUNTED_TABLES
            }
        return integrity, counts
    finally:
        engine.dispose()
