"""Signed checkpoints of the audit chain: "on <time>, the chain held N events and ended in
<hash>", signed with the installation key. Written on a timer and at every transparency
report, and printed in the report, so that a published report anchors the chain outside
Pantau. `verify_chain` checks every checkpoint's signature and that the chain still
passes through it."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import func
from sqlmodel import Session, select

from casework.records.audit import checkpoint_statement, lock_head
from casework.records.signing import sign_bytes, verify_bytes
from db.engine import begin_write
from db.models import AuditCheckpoint, AuditEvent, AuditHead
from db.types import utcnow

REASONS = ("timer", "transparency_report", "manual")


@dataclass(frozen=True)
class CheckpointView:
    id: int
    last_id: int
    last_hash: str
    event_count: int
    reason: str
    at: datetime
    key_id: str
    signature: str

    @property
    def statement(self) -> str:
        """The exact text that was signed (what an outside verifier checks)."""
        return checkpoint_statement(
            checkpoint_id=self.id,
            last_id=self.last_id,
            last_hash=self.last_hash,
            event_count=self.event_count,
            at=self.at,
        ).decode("utf-8")

    def as_dict(self) -> dict:
        return {
            "checkpoint": self.id,
            "last_id": self.last_id,
            "last_hash": self.last_hash,
            "event_count": self.event_count,
            "at": self.at.astimezone(UTC).isoformat(timespec="seconds"),
            "signed_statement": self.statement,
            "signature": {"alg": "Ed25519", "key_id": self.key_id, "signature": self.signature},
        }


def _view(row: AuditCheckpoint) -> CheckpointView:
    return CheckpointView(
        id=row.id,
        last_id=row.last_id,
        last_hash=row.last_hash,
        event_count=row.event_count,
        reason=row.reason,
        at=row.created_at,
        key_id=row.key_id,
        signature=row.signature,
    )


def record_checkpoint(
    session: Session, *, reason: str, now: datetime | None = None
) -> CheckpointView:
    """Sign the chain's current end and store the checkpoint, inside the caller's
    transaction. The chain head is locked meanwhile, so no event slips in between."""
    if reason not in REASONS:
        raise ValueError(f"unknown checkpoint reason {reason!r}")
    head = lock_head(session)
    # Second precision: the signed statement carries seconds, the stored time must match.
    at = (now or utcnow()).astimezone(UTC).replace(microsecond=0)
    checkpoint_id = (session.exec(select(func.max(AuditCheckpoint.id))).one() or 0) + 1
    signature = sign_bytes(
        checkpoint_statement(
            checkpoint_id=checkpoint_id,
            last_id=head.last_id,
            last_hash=head.last_hash,
            event_count=head.last_id,
            at=at,
        )
    )
    row = AuditCheckpoint(
        id=checkpoint_id,
        last_id=head.last_id,
        last_hash=head.last_hash,
        event_count=head.last_id,
        reason=reason,
        created_at=at,
        key_id=signature["key_id"],
        signature=signature["signature"],
    )
    session.add(row)
    session.flush()
    return _view(row)


def checkpoint_if_new_events(session: Session, *, now: datetime | None = None) -> bool:
    """The timer's checkpoint: only when events were added since the last one."""
    head = lock_head(session)
    latest = session.exec(
        select(AuditCheckpoint.last_id).order_by(AuditCheckpoint.id.desc()).limit(1)
    ).first()
    if latest is not None and latest == head.last_id:
        return False
    record_checkpoint(session, reason="timer", now=now)
    return True


def checkpoint_on_timer(*, session: Session, now: datetime | None = None) -> bool:
    """The server's timer: sign a checkpoint when events were added since the last one.
    Several replicas may run the timer; the head lock makes the second one find nothing
    new. Commits."""
    begin_write(session)
    made = checkpoint_if_new_events(session, now=now)
    session.commit()
    return made


def checkpoint_for_report(*, session: Session, now: datetime | None = None) -> CheckpointView:
    """The checkpoint a transparency report prints: a new one when events were added
    since the last, else the last (a page redrawn ten times adds no ten checkpoints).
    Commits."""
    session.rollback()
    # Read first: most redraws find nothing new and need no write lock at all.
    last_id = session.exec(select(AuditHead.last_id).where(AuditHead.id == 1)).first()
    latest = session.exec(
        select(AuditCheckpoint).order_by(AuditCheckpoint.id.desc()).limit(1)
    ).first()
    if latest is not None and latest.last_id == (last_id or 0):
        view = _view(latest)
        session.rollback()
        return view
    session.rollback()
    begin_write(session)
    head = lock_head(session)
    latest = session.exec(
        select(AuditCheckpoint).order_by(AuditCheckpoint.id.desc()).limit(1)
    ).first()
    if latest is not None and latest.last_id == head.last_id:
        view = _view(latest)
    else:
        view = record_checkpoint(session, reason="transparency_report", now=now)
    session.commit()
    return view


def latest_checkpoints(session: Session, *, limit: int = 10) -> list[CheckpointView]:
    """The newest checkpoints, newest first."""
    rows = session.exec(
        select(AuditCheckpoint).order_by(AuditCheckpoint.id.desc()).limit(limit)
    ).all()
    return [_view(row) for row in rows]


@dataclass(frozen=True)
class PublishedCheck:
    """A checkpoint printed somewhere outside Pantau (a published report), held against
    the database: is it Pantau's signature, and does the chain still pass through it?"""

    signed: bool
    chain_passes: bool
    still_stored: bool

    @property
    def holds(self) -> bool:
        return self.signed and self.chain_passes and self.still_stored


def check_published_checkpoint(
    session: Session, *, statement: str, signature: dict, public_keys: dict[str, bytes]
) -> PublishedCheck:
    """Check a checkpoint copied from a report. Unlike the stored checkpoints, this one
    cannot have been removed from the database along with the history it pins."""
    data = statement.encode("utf-8")
    signed = verify_bytes(data, {"alg": "Ed25519", **signature}, public_keys=public_keys)
    try:
        fields = json.loads(data)
        number, last_id, last_hash = fields["checkpoint"], fields["last_id"], fields["last_hash"]
    except (ValueError, KeyError, TypeError):
        return PublishedCheck(signed=False, chain_passes=False, still_stored=False)
    if last_id == 0:
        passes = last_hash == "0" * 64
    else:
        stored_hash = session.exec(select(AuditEvent.hash).where(AuditEvent.id == last_id)).first()
        passes = stored_hash == last_hash
    stored = session.exec(
        select(AuditCheckpoint.last_hash).where(AuditCheckpoint.id == number)
    ).first()
    return PublishedCheck(signed=signed, chain_passes=passes, still_stored=stored == last_hash)


def _main(argv: list[str] | None = None) -> int:
    import argparse

    from casework.records.signing import load_public_keys, public_keyring
    from casework.settings import get_settings
    from db.engine import build_engine

    parser = argparse.ArgumentParser(
        prog="python -m casework.records.checkpoints",
        description="Hold a checkpoint printed in a transparency report against DATABASE_URL.",
    )
    parser.add_argument("statement", help="the signed statement, as printed")
    parser.add_argument("signature", help="the base64 signature, as printed")
    parser.add_argument("key_id", help="the key id, as printed")
    parser.add_argument("--public-key", help="pantau-keys.json or a PEM public key")
    arguments = parser.parse_args(argv)
    keys = load_public_keys(arguments.public_key) if arguments.public_key else public_keyring()
    engine = build_engine(get_settings().database_url, pooled=False)
    with Session(engine) as session:
        check = check_published_checkpoint(
            session,
            statement=arguments.statement,
            signature={"key_id": arguments.key_id, "signature": arguments.signature},
            public_keys=keys,
        )
    engine.dispose()
    print(f"signed by this installation: {'yes' if check.signed else 'NO'}")
    print(f"the chain still passes through it: {'yes' if check.chain_passes else 'NO'}")
    print(f"the checkpoint is still stored: {'yes' if check.still_stored else 'NO'}")
    return 0 if check.holds else 1


if __name__ == "__main__":
    raise SystemExit(_main())
