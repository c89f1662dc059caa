"""The "Needs your action" panel: the step each role is expected to take, the
platform's open question, and the actions shown but refused right now."""

from __future__ import annotations

from datetime import timedelta

from casework.desk.case_view import load_case_view
from casework.desk.cases import ESCALATION_TOO_EARLY
from casework.desk.next_step import WAITING_FOR
from casework.desk.workflow import Action, Status
from tests.factories import CAMPAIGN_NOW, advance, make_case, make_desk


def _case_at(session, desk, *actions):
    case = make_case(session, actor=desk.officer, now=CAMPAIGN_NOW)
    return advance(session, desk, case, *actions, now=CAMPAIGN_NOW + timedelta(minutes=1))


def test_the_officer_is_asked_to_answer_the_platforms_open_question(session):
    desk = make_desk(session)
    case = _case_at(
        session,
        desk,
        Action.START_REVIEW,
        Action.REFER_TO_PLATFORM,
        Action.ACKNOWLEDGE,
        Action.REQUEST_INFORMATION,
    )
    view = load_case_view(session=session, actor=desk.officer, case_id=case.id, now=case.updated_at)
    assert view.next_step.primary == Action.PROVIDE_INFORMATION
    assert view.next_step.question == "Kapan konten ini diunggah?"


def test_the_liaison_is_told_who_holds_the_case_while_it_waits_for_an_answer(session):
    desk = make_desk(session)
    case = _case_at(
        session,
        desk,
        Action.START_REVIEW,
        Action.REFER_TO_PLATFORM,
        Action.ACKNOWLEDGE,
        Action.REQUEST_INFORMATION,
    )
    view = load_case_view(session=session, actor=desk.liaison, case_id=case.id, now=case.updated_at)
    assert view.next_step.primary is None
    assert view.next_step.waiting_for == WAITING_FOR[Status.INFO_REQUESTED]
    assert view.next_step.question == "Kapan konten ini diunggah?"


def test_a_liaison_is_asked_to_acknowledge_a_case_just_sent(session):
    desk = make_desk(session)
    case = _case_at(session, desk, Action.START_REVIEW, Action.REFER_TO_PLATFORM)
    view = load_case_view(session=session, actor=desk.liaison, case_id=case.id, now=case.updated_at)
    assert view.next_step.primary == Action.ACKNOWLEDGE


def test_escalation_before_the_deadline_is_missed_is_shown_refused_with_the_reason(session):
    desk = make_desk(session)
    case = _case_at(session, desk, Action.START_REVIEW, Action.REFER_TO_PLATFORM)
    view = load_case_view(session=session, actor=desk.lead, case_id=case.id, now=case.updated_at)
    assert Action.ESCALATE in view.actions
    assert view.next_step.refused == {Action.ESCALATE: ESCALATION_TOO_EARLY}
    assert view.next_step.primary != Action.ESCALATE


def test_escalation_after_the_deadline_is_missed_is_open_and_offered(session):
    desk = make_desk(session)
    case = _case_at(session, desk, Action.START_REVIEW, Action.REFER_TO_PLATFORM)
    late = case.sla_due_at + timedelta(hours=1)
    view = load_case_view(session=session, actor=desk.lead, case_id=case.id, now=late)
    assert view.next_step.refused == {}
    assert view.next_step.primary == Action.ESCALATE
