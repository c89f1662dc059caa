"""Every case action declared once.

An action is one `Action` value (casework/desk/workflow.py), its rows in the transition
table, and one `ActionSpec` here. The spec says what the action asks for (its text
inputs, with their labels and limits), what it does to the case (a pure function of the
case, the time, the platform's SLA policy loaded before the mutation, and the cleaned
inputs), which input becomes a shared comment, who is told, and which webhook event it
is. `take_action` is the one write path: it checks scope, version, state and role
through the transition table, applies the effect, writes the audit event, queues the
webhook, adds the comment and notifies, all in one unit of work (casework/uow.py).

An action moves one of two tracks. The takedown track moves `Case.status` through
`casework.desk.workflow.TRANSITIONS`; the statutory track (issue 17: kajian awal, kajian and
its approval, forwarding, Gakkumdu's outcome, forwarding up, concluding) moves
`Case.statutory_stage` through `casework.statutory.stages.STAGE_TRANSITIONS`. Either
way the step runs the same path here, and drives the case's clocks (casework.clocks) in
the same transaction, their changes carried in the action's audit event.

To add an action: a value in `Action`, its rows in its track's transition table, a label
in `ACTION_LABELS`, and a row in `SPECS`. The case page draws its form from the spec and
the registry tests (tests/unit/test_actions.py) hold the table honest."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlmodel import Session, select

from casework.capture.schedule import schedule_verification
from casework.clocks import breach
from casework.clocks import service as clock_service
from casework.desk import sla
from casework.desk.access import log_denied
from casework.desk.case_access import flush_or_stale, load_case
from casework.desk.schemas import DecisionIn
from casework.desk.validation import clean_decision, required_text
from casework.desk.workflow import STATUS_LABELS, Action, Status, find_transition
from casework.errors import InvalidTransition, PermissionDenied, StaleVersion, ValidationError
from casework.i18n import N_, Translatable
from casework.outbox.notifications import notify_case_parties, notify_platform, notify_regulator
from casework.outbox.webhooks import Event, case_event
from casework.people.actors import Actor
from casework.people.permissions import works_cases
from casework.records.audit import record_event
from casework.records.decision_signatures import verify_decision_signature
from casework.reference.taxonomy import sla_policy
from casework.settings import get_settings
from casework.statutory import steps
from casework.statutory.flow import MAX_TEXT
from casework.statutory.stages import STAGE_LABELS, find_stage_transition
from casework.uow import unit_of_work
from db.models import Case, CaseReport, CaseUrl, Comment, Decision, Evidence
from db.types import utcnow

# The longest free text an action takes (a reason, a question, an order, a note).
MAX_REASON = 4000

Values = Mapping[str, Any]
# (case as loaded, the time of the action, the platform's SLA policy, the cleaned
# inputs) → the case fields to set. Pure: no session, no clock, no I/O.
Effect = Callable[[Case, datetime, sla.SlaPolicy, Values], dict[str, Any]]
# Bespoke work before the case is loaded (checks that need the database), returning
# more values for the effect and the record step.
Prepare = Callable[[Session, Actor, int, Values], dict[str, Any]]
# Bespoke checks on the loaded case once scope, version, state and role have passed,
# before the mutation; they may read the database and return more values.
Check = Callable[[Session, Actor, Case, Values], dict[str, Any]]
# Bespoke rows written after the transition (a decision, a merge's moves).
Record = Callable[[Session, Actor, Case, Values], None]


@dataclass(frozen=True)
class ActionInput:
    """A free-text input of an action: the service's keyword, the form's label (a
    message id), whether it may be blank, and its longest length."""

    name: str
    label: str
    required: bool = True
    max_length: int = MAX_REASON

    def clean(self, value: str | None) -> str:
        if self.required:
            return required_text(value, self.name, self.max_length)
        return (value or "").strip()[: self.max_length]


class Track(StrEnum):
    """Which state an action moves, and through which transition table."""

    TAKEDOWN = "takedown"  # Case.status, casework.desk.workflow.TRANSITIONS
    STATUTORY = "statutory"  # Case.statutory_stage, casework.statutory.stages


class Recipients(StrEnum):
    PLATFORM = "platform"  # the liaisons of the platform's operator
    CASE_PARTIES = "case_parties"  # the case's officer (assignee, else filer), not the actor
    REGULATOR = "regulator"  # the regulator's liaisons


@dataclass(frozen=True)
class Notice:
    """Who hears of the action, with which notification kind."""

    kind: str
    to: Recipients


@dataclass(frozen=True)
class ActionSpec:
    action: Action
    inputs: tuple[ActionInput, ...] = ()
    track: Track = Track.TAKEDOWN
    effect: Effect | None = None
    # Load the platform's SLA policy (one read) before the effect runs.
    uses_policy: bool = False
    # The input whose (non-blank) text is also posted as a shared comment.
    shared_comment: str | None = None
    notice: Notice | None = None
    event: Event | None = None
    # Inputs that are not free text (drawn by a bespoke form on the case page).
    other_inputs: tuple[str, ...] = ()
    prepare: Prepare | None = None
    check: Check | None = None
    record: Record | None = None
    # The audit detail; by default every non-blank text input.
    detail: Callable[[Values], dict[str, Any]] | None = None

    def input(self, name: str) -> ActionInput:
        return next(i for i in self.inputs if i.name == name)

    @property
    def input_names(self) -> frozenset[str]:
        return frozenset(i.name for i in self.inputs) | frozenset(self.other_inputs)


# --- effects: pure functions of (case, at, policy, values) -------------------------------


def start_clock(case: Case, at: datetime, policy: sla.SlaPolicy, values: Values) -> dict:
    # A new referral (after a reopen) is a new round: earlier contests do not count
    # towards escalation.
    return {
        "referred_at": at,
        "sla_due_at": sla.due_at(at, case.priority, policy),
        "sla_paused_since": None,
        "sla_paused_seconds": 0,
        "acknowledged_at": None,
        "decided_at": None,
        "contest_count": 0,
    }


def reject(case: Case, at: datetime, policy: sla.SlaPolicy, values: Values) -> dict:
    return {"closed_at": at, "outcome": "rejected", "closing_note": values["reason"]}


def merge_into(case: Case, at: datetime, policy: sla.SlaPolicy, values: Values) -> dict:
    return {"merged_into_id": values["survivor"].id, "closed_at": at, "outcome": "merged"}


def stamp_acknowledged(case: Case, at: datetime, policy: sla.SlaPolicy, values: Values) -> dict:
    return {"acknowledged_at": case.acknowledged_at or at}


def pause_clock(case: Case, at: datetime, policy: sla.SlaPolicy, values: Values) -> dict:
    return {"sla_paused_since": at}


def resume_clock(case: Case, at: datetime, policy: sla.SlaPolicy, values: Values) -> dict:
    changes: dict[str, Any] = {"sla_paused_since": None}
    if case.sla_paused_since is not None and case.sla_due_at is not None:
        changes["sla_due_at"], changes["sla_paused_seconds"] = sla.resume(
            case.sla_due_at, case.sla_paused_since, case.sla_paused_seconds, at
        )
    return changes


def decide(case: Case, at: datetime, policy: sla.SlaPolicy, values: Values) -> dict:
    cleaned = values["cleaned"]
    decided_at = cleaned["decided_at"] or at
    if decided_at > at:
        raise ValidationError({"decided_at": N_("The decision time cannot be in the future.")})
    return {
        "acknowledged_at": case.acknowledged_at or decided_at,
        "decided_at": decided_at,
        "outcome": cleaned["decisions"][0],
    }


def reopen_clock(case: Case, at: datetime, policy: sla.SlaPolicy, values: Values) -> dict:
    # The platform gets a fresh deadline for the second look.
    return {
        "contest_count": case.contest_count + 1,
        "decided_at": None,
        "sla_due_at": sla.due_at(at, case.priority, policy),
        "sla_paused_since": None,
    }


ESCALATION_TOO_EARLY = N_("Escalation needs a missed deadline or a decision contested twice.")


def escalation_refusal(case: Case, now: datetime) -> str | None:
    """Why escalating `case` at `now` would be refused (a message id), or None. The
    spec's effect refuses with it; the case page shows the action disabled with it."""
    # The one definition of breached (casework.clocks.breach), over the case's columns.
    if not breach.legacy_breached(case, now) and case.contest_count < 2:
        return ESCALATION_TOO_EARLY
    return None


def check_escalation(case: Case, at: datetime, policy: sla.SlaPolicy, values: Values) -> dict:
    refusal = escalation_refusal(case, at)
    if refusal:
        raise InvalidTransition(refusal)
    return {"escalated_at": at}


def close(case: Case, at: datetime, policy: sla.SlaPolicy, values: Values) -> dict:
    return {"closed_at": at, "closing_note": values["note"] or None}


def reopen(case: Case, at: datetime, policy: sla.SlaPolicy, values: Values) -> dict:
    return {"closed_at": None, "outcome": None}


# --- bespoke steps: merging and deciding ------------------------------------------------


def _find_survivor(session: Session, actor: Actor, case_id: int, values: Values) -> dict:
    into_case_id = values["into_case_id"]
    if into_case_id == case_id:
        raise ValidationError({"into_case_id": N_("A case cannot be merged into itself.")})
    survivor = load_case(session=session, actor=actor, case_id=into_case_id, attempted="merge_case")
    if survivor.status == Status.MERGED:
        raise ValidationError(
            {"into_case_id": N_("That case was itself merged; choose the case it was merged into.")}
        )
    return {"survivor": survivor}


ACROSS_PLATFORMS = N_(
    "Cases on different platforms cannot be merged: each platform sees only its own "
    "conversation and evidence. Link them as related instead (file the report and link it)."
)


def _same_platform(session: Session, actor: Actor, case: Case, values: Values) -> dict:
    """A merge across platforms would hand one platform's shared conversation and
    evidence to the other's liaisons (issue 15); checked after the role check, so that
    whoever may not merge at all hears so."""
    if case.platform_code != values["survivor"].platform_code:
        raise ValidationError({"into_case_id": ACROSS_PLATFORMS})
    return {}


def _absorb(session: Session, actor: Actor, case: Case, values: Values) -> None:
    """The merged case's links, evidence, comments and reports move to the survivor."""
    survivor = values["survivor"]
    for model in (CaseUrl, Evidence, Comment, CaseReport):
        for row in session.exec(select(model).where(model.case_id == case.id)):
            row.case_id = survivor.id
            session.add(row)
    survivor.report_count += case.report_count
    survivor.updated_at = case.updated_at
    session.add(survivor)
    record_event(
        session,
        action="case_absorbed",
        actor_id=actor.user_id,
        case_id=survivor.id,
        detail={"merged": case.reference},
        at=case.updated_at,
    )


def _clean_decision(session: Session, actor: Actor, case_id: int, values: Values) -> dict:
    decision: DecisionIn = values["decision"]
    return {"cleaned": clean_decision(session, decision)}


def _puid_in_use(session: Session, platform_code: str, puid: str) -> bool:
    """Whether a decision on one of this platform's cases already has this PUID."""
    query = (
        select(Decision.id)
        .join(Case, Case.id == Decision.case_id)
        .where(Case.platform_code == platform_code, Decision.puid == puid)
    )
    return session.exec(query.limit(1)).first() is not None


def _check_decision(session: Session, actor: Actor, case: Case, values: Values) -> dict:
    """A signed decision's signature is verified (the audit event names the key), and a
    platform's PUID is used once."""
    verified = verify_decision_signature(
        session,
        actor=actor,
        case_reference=case.reference,
        case_version=case.version,
        decision=values["decision"],
    )
    signed = {}
    if verified is not None:
        signed = {
            "signed_key_id": verified.key_id,
            "signature": verified.signature,
            "signed_record": verified.signed_record,
        }
    cleaned = values["cleaned"]
    if cleaned["puid"] and _puid_in_use(session, case.platform_code, cleaned["puid"]):
        raise ValidationError({"puid": N_("This platform already sent a decision with this PUID.")})
    return {"signed": signed}


def _decision_detail(values: Values) -> dict:
    detail = {"decisions": values["cleaned"]["decisions"], "ground": values["cleaned"]["ground"]}
    if values["signed"]:
        detail["signed_key_id"] = values["signed"]["signed_key_id"]
    return detail


def _add_decision(session: Session, actor: Actor, case: Case, values: Values) -> None:
    """The decision row; a removal or a restriction queues a check that the content is
    gone (casework.capture)."""
    cleaned = dict(values["cleaned"], decided_at=case.decided_at)
    session.add(
        Decision(
            case_id=case.id,
            issued_by="platform",
            recorded_by_id=actor.user_id,
            created_at=case.updated_at,
            **cleaned,
            **values["signed"],
        )
    )
    schedule_verification(
        session,
        case,
        cleaned["decisions"],
        settings=values.get("settings") or get_settings(),
        now=case.updated_at,
    )


# --- the table --------------------------------------------------------------------------

_PLATFORM = Recipients.PLATFORM
_PARTIES = Recipients.CASE_PARTIES

SPECS: dict[Action, ActionSpec] = {
    spec.action: spec
    for spec in (
        ActionSpec(Action.START_REVIEW),
        ActionSpec(
            Action.REFER_TO_PLATFORM,
            inputs=(ActionInput("note", N_("Note to the platform (optional)"), required=False),),
            effect=start_clock,
            uses_policy=True,
            shared_comment="note",
            prepare=steps.may_refer("refer_to_platform"),
            notice=Notice("case_referred", _PLATFORM),
            event=Event.REFERRED,
        ),
        ActionSpec(
            Action.REJECT,
            inputs=(ActionInput("reason", N_("Why is this not a violation or out of scope?")),),
            effect=reject,
        ),
        ActionSpec(
            Action.MERGE,
            effect=merge_into,
            other_inputs=("into_case_id",),
            prepare=_find_survivor,
            check=_same_platform,
            record=_absorb,
            detail=lambda values: {"into": values["survivor"].reference},
        ),
        ActionSpec(
            Action.ACKNOWLEDGE,
            effect=stamp_acknowledged,
            notice=Notice("case_acknowledged", _PARTIES),
        ),
        ActionSpec(
            Action.REQUEST_INFORMATION,
            inputs=(ActionInput("question", N_("Your question to the officer")),),
            effect=pause_clock,
            shared_comment="question",
            notice=Notice("information_requested", _PARTIES),
            event=Event.INFORMATION_REQUESTED,
        ),
        ActionSpec(
            Action.PROVIDE_INFORMATION,
            inputs=(ActionInput("answer", N_("Your answer to the platform")),),
            effect=resume_clock,
            shared_comment="answer",
            notice=Notice("information_provided", _PLATFORM),
            event=Event.INFORMATION_ANSWERED,
        ),
        ActionSpec(
            Action.RECORD_DECISION,
            effect=decide,
            other_inputs=("decision", "settings"),
            prepare=_clean_decision,
            check=_check_decision,
            record=_add_decision,
            notice=Notice("decision_recorded", _PARTIES),
            event=Event.DECISION_RECORDED,
            detail=_decision_detail,
        ),
        ActionSpec(
            Action.CONTEST_DECISION,
            inputs=(ActionInput("reason", N_("Why do you contest the decision?")),),
            effect=reopen_clock,
            uses_policy=True,
            shared_comment="reason",
            notice=Notice("decision_contested", _PLATFORM),
        ),
        ActionSpec(
            Action.ESCALATE,
            inputs=(ActionInput("reason", N_("Why escalate to the regulator?")),),
            effect=check_escalation,
            notice=Notice("case_escalated", Recipients.REGULATOR),
        ),
        ActionSpec(
            Action.RECORD_REGULATOR_ORDER,
            inputs=(ActionInput("order", N_("The order issued")),),
            effect=steps.order_received,
            shared_comment="order",
            notice=Notice("regulator_order", _PLATFORM),
            # Komdigi's order on its request comes with its letter (the statutory panel).
            other_inputs=("mendesak", "order_number", "order_date", "note"),
            prepare=steps.clean_order,
            check=steps.find_order_request,
            record=steps.record_order,
            detail=steps.order_detail,
        ),
        ActionSpec(
            Action.CLOSE,
            inputs=(ActionInput("note", N_("Closing note (optional)"), required=False),),
            effect=close,
            event=Event.CLOSED,
        ),
        ActionSpec(
            Action.REOPEN,
            inputs=(ActionInput("reason", N_("Why reopen?")),),
            effect=reopen,
        ),
        ActionSpec(Action.RESUME_REVIEW),
        # Komdigi as a channel (issue 17), on the takedown track.
        ActionSpec(
            Action.REQUEST_KOMDIGI,
            inputs=(
                ActionInput("recommendation", N_("Recommendation"), False, MAX_TEXT),
                ActionInput("addressee", N_("Addressee (optional)"), False, 300),
            ),
            effect=steps.stamp_escalated,
            other_inputs=("language",),
            prepare=steps.clean_komdigi_request,
            record=steps.add_forwarding,
            notice=Notice("case_escalated", Recipients.REGULATOR),
            detail=lambda values: {},
        ),
        ActionSpec(
            Action.KOMDIGI_CRITERIA_NOT_MET,
            inputs=(ActionInput("reason", N_("Reason")),),
            shared_comment="reason",
            check=steps.find_komdigi_request,
            record=steps.komdigi_answer("criteria_not_met", "reason"),
        ),
        ActionSpec(
            Action.KOMDIGI_REQUEST_INFORMATION,
            inputs=(ActionInput("question", N_("Your question to the officer")),),
            shared_comment="question",
            check=steps.find_komdigi_request,
            record=steps.komdigi_answer("information_requested", "question"),
            detail=lambda values: {"reason": values["question"]},
        ),
        # The statutory track (issue 17): rows of casework.statutory.stages.
        ActionSpec(
            Action.REGISTER_LAPORAN,
            inputs=(ActionInput("note", N_("Note (optional)"), required=False),),
            track=Track.STATUTORY,
            record=steps.record_registered,
        ),
        ActionSpec(
            Action.DECLINE_REGISTRATION,
            inputs=(ActionInput("reason", N_("Reason")),),
            track=Track.STATUTORY,
            record=steps.record_not_registered,
        ),
        ActionSpec(
            Action.DRAFT_KAJIAN,
            inputs=(
                ActionInput("facts", N_("Facts"), True, MAX_TEXT),
                ActionInput("analysis", N_("Analysis"), True, MAX_TEXT),
                ActionInput("recommendation", N_("Recommendation"), False, MAX_TEXT),
            ),
            track=Track.STATUTORY,
            other_inputs=("conclusion", "violation_kind", "legal_ground_ids"),
            prepare=steps.clean_kajian,
            record=steps.write_draft,
            detail=steps.kajian_detail,
        ),
        ActionSpec(
            Action.APPROVE_KAJIAN,
            track=Track.STATUTORY,
            check=steps.find_draft,
            record=steps.approve_draft,
            detail=steps.approval_detail,
        ),
        ActionSpec(
            Action.RETURN_KAJIAN,
            inputs=(ActionInput("reason", N_("Reason")),),
            track=Track.STATUTORY,
            record=steps.return_draft,
        ),
        ActionSpec(
            Action.FORWARD_CASE,
            inputs=(
                ActionInput("addressee", N_("Addressee (optional)"), False, 300),
                ActionInput("recommendation", N_("Recommendation"), False, MAX_TEXT),
            ),
            track=Track.STATUTORY,
            effect=steps.to_komdigi,
            other_inputs=("body", "language"),
            prepare=steps.clean_forwarding,
            check=steps.komdigi_move,
            record=steps.add_forwarding,
            detail=steps.forwarding_detail,
        ),
        ActionSpec(
            Action.RECORD_GAKKUMDU_OUTCOME,
            inputs=(ActionInput("note", N_("Note (optional)"), required=False),),
            track=Track.STATUTORY,
            other_inputs=("forwarding_id", "outcome"),
            prepare=steps.clean_outcome,
            check=steps.find_gakkumdu_forwarding,
            record=steps.record_outcome,
            detail=steps.outcome_detail,
        ),
        ActionSpec(
            Action.FORWARD_UP,
            inputs=(ActionInput("note", N_("Note (optional)"), required=False),),
            track=Track.STATUTORY,
            effect=steps.move_up,
            check=steps.find_parent_office,
            detail=steps.forward_up_detail,
        ),
        ActionSpec(
            Action.CONCLUDE_HANDLING,
            inputs=(ActionInput("note", N_("Note (optional)"), required=False),),
            track=Track.STATUTORY,
        ),
    )
}

# The lifecycle actions that are webhook events.
ACTION_EVENTS: dict[Action, Event] = {a: s.event for a, s in SPECS.items() if s.event}


def spec_of(action: Action | str) -> ActionSpec:
    return SPECS[Action(action)]


# --- the one write path -----------------------------------------------------------------


def take_action(
    *,
    session: Session,
    actor: Actor,
    case_id: int,
    version: int,
    action: Action | str,
    now: datetime | None = None,
    **inputs: Any,
) -> Case:
    """Take `action` on a case for `actor`, who last saw it at `version`, inside the
    caller's unit of work (or one of its own). Inputs are the spec's, by keyword. A
    refused call changes nothing."""
    spec = spec_of(action)
    unknown = set(inputs) - spec.input_names
    if unknown:
        raise TypeError(f"{spec.action} takes no input {sorted(unknown)}")
    with unit_of_work(session):
        return _take(session, actor, case_id, version, spec, inputs, now or utcnow())


def _take(
    session: Session,
    actor: Actor,
    case_id: int,
    version: int,
    spec: ActionSpec,
    inputs: dict[str, Any],
    now: datetime,
) -> Case:
    values: dict[str, Any] = {i.name: i.clean(inputs.get(i.name)) for i in spec.inputs}
    values.update({name: inputs[name] for name in spec.other_inputs if name in inputs})
    if spec.prepare is not None:
        values.update(spec.prepare(session, actor, case_id, values))
    case = _transition(session, actor, case_id, version, spec, values, now)
    if spec.shared_comment and values[spec.shared_comment]:
        session.add(
            Comment(
                case_id=case.id,
                author_id=actor.user_id,
                organisation_id=actor.organisation_id,
                visibility="shared",
                body=values[spec.shared_comment],
                created_at=case.updated_at,
            )
        )
    if spec.record is not None:
        spec.record(session, actor, case, values)
    if spec.notice is not None:
        _notify(session, actor, case, spec.notice)
    return case


def _transition(
    session: Session,
    actor: Actor,
    case_id: int,
    version: int,
    spec: ActionSpec,
    values: dict[str, Any],
    now: datetime,
) -> Case:
    action = spec.action
    case = load_case(session=session, actor=actor, case_id=case_id, attempted=str(action))
    # The version first: someone acting on a page drawn before another's change must
    # hear "it changed", not a puzzling "not possible in this state".
    if case.version != version:
        raise StaleVersion()
    statutory = spec.track == Track.STATUTORY
    if statutory:
        transition = find_stage_transition(case.statutory_stage, action)
        if transition is None:
            label = STAGE_LABELS.get(case.statutory_stage, N_("Other change"))
            raise InvalidTransition(status=Translatable(label))
        # The statutory track is the supervisory body's own work.
        allowed = actor.role in transition.roles and works_cases(actor)
    else:
        transition = find_transition(case.status, action)
        if transition is None:
            raise InvalidTransition(status=Translatable(STATUS_LABELS[Status(case.status)]))
        allowed = actor.role in transition.roles
    if not allowed:
        log_denied(actor, str(action), case_id=case_id)
        raise PermissionDenied()
    if spec.check is not None:
        values.update(spec.check(session, actor, case, values))
    policy = sla_policy(session, case.platform_code) if spec.uses_policy else sla.SlaPolicy()
    changes = spec.effect(case, now, policy, values) if spec.effect is not None else {}
    source = case.statutory_stage if statutory else case.status
    # One flush per action, so the version moves by exactly one.
    with session.no_autoflush:
        if statutory:
            case.statutory_stage = transition.target
        else:
            case.status = transition.target
        case.updated_at = now
        for field, value in changes.items():
            setattr(case, field, value)
    session.add(case)
    flush_or_stale(session)
    if spec.detail is not None:
        detail = spec.detail(values)
    else:
        detail = {i.name: values[i.name] for i in spec.inputs if values[i.name]}
    if statutory:
        detail = {"from_stage": source, "to_stage": transition.target, **detail}
    # Every deadline the action starts, pauses, resumes or stops (issue 18), in its event.
    clocks = clock_service.drive(session, case, str(action), now, detail=detail)
    if clocks:
        detail["clocks"] = clocks
    record_event(
        session,
        action=action,
        actor_id=actor.user_id,
        case_id=case.id,
        from_status=None if statutory else source,
        to_status=None if statutory else transition.target,
        detail=detail,
        at=now,
    )
    # Webhooks go out through an outbox row in this same transaction: never a wait.
    if spec.event is not None:
        case_event(session, case, spec.event, at=now)
    return case


def _notify(session: Session, actor: Actor, case: Case, notice: Notice) -> None:
    if notice.to == Recipients.PLATFORM:
        notify_platform(session, case, kind=notice.kind)
    elif notice.to == Recipients.CASE_PARTIES:
        notify_case_parties(session, case, kind=notice.kind, exclude=actor.user_id)
    else:
        notify_regulator(session, case)
