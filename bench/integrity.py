"""What the verifiable record costs (not part of the test run).

    .venv/bin/python -m bench.integrity                     # 1,000,000 events, SQLite file
    .venv/bin/python -m bench.integrity --events 100000
    DATABASE_URL=sqlite:////tmp/…/integrity.db .venv/bin/python -m bench.integrity  # reuse
    DATABASE_URL=postgresql://… .venv/bin/python -m bench.integrity --events 100000

Prints, in one run on one database:
- signing a checkpoint (the whole `record_checkpoint` transaction, and the Ed25519
  signature alone), and verifying one signature;
- appending one event through `record_event` with the head re-signed, next to the same
  append without the signature (today's cost);
- verifying the whole chain at N events with its signed checkpoints and head, next to
  today's verification (the hash walk alone, as `verify_chain` did before checkpoints)."""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlmodel import Session

from casework.records import audit
from casework.records.audit import (
    GENESIS_HASH,
    checkpoint_statement,
    event_hash,
    record_event,
    record_events,
    verify_chain,
)
from casework.records.checkpoints import record_checkpoint
from casework.records.signing import installation_key, public_keyring, sign_bytes, verify_bytes
from db.engine import begin_write, build_engine
from db.migrate import upgrade_to_head
from db.models import AuditEvent, AuditHead

ACTIONS = ["case_filed", "start_review", "refer_to_platform", "comment_added", "acknowledge"]
START = datetime(2024, 1, 1, tzinfo=UTC)


def _seed(session: Session, events: int, *, checkpoint_every: int, chunk: int = 20_000) -> int:
    """`events` chained events (no cases: the chain is what is measured), with a signed
    checkpoint every `checkpoint_every` events. Returns the checkpoints written."""
    written = checkpoints = 0
    while written < events:
        size = min(chunk, events - written)
        begin_write(session)
        record_events(
            session,
            [
                {
                    "action": ACTIONS[(written + i) % len(ACTIONS)],
                    "actor_id": None,
                    "detail": {"reference": f"PAN-2024-{written + i:06d}", "note": "bench"},
                    "at": START + timedelta(seconds=written + i),
                }
                for i in range(size)
            ],
        )
        session.commit()
        before = written // checkpoint_every
        written += size
        for _ in range(written // checkpoint_every - before):
            begin_write(session)
            record_checkpoint(session, reason="timer")
            session.commit()
            checkpoints += 1
    return checkpoints


def verify_chain_today(session: Session, *, batch_size: int = 5000) -> tuple[bool, int]:
    """The chain check as it was before checkpoints: the hash walk and the head
    comparison, nothing signed. The baseline."""
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
    expected_prev, expected_id, last_id = GENESIS_HASH, 1, 0
    while True:
        rows = session.execute(
            select(*columns)
            .where(AuditEvent.id > last_id)
            .order_by(AuditEvent.id)
            .limit(batch_size)
        ).all()
        if not rows:
            break
        for event in rows:
            if event.id != expected_id or event.prev_hash != expected_prev:
                return False, last_id
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
                return False, last_id
            expected_prev, expected_id, last_id = event.hash, expected_id + 1, event.id
    head = session.execute(select(AuditHead.last_id, AuditHead.last_hash)).first()
    return head.last_id == last_id and head.last_hash == expected_prev, last_id


def _ms(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    return statistics.median(ordered) * 1000, ordered[int(0.95 * (len(ordered) - 1))] * 1000


def _append_times(session: Session, samples: int) -> list[float]:
    times = []
    for i in range(samples):
        started = time.perf_counter()
        begin_write(session)
        record_event(session, action="comment_added", actor_id=None, detail={"n": i})
        session.commit()
        times.append(time.perf_counter() - started)
    return times


def run(url: str | None, events: int, checkpoint_every: int, samples: int, rounds: int) -> None:
    if url is None:
        folder = tempfile.mkdtemp(prefix="pantau-bench-")
        url = f"sqlite:///{folder}/integrity-{uuid.uuid4().hex[:6]}.db"
    engine = build_engine(url)
    upgrade_to_head(engine)
    key = installation_key()
    keys = public_keyring()
    print(f"database: {engine.url.render_as_string(hide_password=True)}; key {key.key_id}")
    with Session(engine, expire_on_commit=False) as session:
        have = session.scalar(select(AuditHead.last_id)) or 0
        if have:
            # A database from an earlier run (DATABASE_URL): its events are reused.
            events = have
            print(f"reusing {have:,} events")
        else:
            started = time.perf_counter()
            checkpoints = _seed(session, events, checkpoint_every=checkpoint_every)
            seeded = time.perf_counter() - started
            print(f"seeded {events:,} events and {checkpoints} checkpoints in {seeded:.1f} s")

        statement = checkpoint_statement(
            checkpoint_id=1, last_id=events, last_hash="a" * 64, event_count=events, at=START
        )
        sign_times, verify_times, checkpoint_times = [], [], []
        signature = sign_bytes(statement, key=key)
        for _ in range(samples):
            t = time.perf_counter()
            sign_bytes(statement, key=key)
            sign_times.append(time.perf_counter() - t)
            t = time.perf_counter()
            verify_bytes(statement, signature, public_keys=keys)
            verify_times.append(time.perf_counter() - t)
        for _ in range(min(samples, 50)):
            t = time.perf_counter()
            begin_write(session)
            record_checkpoint(session, reason="manual")
            session.commit()
            checkpoint_times.append(time.perf_counter() - t)

        signed_appends = _append_times(session, samples)
        original = audit._sign_head
        audit._sign_head = lambda head: None  # today's append: no signature
        try:
            unsigned_appends = _append_times(session, samples)
        finally:
            audit._sign_head = original
        # The unsigned appends left the head unsigned: one more signed append re-signs it.
        _append_times(session, 1)
        total = events + 2 * samples + 1

        # Alternating, best of `rounds`: other load on the machine comes and goes, and a
        # single pass of each would charge it to whichever ran at the wrong moment.
        today = signed = float("inf")
        for _ in range(rounds):
            t = time.perf_counter()
            today_ok, today_checked = verify_chain_today(session)
            today = min(today, time.perf_counter() - t)
            t = time.perf_counter()
            report = verify_chain(session, public_keys=keys)
            signed = min(signed, time.perf_counter() - t)
    engine.dispose()
    assert today_ok and today_checked == total, (today_ok, today_checked, total)
    assert report.intact and report.events_checked == total, report

    print()
    print("| figure | with signatures | today (unsigned) | ratio |")
    print("|---|---|---|---|")
    print(
        f"| Ed25519 sign one checkpoint statement, p50 | {_ms(sign_times)[0] * 1000:.0f} µs | | |"
    )
    print(f"| Ed25519 verify one signature, p50 | {_ms(verify_times)[0] * 1000:.0f} µs | | |")
    p50, p95 = _ms(checkpoint_times)
    print(
        "| record a checkpoint (lock, sign, insert, commit), p50 / p95 "
        f"| {p50:.2f} / {p95:.2f} ms | | |"
    )
    s50, s95 = _ms(signed_appends)
    u50, u95 = _ms(unsigned_appends)
    print(
        f"| append one event (record_event + commit), p50 / p95 | {s50:.2f} / {s95:.2f} ms "
        f"| {u50:.2f} / {u95:.2f} ms | costs {s50 / u50:.2f}× |"
    )
    print(
        f"| verify the chain, {total:,} events, {report.checkpoints_checked} checkpoints "
        f"| {signed:.1f} s | {today:.1f} s | costs {signed / today:.2f}× |"
    )
    print(f"| verify rate | {total / signed:,.0f} events/s | {total / today:,.0f} events/s | |")


def main() -> None:
    import os

    parser = argparse.ArgumentParser(prog="python -m bench.integrity")
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--checkpoint-every", type=int, default=10_000)
    parser.add_argument("--samples", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=2, help="verification passes of each")
    arguments = parser.parse_args()
    # DATABASE_URL, when set, names a scratch database: empty, or one an earlier run
    # filled (its events are reused, and this run's appends are added to them).
    url = os.environ.get("DATABASE_URL") or None
    run(url, arguments.events, arguments.checkpoint_every, arguments.samples, arguments.rounds)


if __name__ == "__main__":
    main()
