"""The statutory track's queue views: kajian awaiting approval, registration due,
forwarding due, awaiting Komdigi. Each is a list of cases in the actor's scope."""

from __future__ import annotations

from sqlmodel import Session, select

from casework.desk.workflow import Status
from casework.errors import ValidationError
from casework.i18n import N_
from casework.people.actors import Actor, case_scope
from casework.statutory.stages import Stage
from db.models import Case, Forwarding

VIEWS = {
    "kajian_awaiting_approval": N_("Review awaiting approval"),
    "registration_due": N_("Registration due"),
    "forwarding_due": N_("Forwarding due"),
    "awaiting_komdigi": N_("Awaiting Komdigi"),
}


def statutory_queue(*, session: Session, actor: Actor, view: str, limit: int = 200) -> list[Case]:
    """The cases of one statutory view, oldest change first (the most overdue on top)."""
    if view not in VIEWS:
        raise ValidationError({"view": N_("Choose a value from the list.")})
    query = select(Case).where(case_scope(actor))
    if view == "kajian_awaiting_approval":
        query = query.where(Case.statutory_stage == Stage.KAJIAN_DRAFTED)
    elif view == "registration_due":
        query = query.where(Case.statutory_stage == Stage.AWAITING_REGISTRATION)
    elif view == "forwarding_due":
        query = query.where(Case.statutory_stage == Stage.KAJIAN_APPROVED)
    else:
        waiting = select(Forwarding.case_id).where(
            Forwarding.body == "komdigi",
            Forwarding.response.in_(("pending", "information_requested")),
        )
        query = query.where(Case.status == Status.ESCALATED, Case.id.in_(waiting))
    return list(session.exec(query.order_by(Case.updated_at, Case.id).limit(limit)))
