"""The backup and restore commands of the deployment guide (docs/deploy.md), run as an
operator runs them: `python -m casework.records.backup create|restore|check` in a
subprocess, against a database holding cases, evidence and a chained audit log. The
restored copy holds the same rows and the same evidence bytes, and its audit chain
verifies."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import uuid
from contextlib import contextmanager
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlmodel import Session, select

from casework.intake.evidence import add_evidence
from casework.people.roles import Role
from casework.records.backup import check_database
from casework.reference.taxonomy import seed_reference_data
from casework.settings import Settings
from db.backup import BackupError, create_backup, restore_backup
from db.engine import build_engine
from db.migrate import upgrade_to_head
from db.models import EvidenceBlob
from tests.conftest import DATABASE_URL, ON_POSTGRES, fresh_database_url
from tests.factories import make_actor, make_case
from tests.tampering import lift_append_only_guard

ROOT = Path(__file__).resolve().parents[2]


def _png(seed: int) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (32, 24), (seed % 256, 40, 90)).save(buffer, "PNG")
    return buffer.getvalue()


def _fill(url: str) -> None:
    """Three cases with a piece of evidence each, filed through the services."""
    engine = build_engine(url)
    upgrade_to_head(engine)
    with Session(engine, expire_on_commit=False) as session:
        seed_reference_data(session)
        session.commit()
        officer = make_actor(session, role=Role.OFFICER)
        for number in range(3):
            case = make_case(
                session,
                actor=officer,
                urls=[f"https://www.tiktok.com/@akun.contoh/video/73123456789012{number:05d}"],
            )
            add_evidence(
                session=session,
                actor=officer,
                case_id=case.id,
                file_name=f"bukti-{number}.png",
                data=_png(number),
                settings=Settings(),
            )
    engine.dispose()


def _blobs(url: str) -> dict[str, bytes]:
    engine = build_engine(url, pooled=False)
    with Session(engine) as session:
        rows = session.exec(select(EvidenceBlob.sha256, EvidenceBlob.data)).all()
    engine.dispose()
    return dict(rows)


@contextmanager
def _empty_target(tmp_path: Path, source_url: str):
    """Where a restore goes: a new SQLite file, or on PostgreSQL a new database (the
    dump re-creates the source's schema there, so the URL keeps its search_path)."""
    if not ON_POSTGRES:
        yield f"sqlite:///{tmp_path}/restored.db"
        return
    name = f"pantau_restore_{uuid.uuid4().hex[:8]}"
    admin = build_engine(DATABASE_URL, pooled=False).execution_options(isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield (
            make_url(build_engine(source_url).url)
            .set(database=name)
            .render_as_string(hide_password=False)
        )
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _command(url: str, *arguments: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "casework.records.backup", *arguments],
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": url},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_a_restored_backup_holds_the_same_cases_evidence_and_a_verified_audit_chain(tmp_path):
    with fresh_database_url(tmp_path) as source:
        _fill(source)
        before = check_database(source)
        assert before.ok and before.counts["evidence_blob"] == 3
        backup = tmp_path / "pantau.backup"

        made = _command(source, "create", str(backup))
        assert made.returncode == 0, made.stderr
        with _empty_target(tmp_path, source) as target:
            restored = _command(target, "restore", str(backup))
            assert restored.returncode == 0, restored.stderr
            assert "audit chain: ok" in restored.stdout
            after = check_database(target)
            assert after.ok
            assert after.counts == before.counts
            assert _blobs(target) == _blobs(source)


def test_a_backup_never_overwrites_a_file_and_a_restore_never_overwrites_a_database(tmp_path):
    with fresh_database_url(tmp_path) as source:
        _fill(source)
        existing = tmp_path / "existing.backup"
        existing.write_bytes(b"keep me")
        with pytest.raises(BackupError):
            create_backup(source, existing)
        assert existing.read_bytes() == b"keep me"
        if not ON_POSTGRES:
            backup = tmp_path / "fresh.backup"
            create_backup(source, backup)
            with pytest.raises(BackupError):
                restore_backup(backup, source)


def test_the_check_command_fails_on_a_broken_audit_chain(tmp_path):
    with fresh_database_url(tmp_path) as url:
        _fill(url)
        engine = build_engine(url, pooled=False)
        with Session(engine) as session:
            lift_append_only_guard(session)  # as the database's owner could
            session.execute(text("UPDATE audit_event SET detail = '{}' WHERE id = 2"))
            session.commit()
        engine.dispose()
        checked = _command(url, "check")
        assert checked.returncode == 1
        assert "first broken event 2" in checked.stdout
