"""Assignment, priority and bulk actions: checked, versioned and audited per case."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select

from casework.desk.assignment import assign_case, assignable_users, set_priority
from casework.desk.bulk import (
    FIRST_STEP,
    NOTHING_LEFT,
    WITH_THE_PLATFORM,
    BulkAction,
    apply_bulk,
    bulk_actions_for,
    next_step_for,
)
from casework.desk.workflow import Action
from casework.errors import (
    CaseNotFound,
    InvalidTransition,
    PermissionDenied,
    StaleVersion,
    ValidationError,
)
from casework.people.roles import Role
from casework.records.audit import verify_chain
from db.models import AuditEvent, Notification
from tests.factories import advance, make_actor, make_case, reload

A = Action


def _events(session, case_id: int) -> list[str]:
    query = select(AuditEvent.action).where(AuditEvent.case_id == case_id)
    return list(session.exec(query.order_by(AuditEvent.id)))


# --- assignment ------------------------------------------------------------------------


def test_a_lead_assigns_a_case_the_assignee_is_notified_and_it_is_audited(session, desk):
    case = make_case(session, actor=desk.officer)
    before = case.version
    done = assign_case(
        session=session,
        actor=desk.lead,
        case_id=case.id,
        version=before,
        assignee_id=desk.officer.user_id,
    )
    assert done.assignee_id == desk.officer.user_id
    assert done.version == before + 1
    assert _events(session, case.id)[-1] == "case_assigned"
    notes = session.exec(select(Notification).where(Notification.kind == "case_assigned")).all()
    assert [n.user_id for n in notes] == [desk.officer.user_id]
    assert verify_chain(session).intact


def test_an_officer_may_take_a_case_but_not_hand_it_to_someone_else(session, desk):
    case = make_case(session, actor=desk.officer)
    with pytest.raises(PermissionDenied):
        assign_case(
            session=session,
            actor=desk.officer,
            case_id=case.id,
            version=case.version,
            assignee_id=desk.lead.user_id,
        )
    taken = assign_case(
        session=session,
        actor=desk.officer,
        case_id=case.id,
        version=case.version,
        assignee_id=desk.officer.user_id,
    )
    assert taken.assignee_id == desk.officer.user_id
    # Taking one's own case tells nobody.
    assert (
        session.exec(select(Notification).where(Notification.kind == "case_assigned")).all() == []
    )


def test_a_case_cannot_go_to_someone_whose_region_does_not_hold_it(session, desk):
    case = make_case(session, actor=desk.officer, province_code="32", regency_code="32.01")
    east = make_actor(session, role=Role.OFFICER, region_code="35")
    assert east.user_id in {u.id for u in assignable_users(session=session, actor=desk.lead)}
    with pytest.raises(ValidationError) as refused:
        assign_case(
            session=session,
            actor=desk.lead,
            case_id=case.id,
            version=case.version,
            assignee_id=east.user_id,
        )
    assert "assignee" in refused.value.field_errors
    assert reload(session, case).assignee_id is None


@pytest.mark.parametrize("role", [Role.LIAISON, Role.REGULATOR, Role.OBSERVER, Role.ADMIN])
def test_nobody_outside_the_casework_assigns_or_sets_priority(session, desk, role):
    case = make_case(session, actor=desk.officer)
    advance(session, desk, case, A.START_REVIEW, A.REFER_TO_PLATFORM)
    case = reload(session, case)
    outsider = desk.liaison if role == Role.LIAISON else make_actor(session, role=role)
    with pytest.raises(PermissionDenied):
        assign_case(
            session=session, actor=outsider, case_id=case.id, version=case.version, assignee_id=None
        )
    with pytest.raises(PermissionDenied):
        set_priority(
            session=session,
            actor=outsider,
            case_id=case.id,
            version=case.version,
            priority="urgent",
        )
    assert reload(session, case).version == case.version


def test_a_stale_assignment_is_refused(session, desk):
    case = make_case(session, actor=desk.officer)
    seen = case.version
    advance(session, desk, case, A.START_REVIEW)
    with pytest.raises(StaleVersion):
        assign_case(
            session=session,
            actor=desk.lead,
            case_id=case.id,
            version=seen,
            assignee_id=desk.lead.user_id,
        )
    assert reload(session, case).assignee_id is None


# --- priority --------------------------------------------------------------------------


def test_raising_the_priority_of_a_referred_case_moves_its_deadline_by_the_difference(
    session, desk
):
    case = make_case(session, actor=desk.officer)
    case = advance(session, desk, case, A.START_REVIEW, A.REFER_TO_PLATFORM)
    due = case.sla_due_at
    urgent = set_priority(
        session=session,
        actor=desk.officer,
        case_id=case.id,
        version=case.version,
        priority="urgent",
    )
    assert urgent.priority == "urgent"
    assert urgent.sla_due_at == due - timedelta(hours=20)  # 24 h → 4 h
    event = session.exec(
        select(AuditEvent).where(AuditEvent.case_id == case.id).order_by(AuditEvent.id.desc())
    ).first()
    assert event.action == "priority_changed"
    assert event.detail["previous_priority"] == "normal"


def test_priority_on_a_case_not_yet_referred_sets_no_deadline(session, desk):
    case = make_case(session, actor=desk.officer)
    done = set_priority(
        session=session,
        actor=desk.officer,
        case_id=case.id,
        version=case.version,
        priority="urgent",
    )
    assert done.priority == "urgent" and done.sla_due_at is None


def test_an_unknown_priority_or_a_closed_case_is_refused(session, desk):
    case = make_case(session, actor=desk.officer)
    with pytest.raises(ValidationError):
        set_priority(
            session=session, actor=desk.officer, case_id=case.id, version=case.version, priority="x"
        )
    closed = advance(session, desk, case, A.START_REVIEW, A.REJECT)
    with pytest.raises(InvalidTransition):
        set_priority(
            session=session,
            actor=desk.officer,
            case_id=closed.id,
            version=closed.version,
            priority="urgent",
        )


# --- bulk ------------------------------------------------------------------------------


def test_bulk_refer_acts_on_each_case_and_lists_those_that_cannot_take_it(session, desk):
    ready = [advance(session, desk, make_case(session, actor=desk.officer), A.START_REVIEW)]
    ready.append(advance(session, desk, make_case(session, actor=desk.officer), A.START_REVIEW))
    fresh = make_case(session, actor=desk.officer)  # still new: cannot be referred yet
    versions = {c.id: c.version for c in [*ready, fresh]}
    result = apply_bulk(
        session=session, actor=desk.officer, action=BulkAction.REFER, versions=versions
    )
    assert sorted(result.done) == sorted(c.reference for c in ready)
    assert [(ref, type(err)) for ref, err in result.refused] == [
        (fresh.reference, InvalidTransition)
    ]
    for case in ready:
        assert reload(session, case).status == "sent"
        assert _events(session, case.id)[-1] == "refer_to_platform"
    assert reload(session, fresh).status == "new"
    assert verify_chain(session).intact


def test_bulk_uses_the_versions_the_user_saw_so_a_changed_case_is_refused(session, desk):
    first = make_case(session, actor=desk.officer)
    second = make_case(session, actor=desk.officer)
    seen = {first.id: first.version, second.id: second.version}
    advance(session, desk, second, A.START_REVIEW)  # someone else moves it meanwhile
    result = apply_bulk(
        session=session,
        actor=desk.lead,
        action=BulkAction.SET_PRIORITY,
        versions=seen,
        priority="urgent",
    )
    assert result.done == [first.reference]
    assert [(ref, type(err)) for ref, err in result.refused] == [(second.reference, StaleVersion)]
    assert reload(session, second).priority == "normal"


def test_bulk_close_as_duplicate_merges_into_the_named_case(session, desk):
    keep = make_case(session, actor=desk.officer)
    copies = [make_case(session, actor=desk.officer) for _ in range(2)]
    result = apply_bulk(
        session=session,
        actor=desk.lead,
        action=BulkAction.CLOSE_DUPLICATE,
        versions={c.id: c.version for c in copies},
        into_reference=keep.reference.lower(),
    )
    assert sorted(result.done) == sorted(c.reference for c in copies)
    assert reload(session, keep).report_count == 3
    for copy in copies:
        assert reload(session, copy).merged_into_id == keep.id


def test_bulk_close_as_out_of_scope_needs_a_reason_and_records_it(session, desk):
    cases = [make_case(session, actor=desk.officer) for _ in range(2)]
    versions = {c.id: c.version for c in cases}
    with pytest.raises(ValidationError):
        apply_bulk(
            session=session,
            actor=desk.officer,
            action=BulkAction.CLOSE_OUT_OF_SCOPE,
            versions=versions,
            reason="  ",
        )
    result = apply_bulk(
        session=session,
        actor=desk.officer,
        action=BulkAction.CLOSE_OUT_OF_SCOPE,
        versions=versions,
        reason="Bukan konten pemilu.",
    )
    assert len(result.done) == 2
    assert {reload(session, c).status for c in cases} == {"rejected"}


def test_bulk_assign_by_a_lead_notifies_the_assignee_once_per_case(session, desk):
    cases = [make_case(session, actor=desk.officer) for _ in range(3)]
    result = apply_bulk(
        session=session,
        actor=desk.lead,
        action=BulkAction.ASSIGN,
        versions={c.id: c.version for c in cases},
        assignee_id=desk.officer.user_id,
    )
    assert len(result.done) == 3
    notes = session.exec(
        select(Notification).where(Notification.user_id == desk.officer.user_id)
    ).all()
    assert sorted(n.case_id for n in notes if n.kind == "case_assigned") == sorted(
        c.id for c in cases
    )


def test_a_case_outside_the_scope_is_refused_without_naming_it(session, desk):
    regional = make_actor(session, role=Role.OFFICER, region_code="35")
    outside = make_case(session, actor=desk.officer, province_code="32", regency_code="32.01")
    result = apply_bulk(
        session=session,
        actor=regional,
        action=BulkAction.SET_PRIORITY,
        versions={outside.id: outside.version},
        priority="urgent",
    )
    assert result.done == []
    [(shown, error)] = result.refused
    assert shown == f"#{outside.id}" and isinstance(error, CaseNotFound)


def test_who_may_use_which_bulk_action(session, desk):
    assert BulkAction.CLOSE_DUPLICATE in bulk_actions_for(desk.lead)
    assert BulkAction.CLOSE_DUPLICATE not in bulk_actions_for(desk.officer)
    assert bulk_actions_for(desk.liaison) == []
    with pytest.raises(PermissionDenied):
        apply_bulk(
            session=session,
            actor=desk.liaison,
            action=BulkAction.REFER,
            versions={1: 1},
        )
    with pytest.raises(ValidationError):
        apply_bulk(session=session, actor=desk.lead, action=BulkAction.REFER, versions={})


def test_nothing_changes_when_the_surviving_case_of_a_merge_is_unknown(session, desk):
    copy = make_case(session, actor=desk.officer)
    with pytest.raises(ValidationError):
        apply_bulk(
            session=session,
            actor=desk.lead,
            action=BulkAction.CLOSE_DUPLICATE,
            versions={copy.id: copy.version},
            into_reference="PAN-1999-999999",
        )
    assert reload(session, copy).status == "new"


# --- bulk start review and next steps (issue 13) ---------------------------------------


def test_bulk_start_review_takes_new_and_imported_cases_into_review(session, desk):
    fresh = [make_case(session, actor=desk.officer) for _ in range(2)]
    reviewed = advance(session, desk, make_case(session, actor=desk.officer), A.START_REVIEW)
    versions = {c.id: c.version for c in [*fresh, reviewed]}
    result = apply_bulk(
        session=session, actor=desk.officer, action=BulkAction.START_REVIEW, versions=versions
    )
    assert sorted(result.done) == sorted(c.reference for c in fresh)
    assert all(reload(session, c).status == "in_review" for c in fresh)
    assert _events(session, fresh[0].id)[-1] == "start_review"
    assert [ref for ref, _ in result.refused] == [reviewed.reference]
    assert result.next_steps[reviewed.reference] == (NOTHING_LEFT, {})


def test_a_bulk_referral_of_a_new_case_says_to_start_its_review_first(session, desk):
    fresh = make_case(session, actor=desk.officer)
    result = apply_bulk(
        session=session,
        actor=desk.officer,
        action=BulkAction.REFER,
        versions={fresh.id: fresh.version},
    )
    message, params = result.next_steps[fresh.reference]
    assert message == FIRST_STEP
    assert message.format(**params) == "First: Start review."


@pytest.mark.parametrize(
    ("action", "status", "expected"),
    [
        (BulkAction.REFER, "new", "First: Start review."),
        (BulkAction.REFER, "reopened", "First: Resume review."),
        (BulkAction.REFER, "sent", WITH_THE_PLATFORM),
        (BulkAction.REFER, "closed", NOTHING_LEFT),
        (BulkAction.START_REVIEW, "in_review", NOTHING_LEFT),
        (BulkAction.CLOSE_OUT_OF_SCOPE, "acknowledged", WITH_THE_PLATFORM),
        (BulkAction.SET_PRIORITY, "closed", NOTHING_LEFT),
    ],
)
def test_each_bulk_refusal_names_the_next_step(action, status, expected):
    message, params = next_step_for(action, status, Role.OFFICER)
    assert message.format(**params) == expected
