"""The audit trail is a hash chain: events written by the real services verify, and any
change made behind the services' back (plain SQL) is found and located."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import delete, select, update
from sqlmodel import Session

from casework.desk.cases import add_comment
from casework.desk.workflow import Action
from casework.records.audit import (
    PROBLEM_GAP,
    PROBLEM_HASH,
    PROBLEM_LINK,
    PROBLEM_NEWEST,
    PROBLEM_TAIL,
    PROBLEM_UNRECORDED,
    event_hash,
    verify_chain,
)
from db.models import AuditEvent
from tests.factories import CAMPAIGN_NOW, advance, make_case, make_desk
from tests.tampering import lift_append_only_guard

EVENTS = AuditEvent.__table__
# What the `chain` fixture writes, in order.
CHAIN_ACTIONS = [
    "case_filed",
    "start_review",
    "refer_to_platform",
    "comment_added",
    "acknowledge",
    "case_filed",
]
LAST = len(CHAIN_ACTIONS)


@pytest.fixture
def chain(session: Session) -> Session:
    """A database whose audit chain holds the six events of CHAIN_ACTIONS (ids 1–6),
    all written by the services."""
    desk = make_desk(session)
    case = make_case(session, actor=desk.officer)
    case = advance(session, desk, case, Action.START_REVIEW, Action.REFER_TO_PLATFORM)
    add_comment(
        session=session,
        actor=desk.officer,
        case_id=case.id,
        body="Mohon ditindaklanjuti.",
        now=case.updated_at + timedelta(minutes=1),
    )
    advance(session, desk, case, Action.ACKNOWLEDGE, now=case.updated_at + timedelta(minutes=2))
    make_case(session, actor=desk.officer, now=CAMPAIGN_NOW + timedelta(hours=1))
    return session


def _row(session: Session, event_id: int) -> dict:
    return dict(session.execute(select(EVENTS).where(EVENTS.c.id == event_id)).mappings().one())


def _tamper(session: Session, *statements) -> None:
    """Change the database directly, as someone who owns the database could."""
    lift_append_only_guard(session)
    for statement in statements:
        session.execute(statement)
    session.commit()
    session.expire_all()


def without_id(row: dict) -> dict:
    return {k: v for k, v in row.items() if k != "id"}


def _report(session: Session):
    report = verify_chain(session)
    return (report.intact, report.events_checked, report.first_broken_id, report.problem)


def test_a_fresh_database_has_an_empty_intact_chain(session):
    assert _report(session) == (True, 0, None, None)


@pytest.mark.parametrize("batch_size", [1, 4, 5000])
def test_events_written_by_the_services_form_an_intact_chain(chain, batch_size):
    report = verify_chain(chain, batch_size=batch_size)
    actions = chain.execute(select(EVENTS.c.action).order_by(EVENTS.c.id)).scalars().all()

    assert (report.intact, report.events_checked) == (True, LAST)
    assert actions == CHAIN_ACTIONS


def test_each_event_carries_the_hash_of_the_one_before(chain):
    rows = chain.execute(select(EVENTS).order_by(EVENTS.c.id)).mappings().all()

    assert rows[0]["prev_hash"] == "0" * 64
    assert [r["prev_hash"] for r in rows[1:]] == [r["hash"] for r in rows[:-1]]
    assert len({r["hash"] for r in rows}) == LAST


@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("detail", {"reference": "PAN-2024-999999"}),
        ("action", "reject_case"),
        ("to_status", "closed"),
        ("from_status", "new"),
        ("actor_id", None),
        ("case_id", None),
        ("created_at", CAMPAIGN_NOW - timedelta(days=1)),
    ],
)
def test_changing_any_field_of_an_event_breaks_its_hash(chain, column, value):
    _tamper(chain, update(EVENTS).where(EVENTS.c.id == 3).values({column: value}))

    assert _report(chain) == (False, 2, 3, PROBLEM_HASH)


@pytest.mark.parametrize("batch_size", [2, 5000])
def test_deleting_a_middle_event_leaves_a_gap_before_the_next(chain, batch_size):
    _tamper(chain, delete(EVENTS).where(EVENTS.c.id == 3))

    report = verify_chain(chain, batch_size=batch_size)

    assert (report.intact, report.events_checked, report.first_broken_id, report.problem) == (
        False,
        2,
        4,
        PROBLEM_GAP,
    )


def test_deleting_the_first_event_leaves_a_gap_at_the_start(chain):
    _tamper(chain, delete(EVENTS).where(EVENTS.c.id == 1))

    assert _report(chain) == (False, 0, 2, PROBLEM_GAP)


def test_deleting_the_newest_event_is_found_through_the_chain_head(chain):
    _tamper(chain, delete(EVENTS).where(EVENTS.c.id == LAST))

    assert _report(chain) == (False, LAST - 1, LAST, PROBLEM_TAIL)


def test_deleting_every_event_is_found_through_the_chain_head(chain):
    _tamper(chain, delete(EVENTS))

    assert _report(chain) == (False, 0, 1, PROBLEM_TAIL)


def test_swapping_two_whole_events_breaks_the_link_at_the_first(chain):
    second, fourth = _row(chain, 2), _row(chain, 4)
    _tamper(
        chain,
        *(
            update(EVENTS).where(EVENTS.c.id == target).values(without_id(source))
            for target, source in ((2, fourth), (4, second))
        ),
    )

    assert _report(chain) == (False, 1, 2, PROBLEM_LINK)


def test_swapping_the_content_of_two_events_but_keeping_their_hashes_breaks_the_first(chain):
    content = ("case_id", "actor_id", "action", "from_status", "to_status", "detail")
    second, fourth = _row(chain, 2), _row(chain, 4)
    _tamper(
        chain,
        *(
            update(EVENTS).where(EVENTS.c.id == target).values({k: source[k] for k in content})
            for target, source in ((2, fourth), (4, second))
        ),
    )

    assert _report(chain) == (False, 1, 2, PROBLEM_HASH)


def _rehash(row: dict, **changes) -> dict:
    """`row` with `changes` and a hash recomputed to match, as a forger would."""
    row = {**row, **changes}
    row["hash"] = event_hash(
        event_id=row["id"],
        case_id=row["case_id"],
        actor_id=row["actor_id"],
        action=row["action"],
        from_status=row["from_status"],
        to_status=row["to_status"],
        detail=row["detail"],
        created_at=row["created_at"],
        prev_hash=row["prev_hash"],
    )
    return row


def test_a_rewritten_middle_event_with_a_recomputed_hash_breaks_the_next_link(chain):
    forged = _rehash(_row(chain, 3), detail={"note": "dirujuk kemudian"})
    _tamper(
        chain,
        update(EVENTS).where(EVENTS.c.id == 3).values(detail=forged["detail"], hash=forged["hash"]),
    )

    assert _report(chain) == (False, 3, 4, PROBLEM_LINK)


def test_a_rewritten_newest_event_with_a_recomputed_hash_is_located(chain):
    forged = _rehash(_row(chain, LAST), detail={"reference": "PAN-2024-999999"})
    _tamper(
        chain,
        update(EVENTS)
        .where(EVENTS.c.id == LAST)
        .values(detail=forged["detail"], hash=forged["hash"]),
    )

    assert _report(chain) == (False, LAST - 1, LAST, PROBLEM_NEWEST)


def test_an_event_appended_behind_the_services_back_is_located(chain):
    last = _row(chain, LAST)
    forged = _rehash(
        {**last, "id": LAST + 1, "prev_hash": last["hash"]}, action="close_case", detail={}
    )
    _tamper(chain, EVENTS.insert().values(forged))

    assert _report(chain) == (False, LAST, LAST + 1, PROBLEM_UNRECORDED)


def test_an_event_recorded_with_a_local_time_still_verifies(session):
    local_now = CAMPAIGN_NOW.astimezone(ZoneInfo("Asia/Jakarta"))
    make_case(session, now=local_now)

    assert _report(session) == (True, 1, None, None)


def test_a_session_kept_across_commits_chains_onto_the_current_head(engine):
    """Sessions here keep their objects after commit; the chain head must be re-read."""
    from sqlmodel import Session as PlainSession

    from casework.records.audit import record_event, verify_chain

    with PlainSession(engine, expire_on_commit=False) as long_lived:
        record_event(long_lived, action="first", actor_id=None)
        long_lived.commit()
        with PlainSession(engine) as other:
            record_event(other, action="elsewhere", actor_id=None)
            other.commit()
        record_event(long_lived, action="after", actor_id=None)
        long_lived.commit()
        report = verify_chain(long_lived)
    assert report.intact and report.events_checked == 3
