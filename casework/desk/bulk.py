"""One action on many cases at once, for leads and officers working the queue.

Each case goes through the same service a single click would call, in its own
transaction, with the version the user saw in the queue: every change is audited like
any other, and a case that cannot take the action is reported with the reason instead
of being skipped in silence."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from sqlmodel import Session, select

from casework.desk.assignment import assign_case, set_priority
from casework.desk.cases import merge_case, refer_to_platform, reject_case, start_review
from casework.desk.workflow import ACTION_LABELS, AWAITING_PLATFORM, TRANSITIONS, Action, Status
from casework.errors import (
    DomainError,
    InvalidTransition,
    PermissionDenied,
    StaleVersion,
    ValidationError,
)
from casework.i18n import N_, Translatable
from casework.people.actors import Actor, case_scope
from casework.people.permissions import works_cases
from casework.people.roles import Role
from db.models import Case

MAX_BULK = 200


class BulkAction(StrEnum):
    START_REVIEW = "start_review"
    ASSIGN = "assign"
    REFER = "refer"
    SET_PRIORITY = "set_priority"
    CLOSE_DUPLICATE = "close_duplicate"
    CLOSE_OUT_OF_SCOPE = "close_out_of_scope"


BULK_LABELS = {
    BulkAction.START_REVIEW: N_("Start review"),
    BulkAction.ASSIGN: N_("Assign"),
    BulkAction.REFER: N_("Refer to platform"),
    BulkAction.SET_PRIORITY: N_("Set priority"),
    BulkAction.CLOSE_DUPLICATE: N_("Close as duplicate"),
    BulkAction.CLOSE_OUT_OF_SCOPE: N_("Close as out of scope"),
}


# The lifecycle action behind each bulk action that moves a case.
LIFECYCLE_ACTIONS = {
    BulkAction.START_REVIEW: Action.START_REVIEW,
    BulkAction.REFER: Action.REFER_TO_PLATFORM,
    BulkAction.CLOSE_DUPLICATE: Action.MERGE,
    BulkAction.CLOSE_OUT_OF_SCOPE: Action.REJECT,
}

FIRST_STEP = N_("First: {step}.")
WITH_THE_PLATFORM = N_("The case is with the platform now; open it to follow it up.")
NOTHING_LEFT = N_("The case has already gone past this step.")
RELOAD = N_("Reload the queue and try again.")


@dataclass
class BulkResult:
    done: list[str] = field(default_factory=list)
    # (reference, the refusal) for each case that could not take the action
    refused: list[tuple[str, DomainError]] = field(default_factory=list)
    # reference → (message id, parameters): what to do so that the case can take it
    next_steps: dict[str, tuple[str, dict]] = field(default_factory=dict)


def next_step_for(action: BulkAction, status: str, role: Role) -> tuple[str, dict]:
    """What to do first so that a case in `status` can take `action`: the first action
    on the shortest way there that `role` may take (a new case needs its review started
    before it can be referred), else why there is none. The table is the workflow's."""
    wanted = LIFECYCLE_ACTIONS.get(action)
    if wanted is None:
        return NOTHING_LEFT, {}
    seen = {Status(status)}
    frontier: list[tuple[Status, Action | None]] = [(Status(status), None)]
    # Two steps at most: further back (close, reopen, resume, refer) is not a next step.
    for _depth in range(2):
        following = []
        for state, first in frontier:
            for step in TRANSITIONS:
                if step.source != state or role not in step.roles:
                    continue
                if step.action == wanted:
                    if first is None:
                        return RELOAD, {}
                    return FIRST_STEP, {"step": Translatable(ACTION_LABELS[first])}
                if step.target not in seen:
                    seen.add(step.target)
                    following.append((step.target, first or step.action))
        frontier = following
    if Status(status) in AWAITING_PLATFORM or status == Status.INFO_REQUESTED:
        return WITH_THE_PLATFORM, {}
    return NOTHING_LEFT, {}


def bulk_actions_for(actor: Actor) -> list[BulkAction]:
    """What `actor` may apply in bulk; merging stays with leads, as one by one."""
    if not works_cases(actor):
        return []
    actions = list(BulkAction)
    if actor.role != Role.LEAD:
        actions.remove(BulkAction.CLOSE_DUPLICATE)
    return actions


def find_by_reference(*, session: Session, actor: Actor, reference: str) -> Case | None:
    """A case the actor may see, by its exact reference."""
    reference = (reference or "").strip().upper()
    if not reference:
        return None
    return session.exec(select(Case).where(Case.reference == reference, case_scope(actor))).first()


def apply_bulk(
    *,
    session: Session,
    actor: Actor,
    action: BulkAction | str,
    versions: dict[int, int],
    assignee_id: int | None = None,
    priority: str | None = None,
    note: str = "",
    reason: str = "",
    into_reference: str = "",
) -> BulkResult:
    """Apply `action` to each case in `versions` (case id → the version the user saw)."""
    action = BulkAction(action)
    if action not in bulk_actions_for(actor):
        raise PermissionDenied()
    if not versions:
        raise ValidationError({"cases": N_("Select at least one case.")})
    if len(versions) > MAX_BULK:
        raise ValidationError({"cases": N_("Select at most 200 cases at once.")})
    survivor = None
    if action == BulkAction.CLOSE_DUPLICATE:
        survivor = find_by_reference(session=session, actor=actor, reference=into_reference)
        session.rollback()
        if survivor is None:
            raise ValidationError(
                {"into_reference": N_("No case with that reference is available to you.")}
            )
    if action == BulkAction.CLOSE_OUT_OF_SCOPE and not (reason or "").strip():
        raise ValidationError({"reason": N_("Give a reason.")})

    def run(case_id: int, version: int) -> Case:
        common = {"session": session, "actor": actor, "case_id": case_id, "version": version}
        if action == BulkAction.START_REVIEW:
            return start_review(**common)
        if action == BulkAction.ASSIGN:
            return assign_case(**common, assignee_id=assignee_id)
        if action == BulkAction.SET_PRIORITY:
            return set_priority(**common, priority=priority or "")
        if action == BulkAction.REFER:
            return refer_to_platform(**common, note=note)
        if action == BulkAction.CLOSE_DUPLICATE:
            return merge_case(**common, into_case_id=survivor.id)
        return reject_case(**common, reason=reason)

    known = {
        row.id: (row.reference, row.status)
        for row in session.exec(
            select(Case.id, Case.reference, Case.status).where(
                Case.id.in_(list(versions)), case_scope(actor)
            )
        ).all()
    }
    session.rollback()
    result = BulkResult()
    for case_id, version in versions.items():
        reference, status = known.get(case_id, (f"#{case_id}", None))
        try:
            case = run(case_id, version)
        except DomainError as error:
            session.rollback()
            result.refused.append((reference, error))
            if isinstance(error, StaleVersion):
                result.next_steps[reference] = (RELOAD, {})
            elif isinstance(error, InvalidTransition) and status is not None:
                result.next_steps[reference] = next_step_for(action, status, Role(actor.role))
            continue
        result.done.append(case.reference)
    return result
