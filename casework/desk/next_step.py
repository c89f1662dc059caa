"""What the top of the case page asks of its viewer: the platform's open question or
its latest decision, the one step expected next from the viewer's role, and the
actions the viewer may see but that the service would refuse right now (with why).

Pure functions over the case and its parts, so the rules are testable without a UI."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from casework.desk.cases import escalation_refusal
from casework.desk.workflow import Action, Status
from casework.i18n import N_

# The step each role is expected to take next, in order of preference: the first one
# the viewer may take (and that would not be refused) is offered at the top of the page.
# Rejecting, merging, asking a question or contesting are choices, never "the" next step.
NEXT_STEP_ORDER = (
    Action.PROVIDE_INFORMATION,
    Action.ACKNOWLEDGE,
    Action.RECORD_DECISION,
    Action.START_REVIEW,
    Action.RESUME_REVIEW,
    Action.REFER_TO_PLATFORM,
    Action.RECORD_REGULATOR_ORDER,
    Action.CLOSE,
    Action.ESCALATE,
)

# Who holds the case when the viewer has nothing to do.
WAITING_FOR = {
    Status.NEW: N_("Waiting for the supervisory body's review."),
    Status.IN_REVIEW: N_("Waiting for the supervisory body's review."),
    Status.REOPENED: N_("Waiting for the supervisory body's review."),
    Status.SENT: N_("Waiting for the platform's decision."),
    Status.ACKNOWLEDGED: N_("Waiting for the platform's decision."),
    Status.CONTESTED: N_("Waiting for the platform's answer to the objection."),
    Status.INFO_REQUESTED: N_("Waiting for the supervisory body's answer to the platform."),
    Status.DECIDED: N_("Waiting for the supervisory body to accept or contest the decision."),
    Status.ESCALATED: N_("Waiting for the regulator's order."),
    Status.CLOSED: N_("The case is closed. Nothing is needed from you."),
    Status.REJECTED: N_("The case was rejected. Nothing is needed from you."),
    Status.MERGED: N_("The case was merged into another. Nothing is needed from you."),
}


@dataclass(frozen=True)
class NextStep:
    """The "Needs your action" panel of one case for one viewer."""

    primary: Action | None  # the step offered with its form; None: nothing for the viewer
    waiting_for: str | None  # message id: who holds the case, when the viewer does not
    question: str | None = None  # the platform's open question, while it waits for an answer
    question_at: datetime | None = None
    refused: dict[Action, str] = field(default_factory=dict)  # action → why (message id)


def refused_actions(case, actions: list[Action], now: datetime) -> dict[Action, str]:
    """The actions among `actions` that the service would refuse at `now`, each with
    the message it would refuse with."""
    refused: dict[Action, str] = {}
    if Action.ESCALATE in actions:
        reason = escalation_refusal(case, now)
        if reason:
            refused[Action.ESCALATE] = reason
    return refused


def next_step(case, actions: list[Action], timeline, now: datetime) -> NextStep:
    """The panel for a viewer who may take `actions` on `case` (its `timeline` oldest
    first, as the viewer may see it)."""
    refused = refused_actions(case, actions, now)
    open_to_viewer = [a for a in actions if a not in refused]
    primary = next((a for a in NEXT_STEP_ORDER if a in open_to_viewer), None)
    question = question_at = None
    if case.status == Status.INFO_REQUESTED:
        for entry in reversed(timeline):
            if entry.kind == "event" and entry.action == Action.REQUEST_INFORMATION:
                question = (entry.detail or {}).get("question")
                question_at = entry.at
                break
    return NextStep(
        primary=primary,
        waiting_for=None if primary else WAITING_FOR.get(Status(case.status)),
        question=question,
        question_at=question_at,
        refused=refused,
    )
