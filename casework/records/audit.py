"""The tamper-evident audit trail: append-only events, each hashed with the previous
event's hash, so that changing, removing or reordering any event breaks the chain.

A hash chain alone can be rebuilt by anyone with write access (change an event, re-hash
the rest, move the head). So the head is signed with the installation key on every
append, and signed checkpoints (casework.records.checkpoints) pin the chain's hash at moments
published outside Pantau: a rebuilt chain no longer passes through them, and a moved
head carries no valid signature."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import insert
from sqlmodel import Session, select

from casework.i18n import N_
from casework.records.signing import canonical_json, public_keyring, sign_bytes, verify_bytes
from db.models import AuditCheckpoint, AuditEvent, AuditHead
from db.types import utcnow

GENESIS_HASH = "0" * 64


def event_hash(
    *,
    event_id: int,
    case_id: int | None,
    actor_id: int | None,
    action: str,
    from_status: str | None,
    to_status: str | None,
    detail: dict[str, Any],
    created_at: datetime,
    prev_hash: str,
) -> str:
    """SHA-256 over a canonical JSON form of the event and the previous hash."""
    body = json.dumps(
        {
            "id": event_id,
            "case_id": case_id,
            "actor_id": actor_id,
            "action": action,
            "from": from_status,
            "to": to_status,
            "detail": detail,
            "at": created_at.isoformat(timespec="microseconds"),
            "prev": prev_hash,
        },
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
        default=str,
    )
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


def head_statement(last_id: int, last_hash: str) -> bytes:
    """The bytes the installation signs for the chain head."""
    return canonical_json({"kind": "pantau-audit-head", "last_id": last_id, "last_hash": last_hash})


def checkpoint_statement(
    *, checkpoint_id: int, last_id: int, last_hash: str, event_count: int, at: datetime
) -> bytes:
    """The bytes the installation signs for a checkpoint (what a report prints)."""
    return canonical_json(
        {
            "kind": "pantau-audit-checkpoint",
            "checkpoint": checkpoint_id,
            "last_id": last_id,
            "last_hash": last_hash,
            "event_count": event_count,
            "at": at.astimezone(UTC).isoformat(timespec="seconds"),
        }
    )


def _sign_head(head: AuditHead) -> None:
    signature = sign_bytes(head_statement(head.last_id, head.last_hash))
    head.key_id = signature["key_id"]
    head.signature = signature["signature"]


def lock_head(session: Session) -> AuditHead:
    # FOR UPDATE serialises appenders on PostgreSQL; on SQLite the write transaction
    # already holds the database's single write lock.
    # populate_existing: a session kept across commits (expire_on_commit=False) must
    # still read the head as it is now, not as it was when this session last saw it.
    head = session.exec(
        select(AuditHead)
        .where(AuditHead.id == 1)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).first()
    if head is None:
        head = AuditHead(id=1, last_id=0, last_hash=GENESIS_HASH)
        session.add(head)
        session.flush()
    return head


def record_event(
    session: Session,
    *,
    action: str,
    actor_id: int | None,
    case_id: int | None = None,
    from_status: str | None = None,
    to_status: str | None = None,
    detail: dict[str, Any] | None = None,
    at: datetime | None = None,
) -> AuditEvent:
    """Append one event to the chain inside the caller's transaction."""
    head = lock_head(session)
    # Hash the instant in UTC: the database hands it back in UTC, whatever zone the
    # caller used, and verification must recompute the same text.
    created_at = (at or utcnow()).astimezone(UTC)
    detail = dict(detail or {})
    event_id = head.last_id + 1
    digest = event_hash(
        event_id=event_id,
        case_id=case_id,
        actor_id=actor_id,
        action=action,
        from_status=from_status,
        to_status=to_status,
        detail=detail,
        created_at=created_at,
        prev_hash=head.last_hash,
    )
    event = AuditEvent(
        id=event_id,
        case_id=case_id,
        actor_id=actor_id,
        action=action,
        from_status=from_status,
        to_status=to_status,
        detail=detail,
        created_at=created_at,
        prev_hash=head.last_hash,
        hash=digest,
    )
    head.last_id = event_id
    head.last_hash = digest
    _sign_head(head)
    session.add(event)
    session.add(head)
    return event


def record_events(session: Session, events: list[dict[str, Any]]) -> list[int]:
    """Append many events to the chain inside the caller's transaction, in order.

    Each item holds `record_event`'s keyword arguments (`action`, `actor_id`, and
    optionally `case_id`, `from_status`, `to_status`, `detail`, `at`). The head is
    locked once and the events go in with one executemany: a bulk import writes
    thousands of events, and a lock, a SELECT and an ORM object each would dominate it.
    The chain is exactly the one `record_event` would build. Returns the event ids."""
    if not events:
        return []
    # Re-read the head even when this session already holds it: a session that outlives
    # its transaction (expire_on_commit=False) would otherwise chain onto a stale head.
    head = session.exec(
        select(AuditHead)
        .where(AuditHead.id == 1)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).first() or lock_head(session)
    last_id, last_hash = head.last_id, head.last_hash
    rows = []
    for item in events:
        created_at = (item.get("at") or utcnow()).astimezone(UTC)
        detail = dict(item.get("detail") or {})
        last_id += 1
        row = {
            "id": last_id,
            "case_id": item.get("case_id"),
            "actor_id": item["actor_id"],
            "action": item["action"],
            "from_status": item.get("from_status"),
            "to_status": item.get("to_status"),
            "detail": detail,
            "created_at": created_at,
            "prev_hash": last_hash,
        }
        last_hash = row["hash"] = event_hash(
            event_id=last_id,
            case_id=row["case_id"],
            actor_id=row["actor_id"],
            action=row["action"],
            from_status=row["from_status"],
            to_status=row["to_status"],
            detail=detail,
            created_at=created_at,
            prev_hash=row["prev_hash"],
        )
        rows.append(row)
    session.connection().execute(insert(AuditEvent.__table__), rows)
    head.last_id, head.last_hash = last_id, last_hash
    _sign_head(head)
    session.add(head)
    # Written now, so that a later call in the same transaction (which re-reads the head)
    # continues from here even with autoflush off.
    session.flush()
    return [row["id"] for row in rows]


PROBLEM_HASH = N_("its content does not match its hash (the event was changed)")
PROBLEM_LINK = N_("it does not follow the event before it (an event was removed or reordered)")
PROBLEM_GAP = N_("events are missing before it")
PROBLEM_TAIL = N_("the newest events are missing (the chain is shorter than recorded)")
PROBLEM_NEWEST = N_("the newest event was changed (it no longer matches the recorded chain head)")
PROBLEM_NO_HEAD = N_("the record of the chain's end is missing")
PROBLEM_UNRECORDED = N_("it was added outside Pantau (the recorded chain ends before it)")
PROBLEM_HEAD_SIGNATURE = N_(
    "the chain's end is not signed by this installation (it was moved outside Pantau)"
)
PROBLEM_CHECKPOINT_SIGNATURE = N_(
    "a checkpoint's signature does not verify (the checkpoint was changed or forged)"
)
PROBLEM_CHECKPOINT_MISMATCH = N_(
    "the chain no longer passes through a signed checkpoint here "
    "(an event up to this one was rewritten)"
)
PROBLEM_CHECKPOINT_BEYOND = N_(
    "a signed checkpoint reaches beyond the chain's end (events it covers were removed)"
)
PROBLEM_CHECKPOINT_GAP = N_("a checkpoint is missing (checkpoints were removed)")


@dataclass(frozen=True)
class ChainReport:
    intact: bool
    events_checked: int
    first_broken_id: int | None = None
    problem: str | None = None  # a message id; translate on display
    checkpoints_checked: int = 0


def _checkpoints(session: Session, public_keys: dict[str, bytes]):
    """The stored checkpoints as {last_id: [(checkpoint id, last_hash)]}, or the first
    problem among them: a signature that fails, or a gap in their numbering."""
    pins: dict[int, list[tuple[int, str]]] = {}
    expected = 1
    for row in session.execute(select(AuditCheckpoint).order_by(AuditCheckpoint.id)).scalars():
        if row.id != expected:
            return None, (expected, PROBLEM_CHECKPOINT_GAP)
        statement = checkpoint_statement(
            checkpoint_id=row.id,
            last_id=row.last_id,
            last_hash=row.last_hash,
            event_count=row.event_count,
            at=row.created_at,
        )
        signature = {"alg": "Ed25519", "key_id": row.key_id, "signature": row.signature}
        if row.event_count != row.last_id or not verify_bytes(
            statement, signature, public_keys=public_keys
        ):
            return None, (row.id, PROBLEM_CHECKPOINT_SIGNATURE)
        pins.setdefault(row.last_id, []).append((row.id, row.last_hash))
        expected += 1
    return pins, None


def verify_chain(
    session: Session,
    *,
    batch_size: int = 5000,
    public_keys: dict[str, bytes] | None = None,
) -> ChainReport:
    """Walk the whole chain in order and report the first event that breaks it.

    Also checks every signed checkpoint (its signature, and that the chain still passes
    through its hash) and the signature of the chain head, against the installation's
    public keys (current and retired) or `public_keys`."""
    keys = public_keyring() if public_keys is None else public_keys
    pins, checkpoint_problem = _checkpoints(session, keys)
    if checkpoint_problem is not None:
        # A forged or removed checkpoint: the events may be fine, the anchor is not.
        return ChainReport(False, 0, None, checkpoint_problem[1])
    pinned = sum(len(found) for found in pins.values())
    expected_prev = GENESIS_HASH
    expected_id = 1
    checked = 0
    last_id = 0
    columns = (
        AuditEvent.id,
        AuditEvent.case_id,
        AuditEvent.actor_id,
        AuditEvent.action,
        AuditEvent.from_status,
        AuditEvent.to_status,
        AuditEvent.detail,
        AuditEvent.created_at,
        AuditEvent.prev_hash,
        AuditEvent.hash,
    )
    while True:
        # Plain rows, not entities: a walk over millions of events must neither fill
        # nor clear the caller's identity map.
        rows = session.execute(
            select(*columns)
            .where(AuditEvent.id > last_id)
            .order_by(AuditEvent.id)
            .limit(batch_size)
        ).all()
        if not rows:
            break
        for event in rows:
            if event.id != expected_id:
                return ChainReport(False, checked, event.id, PROBLEM_GAP)
            if event.prev_hash != expected_prev:
                return ChainReport(False, checked, event.id, PROBLEM_LINK)
            recomputed = event_hash(
                event_id=event.id,
                case_id=event.case_id,
                actor_id=event.actor_id,
                action=event.action,
                from_status=event.from_status,
                to_status=event.to_status,
                detail=event.detail,
                created_at=event.created_at,
                prev_hash=event.prev_hash,
            )
            if recomputed != event.hash:
                return ChainReport(False, checked, event.id, PROBLEM_HASH)
            for _checkpoint, pinned_hash in pins.pop(event.id, ()):
                if pinned_hash != event.hash:
                    return ChainReport(False, checked, event.id, PROBLEM_CHECKPOINT_MISMATCH)
            expected_prev = event.hash
            expected_id += 1
            checked += 1
            last_id = event.id
    if any(last > 0 for last in pins):
        return ChainReport(False, checked, last_id + 1, PROBLEM_CHECKPOINT_BEYOND)
    head = session.execute(
        select(AuditHead.last_id, AuditHead.last_hash, AuditHead.key_id, AuditHead.signature).where(
            AuditHead.id == 1
        )
    ).first()
    if head is None:
        # The migration creates the head row; without it the chain's end is unknown.
        return ChainReport(
            checked == 0,
            checked,
            None if checked == 0 else 1,
            None if checked == 0 else PROBLEM_NO_HEAD,
        )
    if last_id < head.last_id:
        return ChainReport(False, checked, last_id + 1, PROBLEM_TAIL)
    if last_id > head.last_id:
        return ChainReport(False, head.last_id, head.last_id + 1, PROBLEM_UNRECORDED)
    if head.last_hash != expected_prev:
        return ChainReport(False, checked - 1, last_id, PROBLEM_NEWEST)
    if checked and not verify_bytes(
        head_statement(head.last_id, head.last_hash),
        {"alg": "Ed25519", "key_id": head.key_id, "signature": head.signature},
        public_keys=keys,
    ):
        return ChainReport(False, checked - 1, last_id, PROBLEM_HEAD_SIGNATURE)
    return ChainReport(True, checked, checkpoints_checked=pinned)
