"""Backup, restore and the soundness check of the database, from the command line.

    python -m casework.records.backup create FILE   # a consistent copy while the app runs
    python -m casework.records.backup restore FILE  # into the (empty) database of DATABASE_URL
    python -m casework.records.backup check         # integrity, chain, counts; exit 0 if sound

Copying is the data layer's (db/backup.py); the check adds the audit chain, which is
the domain's, so the command lives here and db/ never reaches up into casework/."""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path

from sqlmodel import Session

from casework.records.audit import verify_chain
from db.backup import BackupError, create_backup, database_integrity, restore_backup
from db.config import database_url
from db.engine import build_engine


@dataclass(frozen=True)
class Soundness:
    integrity: str  # "ok", or what the database's own check found
    chain_ok: bool
    chain_detail: str
    counts: dict[str, int]

    @property
    def ok(self) -> bool:
        return self.integrity == "ok" and self.chain_ok


def check_database(url: str) -> Soundness:
    """The database's own integrity check, the audit chain, and the row counts of the
    tables that matter."""
    integrity, counts = database_integrity(url)
    engine = build_engine(url, pooled=False)
    try:
        with Session(engine) as session:
            report = verify_chain(session)
    finally:
        engine.dispose()
    if report.intact:
        detail = ""
    elif report.first_broken_id is None:  # a checkpoint, not an event, is at fault
        detail = str(report.problem)
    else:
        detail = f"first broken event {report.first_broken_id}: {report.problem}"
    return Soundness(integrity, report.intact, detail, counts)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m casework.records.backup", description=__doc__.split("\n")[0]
    )
    commands = parser.add_subparsers(dest="command", required=True)
    create = commands.add_parser("create", help="write a backup of DATABASE_URL to FILE")
    create.add_argument("file", type=Path)
    restore = commands.add_parser("restore", help="restore FILE into DATABASE_URL (empty)")
    restore.add_argument("file", type=Path)
    commands.add_parser("check", help="integrity, audit chain and counts of DATABASE_URL")
    arguments = parser.parse_args(argv)
    url = database_url()
    try:
        if arguments.command == "create":
            create_backup(url, arguments.file)
            print(f"backup written to {arguments.file}")
            return 0
        if arguments.command == "restore":
            restore_backup(arguments.file, url)
            print(f"restored {arguments.file}")
        soundness = check_database(url)
    except BackupError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    for table, count in soundness.counts.items():
        print(f"{table}: {count}")
    print(f"integrity: {soundness.integrity}")
    print(f"audit chain: {'ok' if soundness.chain_ok else soundness.chain_detail}")
    return 0 if soundness.ok else 1


if __name__ == "__main__":
    sys.exit(main())
