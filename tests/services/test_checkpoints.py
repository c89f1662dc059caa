"""Signed checkpoints and the signed chain head: a chain rebuilt by someone with write
access to a copy of the database (event changed, the rest re-hashed, the head moved) is
still found, behind a checkpoint and ahead of it. The database refuses the rewrite in
the first place unless its triggers are dropped."""

from __future__ import annotations

import pytest
from sqlalchemy import delete, select, text, update
from sqlalchemy.exc import DBAPIError
from sqlmodel import Session

from casework.records import signing
from casework.records.audit import (
    PROBLEM_CHECKPOINT_BEYOND,
    PROBLEM_CHECKPOINT_GAP,
    PROBLEM_CHECKPOINT_MISMATCH,
    PROBLEM_CHECKPOINT_SIGNATURE,
    PROBLEM_HEAD_SIGNATURE,
    checkpoint_statement,
    event_hash,
    head_statement,
    verify_chain,
)
from casework.records.checkpoints import (
    check_published_checkpoint,
    checkpoint_if_new_events,
    latest_checkpoints,
    record_checkpoint,
)
from casework.records.signing import SigningKey, public_keyring, rotate_installation_key, sign_bytes
from casework.settings import get_settings
from db.models import AuditCheckpoint, AuditEvent, AuditHead
from tests.factories import CAMPAIGN_NOW, make_case, make_desk
from tests.tampering import lift_append_only_guard

EVENTS = AuditEvent.__table__
HEAD = AuditHead.__table__


@pytest.fixture
def six_events(session: Session) -> Session:
    """Six events (ids 1–6) written by the services."""
    desk = make_desk(session)
    for _ in range(6):
        make_case(session, actor=desk.officer)
    assert session.scalar(select(AuditHead.last_id)) == 6
    return session


def _checkpoint(session: Session) -> None:
    record_checkpoint(session, reason="manual", now=CAMPAIGN_NOW)
    session.commit()


def _rebuild_from(session: Session, event_id: int, *, key: SigningKey | None = None) -> None:
    """What the outside audit did: change one event, re-hash it and every later one, and
    move the head (signing it with a key of the forger's own, if given)."""
    lift_append_only_guard(session)
    rows = session.execute(select(EVENTS).order_by(EVENTS.c.id)).mappings().all()
    prev = rows[event_id - 2]["hash"] if event_id > 1 else "0" * 64
    for row in rows[event_id - 1 :]:
        row = dict(row)
        if row["id"] == event_id:
            row["detail"] = {**row["detail"], "reason": "ditulis ulang"}
        row["prev_hash"] = prev
        row["hash"] = event_hash(
            event_id=row["id"],
            case_id=row["case_id"],
            actor_id=row["actor_id"],
            action=row["action"],
            from_status=row["from_status"],
            to_status=row["to_status"],
            detail=row["detail"],
            created_at=row["created_at"],
            prev_hash=prev,
        )
        session.execute(
            update(EVENTS)
            .where(EVENTS.c.id == row["id"])
            .values(detail=row["detail"], prev_hash=prev, hash=row["hash"])
        )
        prev = row["hash"]
    values = {"last_hash": prev}
    if key is not None:
        forged = sign_bytes(head_statement(rows[-1]["id"], prev), key=key)
        values |= {"key_id": forged["key_id"], "signature": forged["signature"]}
    session.execute(update(HEAD).values(values))
    session.commit()
    session.expire_all()


def _report(session: Session):
    report = verify_chain(session)
    return (report.intact, report.first_broken_id, report.problem)


def test_a_checkpointed_chain_is_intact_and_counts_its_checkpoints(six_events):
    _checkpoint(six_events)
    make_case(six_events)
    _checkpoint(six_events)

    report = verify_chain(six_events)

    assert (report.intact, report.events_checked, report.checkpoints_checked) == (True, 7, 2)
    newest = latest_checkpoints(six_events)[0]
    assert (newest.id, newest.last_id, newest.event_count) == (2, 7, 7)
    assert newest.as_dict()["signature"]["key_id"] == signing.installation_key().key_id


def test_history_rewritten_behind_a_checkpoint_is_found_where_the_chain_leaves_it(six_events):
    _checkpoint(six_events)  # pins event 6
    _rebuild_from(six_events, 3)

    assert _report(six_events) == (False, 6, PROBLEM_CHECKPOINT_MISMATCH)


def test_history_rewritten_ahead_of_the_checkpoint_is_found_by_the_head_signature(six_events):
    _checkpoint(six_events)
    make_case(six_events)
    make_case(six_events)  # events 7 and 8, after the checkpoint
    _rebuild_from(six_events, 7, key=SigningKey.generate())

    assert _report(six_events) == (False, 8, PROBLEM_HEAD_SIGNATURE)


def test_without_checkpoints_the_rewritten_chain_is_still_found_by_the_head(six_events):
    _rebuild_from(six_events, 2)

    assert _report(six_events) == (False, 6, PROBLEM_HEAD_SIGNATURE)


def test_a_checkpoint_changed_and_re_signed_with_another_key_is_refused(six_events):
    _checkpoint(six_events)
    lift_append_only_guard(six_events)
    forger = SigningKey.generate()
    statement = checkpoint_statement(
        checkpoint_id=1, last_id=6, last_hash="f" * 64, event_count=6, at=CAMPAIGN_NOW
    )
    signature = sign_bytes(statement, key=forger)
    six_events.execute(
        update(AuditCheckpoint.__table__).values(
            last_hash="f" * 64, key_id=signature["key_id"], signature=signature["signature"]
        )
    )
    six_events.commit()

    assert _report(six_events) == (False, None, PROBLEM_CHECKPOINT_SIGNATURE)


def test_a_removed_checkpoint_leaves_a_gap(six_events):
    _checkpoint(six_events)
    _checkpoint(six_events)
    lift_append_only_guard(six_events)
    six_events.execute(delete(AuditCheckpoint.__table__).where(AuditCheckpoint.id == 1))
    six_events.commit()

    assert _report(six_events) == (False, None, PROBLEM_CHECKPOINT_GAP)


def test_events_removed_below_a_checkpoint_are_found_even_with_an_old_signed_head(six_events):
    old_head = dict(six_events.execute(select(HEAD)).mappings().one())  # at event 6
    make_case(six_events)
    _checkpoint(six_events)  # pins event 7
    lift_append_only_guard(six_events)
    six_events.execute(delete(EVENTS).where(EVENTS.c.id == 7))
    six_events.execute(update(HEAD).values(old_head))  # a head saved from an older copy
    six_events.commit()

    assert _report(six_events) == (False, 7, PROBLEM_CHECKPOINT_BEYOND)


def test_the_timer_checkpoints_only_when_events_were_added(six_events):
    assert checkpoint_if_new_events(six_events, now=CAMPAIGN_NOW)
    six_events.commit()
    assert not checkpoint_if_new_events(six_events, now=CAMPAIGN_NOW)
    make_case(six_events)
    assert checkpoint_if_new_events(six_events, now=CAMPAIGN_NOW)
    six_events.commit()
    assert [c.last_id for c in latest_checkpoints(six_events)] == [7, 6]


@pytest.fixture
def key_files(tmp_path, monkeypatch):
    """This installation's key in a file of its own, with a keyring beside it."""
    key_file, keyring = tmp_path / "key.pem", tmp_path / "keyring.json"
    key_file.write_bytes(SigningKey.generate().private_pem())
    monkeypatch.setenv("PANTAU_SIGNING_KEY_FILE", str(key_file))
    monkeypatch.setenv("PANTAU_SIGNING_KEYRING_FILE", str(keyring))
    get_settings.cache_clear()
    signing._KEY_CACHE.clear()
    yield
    get_settings.cache_clear()
    signing._KEY_CACHE.clear()


def test_after_key_rotation_checkpoints_signed_with_the_old_key_still_verify(session, key_files):
    desk = make_desk(session)
    make_case(session, actor=desk.officer)
    _checkpoint(session)
    old = signing.installation_key()

    new = rotate_installation_key()
    make_case(session, actor=desk.officer)
    _checkpoint(session)

    signed_by = [c.key_id for c in reversed(latest_checkpoints(session))]
    assert signed_by == [old.key_id, new.key_id]
    report = verify_chain(session)
    assert (report.intact, report.checkpoints_checked) == (True, 2)
    # Without the retired key, the old checkpoint no longer verifies: the keyring matters.
    current_only = {new.key_id: new.public_bytes()}
    assert verify_chain(session, public_keys=current_only).problem == (PROBLEM_CHECKPOINT_SIGNATURE)


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE audit_event SET detail = '{}' WHERE id = 1",
        "DELETE FROM audit_event WHERE id = 1",
        "UPDATE audit_checkpoint SET last_hash = 'x'",
        "DELETE FROM audit_checkpoint",
    ],
)
def test_the_database_refuses_to_change_or_remove_audit_rows(six_events, statement):
    _checkpoint(six_events)

    with pytest.raises(DBAPIError, match="append-only"):
        six_events.execute(text(statement))
    six_events.rollback()

    assert verify_chain(six_events).intact


def _published(session: Session) -> dict:
    """What a transparency report prints of its checkpoint."""
    view = latest_checkpoints(session)[0]
    return {
        "statement": view.statement,
        "signature": {"key_id": view.key_id, "signature": view.signature},
    }


def test_a_checkpoint_from_a_published_report_holds_against_the_database(six_events):
    _checkpoint(six_events)
    published = _published(six_events)

    check = check_published_checkpoint(six_events, **published, public_keys=public_keyring())

    assert check.holds


def test_a_published_checkpoint_still_finds_history_rewritten_and_checkpoints_removed(six_events):
    """The database alone can lose its checkpoints with the history they pin; a copy
    printed in a report cannot be taken back."""
    _checkpoint(six_events)
    published = _published(six_events)
    lift_append_only_guard(six_events)
    six_events.execute(delete(AuditCheckpoint.__table__))
    six_events.commit()
    _rebuild_from(six_events, 2)

    check = check_published_checkpoint(six_events, **published, public_keys=public_keyring())

    assert check.signed and not check.chain_passes and not check.still_stored
    forged = {
        **published,
        "statement": published["statement"].replace('"last_id":6', '"last_id":5'),
    }
    assert not check_published_checkpoint(six_events, **forged, public_keys=public_keyring()).signed
