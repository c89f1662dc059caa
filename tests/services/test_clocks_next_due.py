"""The case's stored next deadline (`case_file.next_clock_due_at`, the queue's sort) is
kept in step with its running clocks by the clock service, in the action's own
transaction, through start, pause, answer, decision, and an administrator's recompute."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select

from casework.clocks import service
from casework.desk.workflow import Action as A
from db.models import Case, CaseClock
from tests.factories import advance, make_case, make_desk, reload


def _next_running_due(session, case):
    session.expire_all()
    dues = session.exec(
        select(CaseClock.due_at).where(CaseClock.case_id == case.id, CaseClock.stopped_at.is_(None))
    ).all()
    return min(dues, default=None)


@pytest.fixture
def desk(session):
    return make_desk(session)


def test_the_stored_next_deadline_follows_every_action_that_moves_a_clock(session, desk):
    case = make_case(session, actor=desk.officer)
    assert reload(session, case).next_clock_due_at is None
    seen = []
    for action in (
        A.START_REVIEW,
        A.REFER_TO_PLATFORM,
        A.ACKNOWLEDGE,
        A.REQUEST_INFORMATION,
        A.PROVIDE_INFORMATION,
        A.RECORD_DECISION,
    ):
        case = advance(session, desk, case, action, step=timedelta(hours=2))
        stored = reload(session, case).next_clock_due_at
        assert stored == _next_running_due(session, case), action
        seen.append(stored)
    # Referral started a clock, the answer after a pause moved it, the decision stopped it.
    assert seen[1] is not None and seen[4] > seen[1] and seen[-1] is None


def test_with_two_running_clocks_the_stored_deadline_is_the_earlier(session, desk):
    case = make_case(session, actor=desk.officer)
    case = advance(session, desk, case, A.START_REVIEW, A.REFER_TO_PLATFORM)
    agreed_due = reload(session, case).next_clock_due_at
    # A criminal finding starts the 1x24-hour forwarding clock to Gakkumdu.
    service.drive(
        session,
        reload(session, case),
        "approve_kajian",
        case.updated_at,
        detail={"violation_type": "pidana"},
    )
    session.commit()
    running = session.exec(
        select(CaseClock.due_at).where(CaseClock.case_id == case.id, CaseClock.stopped_at.is_(None))
    ).all()
    assert len(running) == 2
    assert reload(session, case).next_clock_due_at == min(running) == min(agreed_due, *running)


def test_storing_the_next_deadline_does_not_bump_the_cases_version(session, desk):
    case = make_case(session, actor=desk.officer)
    case = advance(session, desk, case, A.START_REVIEW)
    version = reload(session, case).version
    service.store_next_due(session, [case.id])
    session.commit()
    assert session.exec(select(Case.version).where(Case.id == case.id)).one() == version
