"""The kajian awal (registration of a laporan) and the kajian (facts, analysis,
conclusion, violation kind, legal grounds, recommendation): drafted by an officer,
approved by a lead. Each service is a one-liner over `casework.desk.actions.take_action`:
the steps are spec rows there, with their rows in the stage table
(casework/statutory/stages.py) and their bespoke parts in casework/statutory/steps.py."""

from __future__ import annotations

from sqlmodel import Session

from casework.desk.actions import take_action
from casework.desk.workflow import Action
from casework.people.actors import Actor
from casework.statutory.steps import (  # noqa: F401  (re-exported)
    CHOOSE,
    CONCLUSION_LABELS,
    CONCLUSIONS,
    VIOLATION_KIND_LABELS,
    VIOLATION_KINDS,
    case_kajian,
)
from casework.uow import service
from db.models import Case, Kajian


def register_laporan(
    *, session: Session, actor: Actor, case_id: int, version: int, note: str = "", now=None
) -> Case:
    """The kajian awal finds the laporan's formal and material requirements met: it is
    diregistrasi and the kajian begins."""
    return take_action(
        session=session,
        actor=actor,
        case_id=case_id,
        version=version,
        action=Action.REGISTER_LAPORAN,
        now=now,
        note=note,
    )


def decline_registration(
    *, session: Session, actor: Actor, case_id: int, version: int, reason: str, now=None
) -> Case:
    """The kajian awal finds the laporan short of its requirements: tidak diregistrasi,
    with the reason (it is announced)."""
    return take_action(
        session=session,
        actor=actor,
        case_id=case_id,
        version=version,
        action=Action.DECLINE_REGISTRATION,
        now=now,
        reason=reason,
    )


@service
def draft_kajian(
    *,
    session: Session,
    actor: Actor,
    case_id: int,
    version: int,
    facts: str,
    analysis: str,
    conclusion: str,
    violation_kind: str,
    legal_ground_ids: list[int] | None = None,
    recommendation: str = "",
    now=None,
) -> Kajian:
    """An officer writes (or rewrites) the kajian; it then awaits a lead's approval."""
    case = take_action(
        session=session,
        actor=actor,
        case_id=case_id,
        version=version,
        action=Action.DRAFT_KAJIAN,
        now=now,
        facts=facts,
        analysis=analysis,
        conclusion=conclusion,
        violation_kind=violation_kind,
        legal_ground_ids=legal_ground_ids or [],
        recommendation=recommendation,
    )
    return case_kajian(session, case.id)


@service
def approve_kajian(
    *, session: Session, actor: Actor, case_id: int, version: int, now=None
) -> Kajian:
    """A lead approves the drafted kajian (the pleno's decision); only then may letters
    go out. The audit event names the approver."""
    case = take_action(
        session=session,
        actor=actor,
        case_id=case_id,
        version=version,
        action=Action.APPROVE_KAJIAN,
        now=now,
    )
    return case_kajian(session, case.id)


def return_kajian(
    *, session: Session, actor: Actor, case_id: int, version: int, reason: str, now=None
) -> Case:
    """A lead sends the draft back to the officer with a reason."""
    return take_action(
        session=session,
        actor=actor,
        case_id=case_id,
        version=version,
        action=Action.RETURN_KAJIAN,
        now=now,
        reason=reason,
    )
