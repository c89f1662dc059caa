"""Who works a case and how urgent it is: assignment and priority. Edits, not
transitions, but checked, versioned and audited the same way."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.orm.exc import StaleDataError
from sqlmodel import Session, select

from casework.desk import sla
from casework.desk.access import log_denied
from casework.desk.case_access import load_case
from casework.desk.workflow import OPEN_STATUSES, STATUS_LABELS, Status
from casework.errors import InvalidTransition, PermissionDenied, StaleVersion, ValidationError
from casework.i18n import N_, Translatable
from casework.outbox.notifications import notify_users
from casework.people.actors import Actor, actor_for, case_scope
from casework.people.permissions import may_assign, require
from casework.people.roles import OrgKind, Role
from casework.records.audit import record_event
from casework.reference.taxonomy import sla_policy
from casework.uow import service
from db.engine import begin_write
from db.models import Case, Organisation, User
from db.types import utcnow

CASEWORKERS = (Role.OFFICER, Role.LEAD)


def _load_open(session: Session, actor: Actor, case_id: int, version: int, attempted: str) -> Case:
    require(actor, may_assign, attempted, case_id=case_id)
    begin_write(session)
    case = load_case(session=session, actor=actor, case_id=case_id, attempted=attempted)
    if case.version != version:
        raise StaleVersion()
    if case.status not in OPEN_STATUSES:
        raise InvalidTransition(status=Translatable(STATUS_LABELS[Status(case.status)]))
    return case


def _save(session: Session, case: Case) -> None:
    session.add(case)
    try:
        session.flush()
    except StaleDataError as error:
        session.rollback()
        raise StaleVersion() from error


def assignable_users(*, session: Session, actor: Actor) -> list[User]:
    """The officers and leads `actor` may hand work to: anyone in the supervisory body
    for a national lead, their own office for a regional lead, only themselves for an
    officer."""
    if not may_assign(actor):
        return []
    query = select(User).where(User.active, User.role.in_(CASEWORKERS)).order_by(User.display_name)
    if actor.role == Role.OFFICER:
        query = query.where(User.id == actor.user_id)
    elif actor.is_national:
        supervisory = select(Organisation.id).where(
            Organisation.kind == OrgKind.SUPERVISORY, Organisation.active
        )
        query = query.where(User.organisation_id.in_(supervisory))
    else:
        query = query.where(User.organisation_id == actor.organisation_id)
    return list(session.exec(query))


@service
def assign_case(
    *,
    session: Session,
    actor: Actor,
    case_id: int,
    version: int,
    assignee_id: int | None,
    now: datetime | None = None,
) -> Case:
    """Give the case to an officer or lead (None leaves it unassigned). Leads assign
    anyone whose scope holds the case; an officer takes a case for themselves."""
    now = now or utcnow()
    case = _load_open(session, actor, case_id, version, "assign_case")
    if actor.role == Role.OFFICER and assignee_id not in (actor.user_id, None):
        log_denied(actor, "assign_case", case_id=case_id)
        raise PermissionDenied()
    if assignee_id is not None:
        if assignee_id not in {u.id for u in assignable_users(session=session, actor=actor)}:
            raise ValidationError({"assignee": N_("This person cannot take cases.")})
        assignee = actor_for(session, assignee_id)
        in_scope = session.exec(select(Case.id).where(Case.id == case.id, case_scope(assignee)))
        if in_scope.first() is None:
            raise ValidationError({"assignee": N_("This case is outside that person's region.")})
    if case.assignee_id == assignee_id:
        return case
    previous = case.assignee_id
    case.assignee_id = assignee_id
    case.updated_at = now
    _save(session, case)
    record_event(
        session,
        action="case_assigned",
        actor_id=actor.user_id,
        case_id=case.id,
        at=now,
        detail={"assignee_id": assignee_id, "previous_assignee_id": previous},
    )
    if assignee_id is not None and assignee_id != actor.user_id:
        notify_users(session, {assignee_id}, case, kind="case_assigned")
    return case


@service
def set_priority(
    *,
    session: Session,
    actor: Actor,
    case_id: int,
    version: int,
    priority: str,
    now: datetime | None = None,
) -> Case:
    """Change the priority. While the platform's clock runs, the deadline moves by the
    difference between the two priorities' hours, so time already spent still counts."""
    if priority not in {p.value for p in sla.Priority}:
        raise ValidationError({"priority": N_("Choose urgent or normal.")})
    now = now or utcnow()
    case = _load_open(session, actor, case_id, version, "set_priority")
    if case.priority == priority:
        return case
    previous, previous_due = case.priority, case.sla_due_at
    if case.sla_due_at is not None and case.decided_at is None:
        policy = sla_policy(session, case.platform_code)
        shift = policy.hours_for(priority) - policy.hours_for(case.priority)
        case.sla_due_at = case.sla_due_at + timedelta(hours=shift)
    case.priority = priority
    case.updated_at = now
    _save(session, case)
    detail = {"priority": priority, "previous_priority": previous}
    if previous_due != case.sla_due_at:
        detail["sla_due_at"] = case.sla_due_at.isoformat()
    record_event(
        session,
        action="priority_changed",
        actor_id=actor.user_id,
        case_id=case.id,
        at=now,
        detail=detail,
    )
    return case
