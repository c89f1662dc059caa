"""The case lifecycle as one explicit table: (from-state, action) → to-state, and who
may do it. Services consult it; nothing else decides what is allowed."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from casework.i18n import N_
from casework.people.roles import Role


class Status(StrEnum):
    NEW = "new"
    IN_REVIEW = "in_review"
    SENT = "sent"
    ACKNOWLEDGED = "acknowledged"
    INFO_REQUESTED = "info_requested"
    DECIDED = "decided"
    CONTESTED = "contested"
    ESCALATED = "escalated"
    CLOSED = "closed"
    REJECTED = "rejected"
    MERGED = "merged"
    REOPENED = "reopened"


class Action(StrEnum):
    START_REVIEW = "start_review"
    REFER_TO_PLATFORM = "refer_to_platform"
    REJECT = "reject_case"
    MERGE = "merge_case"
    ACKNOWLEDGE = "acknowledge"
    REQUEST_INFORMATION = "request_information"
    PROVIDE_INFORMATION = "provide_information"
    RECORD_DECISION = "record_decision"
    CONTEST_DECISION = "contest_decision"
    ESCALATE = "escalate_to_regulator"
    RECORD_REGULATOR_ORDER = "record_regulator_order"
    CLOSE = "close_case"
    REOPEN = "reopen_case"
    RESUME_REVIEW = "resume_review"
    # Komdigi as a channel (issue 17): a request for pemutusan akses from review, beside
    # or instead of the direct referral; Komdigi's answers.
    REQUEST_KOMDIGI = "request_komdigi"
    KOMDIGI_CRITERIA_NOT_MET = "komdigi_criteria_not_met"
    KOMDIGI_REQUEST_INFORMATION = "komdigi_request_information"
    # The statutory track (casework/statutory/stages.py holds its own table).
    REGISTER_LAPORAN = "register_laporan"
    DECLINE_REGISTRATION = "decline_registration"
    DRAFT_KAJIAN = "draft_kajian"
    APPROVE_KAJIAN = "approve_kajian"
    RETURN_KAJIAN = "return_kajian"
    FORWARD_CASE = "forward_case"
    RECORD_GAKKUMDU_OUTCOME = "record_gakkumdu_outcome"
    FORWARD_UP = "forward_up"
    CONCLUDE_HANDLING = "conclude_handling"


STATUS_LABELS = {
    Status.NEW: N_("New"),
    Status.IN_REVIEW: N_("In review"),
    Status.SENT: N_("Sent to platform"),
    Status.ACKNOWLEDGED: N_("Acknowledged"),
    Status.INFO_REQUESTED: N_("Information requested"),
    Status.DECIDED: N_("Decided"),
    Status.CONTESTED: N_("Contested"),
    Status.ESCALATED: N_("Escalated to regulator"),
    Status.CLOSED: N_("Closed"),
    Status.REJECTED: N_("Rejected"),
    Status.MERGED: N_("Merged"),
    Status.REOPENED: N_("Reopened"),
}

ACTION_LABELS = {
    Action.START_REVIEW: N_("Start review"),
    Action.REFER_TO_PLATFORM: N_("Refer to platform"),
    Action.REJECT: N_("Reject"),
    Action.MERGE: N_("Merge into another case"),
    Action.ACKNOWLEDGE: N_("Acknowledge"),
    Action.REQUEST_INFORMATION: N_("Request information"),
    Action.PROVIDE_INFORMATION: N_("Provide information"),
    Action.RECORD_DECISION: N_("Record decision"),
    Action.CONTEST_DECISION: N_("Contest decision"),
    Action.ESCALATE: N_("Escalate to regulator"),
    Action.RECORD_REGULATOR_ORDER: N_("Record regulator order"),
    Action.CLOSE: N_("Close"),
    Action.REOPEN: N_("Reopen"),
    Action.RESUME_REVIEW: N_("Resume review"),
    Action.REQUEST_KOMDIGI: N_("Request Komdigi"),
    Action.KOMDIGI_CRITERIA_NOT_MET: N_("Does not meet the criteria"),
    Action.KOMDIGI_REQUEST_INFORMATION: N_("Komdigi requests information"),
    Action.REGISTER_LAPORAN: N_("Register the report"),
    Action.DECLINE_REGISTRATION: N_("Do not register the report"),
    Action.DRAFT_KAJIAN: N_("Draft the review"),
    Action.APPROVE_KAJIAN: N_("Approve the review"),
    Action.RETURN_KAJIAN: N_("Return the review"),
    Action.FORWARD_CASE: N_("Forward"),
    Action.RECORD_GAKKUMDU_OUTCOME: N_("Record Gakkumdu outcome"),
    Action.FORWARD_UP: N_("Forward up"),
    Action.CONCLUDE_HANDLING: N_("Conclude handling"),
}

# Actions of the statutory track: their rows live in casework.statutory.stages.
STATUTORY_ACTIONS = frozenset(
    {
        Action.REGISTER_LAPORAN,
        Action.DECLINE_REGISTRATION,
        Action.DRAFT_KAJIAN,
        Action.APPROVE_KAJIAN,
        Action.RETURN_KAJIAN,
        Action.FORWARD_CASE,
        Action.RECORD_GAKKUMDU_OUTCOME,
        Action.FORWARD_UP,
        Action.CONCLUDE_HANDLING,
    }
)

TERMINAL = frozenset({Status.MERGED})
# Closed and rejected are final unless reopened: they still have a way out.
OPEN_STATUSES = frozenset(Status) - {Status.CLOSED, Status.REJECTED, Status.MERGED}
# While the platform holds the case its SLA clock runs (paused in info_requested).
AWAITING_PLATFORM = frozenset({Status.SENT, Status.ACKNOWLEDGED, Status.CONTESTED})

_SUPERVISORY = frozenset({Role.OFFICER, Role.LEAD})
_LEAD = frozenset({Role.LEAD})
_LIAISON = frozenset({Role.LIAISON})
_REGULATOR = frozenset({Role.REGULATOR})


@dataclass(frozen=True)
class Transition:
    source: Status
    action: Action
    target: Status
    roles: frozenset[Role]


def _t(sources: tuple[Status, ...], action: Action, target: Status, roles) -> list[Transition]:
    return [Transition(source, action, target, roles) for source in sources]


TRANSITIONS: tuple[Transition, ...] = tuple(
    _t((Status.NEW,), Action.START_REVIEW, Status.IN_REVIEW, _SUPERVISORY)
    + _t((Status.IN_REVIEW,), Action.REFER_TO_PLATFORM, Status.SENT, _SUPERVISORY)
    + _t((Status.NEW, Status.IN_REVIEW), Action.REJECT, Status.REJECTED, _SUPERVISORY)
    + _t((Status.NEW, Status.IN_REVIEW), Action.MERGE, Status.MERGED, _LEAD)
    + _t((Status.SENT, Status.CONTESTED), Action.ACKNOWLEDGE, Status.ACKNOWLEDGED, _LIAISON)
    + _t((Status.ACKNOWLEDGED,), Action.REQUEST_INFORMATION, Status.INFO_REQUESTED, _LIAISON)
    + _t((Status.INFO_REQUESTED,), Action.PROVIDE_INFORMATION, Status.ACKNOWLEDGED, _SUPERVISORY)
    # A platform may decide without a separate acknowledgement; the decision implies it.
    + _t((Status.SENT, Status.ACKNOWLEDGED), Action.RECORD_DECISION, Status.DECIDED, _LIAISON)
    # The platform acting on a regulator's order ends the escalation with a decision.
    + _t((Status.ESCALATED,), Action.RECORD_DECISION, Status.DECIDED, _LIAISON)
    + _t((Status.DECIDED,), Action.CONTEST_DECISION, Status.CONTESTED, _SUPERVISORY)
    + _t(
        (Status.SENT, Status.ACKNOWLEDGED, Status.INFO_REQUESTED, Status.CONTESTED),
        Action.ESCALATE,
        Status.ESCALATED,
        _LEAD,
    )
    + _t((Status.ESCALATED,), Action.RECORD_REGULATOR_ORDER, Status.ESCALATED, _REGULATOR)
    # Komdigi as a channel: from review instead of the referral, or beside a referral
    # already with the platform. The case then waits on Komdigi (escalated).
    + _t(
        (
            Status.IN_REVIEW,
            Status.SENT,
            Status.ACKNOWLEDGED,
            Status.INFO_REQUESTED,
            Status.CONTESTED,
        ),
        Action.REQUEST_KOMDIGI,
        Status.ESCALATED,
        _SUPERVISORY,
    )
    # Komdigi finds the request short of its criteria: the case is back in review.
    + _t((Status.ESCALATED,), Action.KOMDIGI_CRITERIA_NOT_MET, Status.IN_REVIEW, _REGULATOR)
    + _t((Status.ESCALATED,), Action.KOMDIGI_REQUEST_INFORMATION, Status.ESCALATED, _REGULATOR)
    + _t((Status.DECIDED, Status.ESCALATED), Action.CLOSE, Status.CLOSED, _SUPERVISORY)
    + _t((Status.CLOSED, Status.REJECTED), Action.REOPEN, Status.REOPENED, _SUPERVISORY)
    + _t((Status.REOPENED,), Action.RESUME_REVIEW, Status.IN_REVIEW, _SUPERVISORY)
)

_BY_KEY = {(t.source, t.action): t for t in TRANSITIONS}


def find_transition(source: Status | str, action: Action | str) -> Transition | None:
    """The transition `action` makes from `source`, or None when there is none."""
    try:
        return _BY_KEY.get((Status(source), Action(action)))
    except ValueError:
        return None


def allowed_actions(source: Status | str, role: Role | str) -> list[Action]:
    """The actions `role` may take on a case in `source`, in table order."""
    return [t.action for t in TRANSITIONS if t.source == source and role in t.roles]


def statuses_with_exit() -> set[Status]:
    return {t.source for t in TRANSITIONS if t.target != t.source}
