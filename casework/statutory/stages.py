"""The statutory track as one explicit table, in the style of `casework.desk.workflow`:
(from-stage, action) → to-stage, and who may do it. The takedown status machine is
untouched; a case carries both `status` (takedown) and `statutory_stage` (this track)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from casework.desk.workflow import Action
from casework.i18n import N_
from casework.people.roles import Role


class IntakeType(StrEnum):
    TEMUAN = "temuan"
    LAPORAN = "laporan"


INTAKE_TYPE_LABELS = {
    IntakeType.TEMUAN: N_("Finding (temuan)"),
    IntakeType.LAPORAN: N_("Report (laporan)"),
}


class Stage(StrEnum):
    AWAITING_REGISTRATION = "awaiting_registration"  # a laporan before its kajian awal
    NOT_REGISTERED = "not_registered"
    IN_KAJIAN = "in_kajian"  # a registered laporan or a temuan
    KAJIAN_DRAFTED = "kajian_drafted"  # awaiting the lead's approval
    KAJIAN_APPROVED = "kajian_approved"  # letters may go out
    FORWARDED = "forwarded"
    CONCLUDED = "concluded"


STAGE_LABELS = {
    Stage.AWAITING_REGISTRATION: N_("Awaiting preliminary review"),
    Stage.NOT_REGISTERED: N_("Not registered"),
    Stage.IN_KAJIAN: N_("In review (kajian)"),
    Stage.KAJIAN_DRAFTED: N_("Review awaiting approval"),
    Stage.KAJIAN_APPROVED: N_("Review approved"),
    Stage.FORWARDED: N_("Forwarded"),
    Stage.CONCLUDED: N_("Handling concluded"),
}

TERMINAL_STAGES = frozenset({Stage.NOT_REGISTERED, Stage.CONCLUDED})

_SUPERVISORY = frozenset({Role.OFFICER, Role.LEAD})
_LEAD = frozenset({Role.LEAD})


@dataclass(frozen=True)
class StageTransition:
    source: Stage
    action: Action
    target: Stage
    roles: frozenset[Role]


def _t(sources: tuple[Stage, ...], action: Action, target: Stage | None, roles):
    """Rows for each source; a target of None keeps the stage (a self-transition)."""
    return [StageTransition(s, action, target or s, roles) for s in sources]


_BEFORE_FORWARDING = (
    Stage.AWAITING_REGISTRATION,
    Stage.IN_KAJIAN,
    Stage.KAJIAN_DRAFTED,
    Stage.KAJIAN_APPROVED,
)

STAGE_TRANSITIONS: tuple[StageTransition, ...] = tuple(
    _t((Stage.AWAITING_REGISTRATION,), Action.REGISTER_LAPORAN, Stage.IN_KAJIAN, _SUPERVISORY)
    + _t(
        (Stage.AWAITING_REGISTRATION,),
        Action.DECLINE_REGISTRATION,
        Stage.NOT_REGISTERED,
        _SUPERVISORY,
    )
    # An officer drafts; a redraft replaces the draft. A lead's draft still needs approval.
    + _t(
        (Stage.IN_KAJIAN, Stage.KAJIAN_DRAFTED),
        Action.DRAFT_KAJIAN,
        Stage.KAJIAN_DRAFTED,
        _SUPERVISORY,
    )
    + _t((Stage.KAJIAN_DRAFTED,), Action.APPROVE_KAJIAN, Stage.KAJIAN_APPROVED, _LEAD)
    + _t((Stage.KAJIAN_DRAFTED,), Action.RETURN_KAJIAN, Stage.IN_KAJIAN, _LEAD)
    # Nothing is sent out before the leadership approved the kajian.
    + _t(
        (Stage.KAJIAN_APPROVED, Stage.FORWARDED), Action.FORWARD_CASE, Stage.FORWARDED, _SUPERVISORY
    )
    + _t((Stage.FORWARDED,), Action.RECORD_GAKKUMDU_OUTCOME, None, _SUPERVISORY)
    # Forwarding up the hierarchy keeps the stage and the history; only the office moves.
    + _t(_BEFORE_FORWARDING, Action.FORWARD_UP, None, _SUPERVISORY)
    + _t(
        (Stage.KAJIAN_APPROVED, Stage.FORWARDED),
        Action.CONCLUDE_HANDLING,
        Stage.CONCLUDED,
        _SUPERVISORY,
    )
)

_BY_KEY = {(t.source, t.action): t for t in STAGE_TRANSITIONS}


def find_stage_transition(source: Stage | str | None, action: Action | str):
    """The transition `action` makes from stage `source`, or None when there is none."""
    try:
        return _BY_KEY.get((Stage(source), Action(action)))
    except ValueError:
        return None


def allowed_stage_actions(source: Stage | str | None, role: Role | str) -> list[Action]:
    """The statutory actions `role` may take on a case in stage `source`, in table order."""
    return [t.action for t in STAGE_TRANSITIONS if t.source == source and role in t.roles]


def initial_stage(intake_type: IntakeType | str) -> Stage:
    """A laporan waits for its kajian awal; a temuan is handled from the start."""
    if IntakeType(intake_type) == IntakeType.LAPORAN:
        return Stage.AWAITING_REGISTRATION
    return Stage.IN_KAJIAN


# Audit events of the statutory track that are not actions (actions are logged under
# their own value, e.g. `approve_kajian`).
EVENT_LABELS = {
    "letter_issued": N_("Letter issued"),
    "statutory_rules_changed": N_("Statutory rules changed"),
    "letter_template_replaced": N_("Letter template replaced"),
    "letter_numbering_changed": N_("Letter numbering changed"),
    "status_announcement_exported": N_("Status announcement exported"),
    "berkas_exported": N_("Case file for Gakkumdu exported"),
}
