"""The statutory track's one transition step (the stage table, the case version, the
audit event) and the hierarchy rule, shared by the kajian and forwarding services."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy.orm.exc import StaleDataError
from sqlmodel import Session, select

from casework.access import log_denied
from casework.actors import Actor
from casework.audit import record_event
from casework.cases import load_case
from casework.clocks import service as clock_service
from casework.errors import InvalidTransition, PermissionDenied, StaleVersion, ValidationError
from casework.i18n import N_, Translatable
from casework.roles import OrgKind
from casework.statutory.rules import rule
from casework.statutory.stages import STAGE_LABELS, Stage, find_stage_transition
from casework.text import multi_line
from casework.workflow import Action
from db.engine import begin_write
from db.models import Case, Organisation, User
from db.types import utcnow

MAX_TEXT = 20_000


def stage_transition(
    session: Session,
    actor: Actor,
    case_id: int,
    version: int,
    action: Action,
    *,
    now: datetime | None,
    detail: dict[str, Any] | None = None,
    mutate: Callable[[Case, datetime], None] | None = None,
) -> Case:
    """Move the case's statutory stage by `action`, checking scope, version, the stage
    table and the role, in one flush; write the audit event. The caller commits."""
    now = now or utcnow()
    begin_write(session)
    case = load_case(session=session, actor=actor, case_id=case_id, attempted=str(action))
    if case.version != version:
        raise StaleVersion()
    transition = find_stage_transition(case.statutory_stage, action)
    if transition is None:
        label = STAGE_LABELS.get(case.statutory_stage, N_("Other change"))
        raise InvalidTransition(status=Translatable(label))
    if actor.role not in transition.roles or actor.organisation_kind != OrgKind.SUPERVISORY:
        log_denied(actor, str(action), case_id=case_id)
        raise PermissionDenied()
    source = case.statutory_stage
    with session.no_autoflush:
        case.statutory_stage = transition.target
        case.updated_at = now
        if mutate is not None:
            mutate(case, now)
    session.add(case)
    try:
        session.flush()
    except StaleDataError as error:
        session.rollback()
        raise StaleVersion() from error
    detail = {"from_stage": source, "to_stage": transition.target, **(detail or {})}
    # The deadlines this step starts or stops (issue 18), in the step's own event.
    clocks = clock_service.drive(session, case, str(action), now, detail=detail)
    if clocks:
        detail["clocks"] = clocks
    record_event(
        session,
        action=str(action),
        actor_id=actor.user_id,
        case_id=case.id,
        detail=detail,
        at=now,
    )
    return case


def commit(session: Session) -> None:
    try:
        session.commit()
    except StaleDataError as error:
        session.rollback()
        raise StaleVersion() from error


def check_may_refer(session: Session, actor: Actor, attempted: str, case_id=None) -> None:
    """With the hierarchy rule on, only designated national staff refer to platforms and
    Komdigi; regional offices forward up instead."""
    if not rule(session, "hierarchy_forward_up"):
        return
    user = session.get(User, actor.user_id)
    if not (actor.is_national and user is not None and user.designated_referrer):
        log_denied(actor, attempted, case_id=case_id)
        raise PermissionDenied(N_("Only designated national staff refer; forward the case up."))


def parent_office(session: Session, office: Organisation) -> Organisation | None:
    """The office above `office`: regency → province → Bawaslu RI (None above it)."""
    if office.region_code is None:
        return None
    parent_region = office.region_code.split(".")[0] if "." in office.region_code else None
    query = select(Organisation).where(
        Organisation.kind == OrgKind.SUPERVISORY,
        Organisation.active,
        Organisation.region_code.is_(None)
        if parent_region is None
        else Organisation.region_code == parent_region,
    )
    parent = session.exec(query.order_by(Organisation.id)).first()
    if parent is None and parent_region is not None:
        # No provincial office on file: the case goes to the national office.
        return session.exec(
            select(Organisation)
            .where(
                Organisation.kind == OrgKind.SUPERVISORY,
                Organisation.active,
                Organisation.region_code.is_(None),
            )
            .order_by(Organisation.id)
        ).first()
    return parent


def handling_office(session: Session, case: Case) -> Organisation:
    return session.get(
        Organisation, case.handling_organisation_id or case.reporting_organisation_id
    )


def clean_text(value: str | None, field: str, *, required: bool, limit: int = MAX_TEXT) -> str:
    text = multi_line(value).strip()
    if required and not text:
        raise ValidationError({field: N_("This field is required.")})
    if len(text) > limit:
        raise ValidationError({field: N_("This text is too long.")})
    return text


ALL_STAGES = tuple(Stage)
