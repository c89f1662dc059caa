"""Penerusan: forwarding an approved kajian to Komdigi, Sentra Gakkumdu, DKPP, KPU, BKN
or another named body, each with a numbered letter; Komdigi as a channel from review
(beside or instead of the direct referral) and its liaison's answers; Gakkumdu's
outcome; forwarding up the hierarchy; concluding the handling."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlmodel import Session, select

from casework.access import log_denied
from casework.actors import Actor
from casework.audit import record_event
from casework.cases import _comment, _transition, load_case
from casework.errors import PermissionDenied, ValidationError
from casework.i18n import N_
from casework.notifications import notify_platform, notify_regulator
from casework.roles import OrgKind
from casework.statutory.flow import (
    check_may_refer,
    clean_text,
    commit,
    handling_office,
    parent_office,
    stage_transition,
)
from casework.statutory.kajian import case_kajian
from casework.statutory.letters import issue_letter
from casework.statutory.rules import rule
from casework.transactions import rolls_back
from casework.workflow import Action, Status, find_transition
from db.models import Case, Forwarding

BODIES = ("komdigi", "gakkumdu", "dkpp", "kpu", "bkn", "other")
BODY_LABELS = {
    "komdigi": N_("Komdigi"),
    "gakkumdu": N_("Sentra Gakkumdu"),
    "dkpp": N_("DKPP"),
    "kpu": N_("KPU"),
    "bkn": N_("BKN"),
    "other": N_("Another body"),
}
DEFAULT_ADDRESSEES = {
    "komdigi": "Kementerian Komunikasi dan Digital",
    "gakkumdu": "Sentra Gakkumdu",
    "dkpp": "Dewan Kehormatan Penyelenggara Pemilu",
    "kpu": "Komisi Pemilihan Umum",
    "bkn": "Badan Kepegawaian Negara",
}
GAKKUMDU_OUTCOMES = ("discussed", "investigation", "stopped")
RESPONSE_LABELS = {
    "pending": N_("Awaiting answer"),
    "order_issued": N_("Access-termination order issued"),
    "criteria_not_met": N_("Does not meet the criteria"),
    "information_requested": N_("Information requested"),
    "discussed": N_("Discussed"),
    "investigation": N_("Investigation"),
    "stopped": N_("Stopped"),
}
MAX_REASON = 4000


def suggested_body(
    session: Session, *, violation_kind: str | None, terlapor_status: str | None
) -> str | None:
    """The body the forwarding form suggests for a kajian's violation kind, from rule
    `forward_body_for_kind` (admin-editable data): "kind/terlapor status" first, then the
    kind alone. None when the rule names no known body; the officer still chooses."""
    if not violation_kind:
        return None
    mapping = rule(session, "forward_body_for_kind")
    for key in (f"{violation_kind}/{terlapor_status}", violation_kind):
        body = mapping.get(key)
        if body in BODIES:
            return body
    return None


def has_komdigi_request(session: Session, case_id: int) -> bool:
    """Whether the case holds a request to Komdigi (no scope check: callers loaded it)."""
    query = select(Forwarding.id).where(Forwarding.case_id == case_id, Forwarding.body == "komdigi")
    return session.exec(query).first() is not None


def case_forwardings(session: Session, case_id: int) -> list[Forwarding]:
    """A case's forwardings, oldest first (no scope check: callers loaded the case)."""
    return list(
        session.exec(
            select(Forwarding).where(Forwarding.case_id == case_id).order_by(Forwarding.id)
        )
    )


def _add_forwarding(session, actor, case, *, body, addressee, recommendation, language, now):
    kajian = case_kajian(session, case.id)
    approved = kajian if kajian is not None and kajian.state == "approved" else None
    letter = issue_letter(
        session,
        actor,
        case,
        kind="komdigi_request" if body == "komdigi" else "forwarding",
        addressee=addressee,
        recommendation=recommendation,
        language=language,
        ground_ids=approved.legal_ground_ids if approved else None,
        facts=approved.facts if approved else None,
        now=now,
    )
    forwarding = Forwarding(
        case_id=case.id,
        kajian_id=approved.id if approved else None,
        body=body,
        addressee=addressee,
        recommendation=recommendation,
        letter_id=letter.id,
        created_by_id=actor.user_id,
        created_at=now,
    )
    session.add(forwarding)
    session.flush()
    return forwarding


def _to_komdigi(case: Case, at: datetime) -> list[tuple[Action, str, str]]:
    """Move the takedown track to Komdigi where its table allows it; the steps taken as
    (action, from, to), none when it does not. A case still `new` has had its review:
    its kajian is approved. So it first enters review, as `start_review` would, rather
    than leave Komdigi unaware of a request the officer has just sent."""
    steps = []
    if case.status == Status.NEW:
        steps.append((Action.START_REVIEW, Status.NEW, Status.IN_REVIEW))
        case.status = Status.IN_REVIEW
    if find_transition(case.status, Action.REQUEST_KOMDIGI) is None:
        return steps
    steps.append((Action.REQUEST_KOMDIGI, case.status, Status.ESCALATED))
    case.status = Status.ESCALATED
    case.escalated_at = at
    return steps


@rolls_back
def forward_case(
    *,
    session: Session,
    actor: Actor,
    case_id: int,
    version: int,
    body: str,
    addressee: str = "",
    recommendation: str = "",
    language: str = "id",
    now=None,
) -> Forwarding:
    """Forward the case, from its approved kajian, to a body with a numbered letter.
    To Komdigi it is also the request for pemutusan akses: the takedown track then waits
    on Komdigi (when it is new, in review or with the platform)."""
    if body not in BODIES:
        raise ValidationError({"body": N_("Choose a value from the list.")})
    addressee = clean_text(
        addressee or DEFAULT_ADDRESSEES.get(body, ""), "addressee", required=True, limit=300
    )
    recommendation = clean_text(recommendation, "recommendation", required=False)
    if body == "komdigi":
        check_may_refer(session, actor, "forward_case", case_id)
    moved: list[tuple[Action, str, str]] = []

    def komdigi(case: Case, at: datetime) -> None:
        if body == "komdigi":
            moved.extend(_to_komdigi(case, at))

    case = stage_transition(
        session,
        actor,
        case_id,
        version,
        Action.FORWARD_CASE,
        now=now,
        mutate=komdigi,
        detail={"body": body, "addressee": addressee},
    )
    forwarding = _add_forwarding(
        session,
        actor,
        case,
        body=body,
        addressee=addressee,
        recommendation=recommendation,
        language=language,
        now=case.updated_at,
    )
    for action, source, target in moved:
        record_event(
            session,
            action=str(action),
            actor_id=actor.user_id,
            case_id=case.id,
            from_status=source,
            to_status=target,
            detail={"forwarding_id": forwarding.id},
            at=case.updated_at,
        )
    if moved and moved[-1][0] == Action.REQUEST_KOMDIGI:
        notify_regulator(session, case)
    commit(session)
    return forwarding


@rolls_back
def request_komdigi(
    *,
    session: Session,
    actor: Actor,
    case_id: int,
    version: int,
    recommendation: str = "",
    addressee: str = "",
    language: str = "id",
    now=None,
) -> Forwarding:
    """From review, beside or instead of the direct referral: ask Komdigi for
    pemutusan akses with a numbered letter; the case then waits on Komdigi."""
    check_may_refer(session, actor, "request_komdigi", case_id)
    addressee = clean_text(
        addressee or DEFAULT_ADDRESSEES["komdigi"], "addressee", required=True, limit=300
    )
    recommendation = clean_text(recommendation, "recommendation", required=False)

    def stamp(case: Case, at: datetime) -> None:
        case.escalated_at = at

    case = _transition(
        session, actor, case_id, version, Action.REQUEST_KOMDIGI, now=now, mutate=stamp
    )
    forwarding = _add_forwarding(
        session,
        actor,
        case,
        body="komdigi",
        addressee=addressee,
        recommendation=recommendation,
        language=language,
        now=case.updated_at,
    )
    notify_regulator(session, case)
    commit(session)
    return forwarding


def _open_komdigi_request(session: Session, case_id: int) -> Forwarding:
    row = session.exec(
        select(Forwarding)
        .where(Forwarding.case_id == case_id, Forwarding.body == "komdigi")
        .order_by(Forwarding.id.desc())
    ).first()
    if row is None:
        raise ValidationError({"forwarding": N_("There is no request to Komdigi on this case.")})
    return row


@rolls_back
def record_komdigi_order(
    *,
    session: Session,
    actor: Actor,
    case_id: int,
    version: int,
    order_number: str,
    order_date: date,
    urgent: bool = False,
    note: str = "",
    now=None,
) -> Case:
    """Komdigi's liaison records that the request was verified and the order issued
    (letter number, date, mendesak or not). The platform now holds the order, and its
    regulatory deadline runs from it: 24 h, or 4 h when mendesak (rules as data)."""
    order_number = clean_text(order_number, "order_number", required=True, limit=120)
    note = clean_text(note, "note", required=False, limit=MAX_REASON)
    if not isinstance(order_date, date):
        raise ValidationError({"order_date": N_("This field is required.")})
    hours = rule(session, "regulatory_urgent_hours" if urgent else "regulatory_hours")
    text = f"{order_number} ({order_date.isoformat()})" + (f": {note}" if note else "")

    def order(case: Case, at: datetime) -> None:
        # The platform receives the order now: from here it sees and answers the case.
        case.referred_at = case.referred_at or at

    case = _transition(
        session,
        actor,
        case_id,
        version,
        Action.RECORD_REGULATOR_ORDER,
        now=now,
        mutate=order,
        detail={"order": text, "urgent": urgent},
    )
    request = _open_komdigi_request(session, case.id)
    request.response, request.order_number, request.order_date = (
        "order_issued",
        order_number,
        order_date,
    )
    request.order_urgent, request.response_note = urgent, note or None
    request.responded_at = case.updated_at
    request.regulatory_due_at = case.updated_at + timedelta(hours=float(hours))
    session.add(request)
    _comment(session, actor, case, text, "shared", case.updated_at)
    notify_platform(session, case, kind="regulator_order")
    commit(session)
    return case


def _komdigi_answer(session, actor, case_id, version, action, response, text, now) -> Case:
    case = _transition(session, actor, case_id, version, action, now=now, detail={"reason": text})
    request = _open_komdigi_request(session, case.id)
    request.response, request.response_note, request.responded_at = response, text, case.updated_at
    session.add(request)
    _comment(session, actor, case, text, "shared", case.updated_at)
    commit(session)
    return case


@rolls_back
def komdigi_criteria_not_met(
    *, session: Session, actor: Actor, case_id: int, version: int, reason: str, now=None
) -> Case:
    """Komdigi finds the request short of its criteria; the case returns to review."""
    reason = clean_text(reason, "reason", required=True, limit=MAX_REASON)
    return _komdigi_answer(
        session,
        actor,
        case_id,
        version,
        Action.KOMDIGI_CRITERIA_NOT_MET,
        "criteria_not_met",
        reason,
        now,
    )


@rolls_back
def komdigi_request_information(
    *, session: Session, actor: Actor, case_id: int, version: int, question: str, now=None
) -> Case:
    """Komdigi asks the supervisory body for more before it decides."""
    question = clean_text(question, "question", required=True, limit=MAX_REASON)
    return _komdigi_answer(
        session,
        actor,
        case_id,
        version,
        Action.KOMDIGI_REQUEST_INFORMATION,
        "information_requested",
        question,
        now,
    )


@rolls_back
def record_gakkumdu_outcome(
    *,
    session: Session,
    actor: Actor,
    case_id: int,
    version: int,
    forwarding_id: int,
    outcome: str,
    note: str = "",
    now=None,
) -> Forwarding:
    """The outcome Sentra Gakkumdu reported back: discussed, investigation, stopped."""
    if outcome not in GAKKUMDU_OUTCOMES:
        raise ValidationError({"outcome": N_("Choose a value from the list.")})
    note = clean_text(note, "note", required=False, limit=MAX_REASON)
    case = stage_transition(
        session,
        actor,
        case_id,
        version,
        Action.RECORD_GAKKUMDU_OUTCOME,
        now=now,
        detail={"forwarding_id": forwarding_id, "outcome": outcome},
    )
    row = session.get(Forwarding, forwarding_id)
    if row is None or row.case_id != case.id or row.body != "gakkumdu":
        raise ValidationError({"forwarding_id": N_("Choose a value from the list.")})
    row.response, row.response_note, row.responded_at = outcome, note or None, case.updated_at
    session.add(row)
    commit(session)
    return row


@rolls_back
def forward_up(
    *, session: Session, actor: Actor, case_id: int, version: int, note: str = "", now=None
) -> Case:
    """A regional office hands the case to the office above (regency → province →
    Bawaslu RI). One action: the case, its stage and its history stay as they are;
    only the handling office changes."""
    note = clean_text(note, "note", required=False, limit=MAX_REASON)
    case = load_case(session=session, actor=actor, case_id=case_id, attempted="forward_up")
    current = handling_office(session, case)
    parent = parent_office(session, current)
    if parent is None:
        raise ValidationError({"office": N_("Bawaslu RI has no office above it.")})
    if actor.organisation_kind != OrgKind.SUPERVISORY:
        log_denied(actor, "forward_up", case_id=case_id)
        raise PermissionDenied()

    def move(case: Case, at: datetime) -> None:
        case.handling_organisation_id = parent.id

    return _commit_case(
        session,
        stage_transition(
            session,
            actor,
            case_id,
            version,
            Action.FORWARD_UP,
            now=now,
            mutate=move,
            detail={"from_office": current.name, "to_office": parent.name, "note": note},
        ),
    )


def _commit_case(session: Session, case: Case) -> Case:
    commit(session)
    return case


@rolls_back
def conclude_handling(
    *, session: Session, actor: Actor, case_id: int, version: int, note: str = "", now=None
) -> Case:
    """The handling of the temuan or laporan is done (forwarded, or nothing to forward)."""
    note = clean_text(note, "note", required=False, limit=MAX_REASON)
    return _commit_case(
        session,
        stage_transition(
            session,
            actor,
            case_id,
            version,
            Action.CONCLUDE_HANDLING,
            now=now,
            detail={"note": note},
        ),
    )
