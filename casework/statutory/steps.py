"""The bespoke parts of the statutory steps and of the Komdigi channel: the checks,
effects and records that their spec rows in `casework.desk.actions` name. Each is one of the
spec's hooks (prepare, check, effect, record); `take_action` runs them inside the one
unit of work, around the transition, the audit event and the clocks.

Also the track's vocabularies (conclusions, violation kinds, bodies, answers) and its
two readers (`case_kajian`, `case_forwardings`). Imports no service module, so that
`casework.desk.actions` may import it."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from sqlmodel import Session, select

from casework.desk import sla
from casework.desk.workflow import Action, Status, find_transition
from casework.errors import ValidationError
from casework.i18n import N_
from casework.outbox.notifications import notify_regulator
from casework.people.actors import Actor
from casework.records.audit import record_event
from casework.statutory.flow import (
    MAX_TEXT,  # noqa: F401  (the kajian's texts; the spec rows read it here)
    check_may_refer,
    clean_text,
    handling_office,
    parent_office,
)
from casework.statutory.letters import issue_letter
from casework.statutory.rules import rule
from db.models import Case, Forwarding, Kajian, LegalGround

Values = dict[str, Any]
CHOOSE = N_("Choose a value from the list.")

# --- the vocabularies --------------------------------------------------------------------

CONCLUSIONS = ("memenuhi", "tidak_memenuhi")
CONCLUSION_LABELS = {
    "memenuhi": N_("Elements met (memenuhi unsur)"),
    "tidak_memenuhi": N_("Elements not met (tidak memenuhi unsur)"),
}
VIOLATION_KINDS = ("administratif", "kode_etik", "pidana_pemilu", "lainnya", "bukan")
VIOLATION_KIND_LABELS = {
    "administratif": N_("Administrative violation"),
    "kode_etik": N_("Ethics violation"),
    "pidana_pemilu": N_("Election crime"),
    "lainnya": N_("Violation of other laws"),
    "bukan": N_("Not a violation"),
}
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
ADDRESSEE_LIMIT = 300


# --- the readers ---------------------------------------------------------------------------


def case_kajian(session: Session, case_id: int, kind: str = "kajian") -> Kajian | None:
    """The newest kajian of `kind` on a case (no scope check: callers loaded the case)."""
    return session.exec(
        select(Kajian)
        .where(Kajian.case_id == case_id, Kajian.kind == kind)
        .order_by(Kajian.id.desc())
    ).first()


def case_forwardings(session: Session, case_id: int) -> list[Forwarding]:
    """A case's forwardings, oldest first (no scope check: callers loaded the case)."""
    return list(
        session.exec(
            select(Forwarding).where(Forwarding.case_id == case_id).order_by(Forwarding.id)
        )
    )


def latest_forwarding(session: Session, case_id: int) -> Forwarding | None:
    return session.exec(
        select(Forwarding).where(Forwarding.case_id == case_id).order_by(Forwarding.id.desc())
    ).first()


# --- the hierarchy rule -------------------------------------------------------------------


def may_refer(attempted: str):
    """A prepare step: with the hierarchy rule on, only designated national staff refer."""

    def prepare(session: Session, actor: Actor, case_id: int, values: Values) -> dict:
        check_may_refer(session, actor, attempted, case_id)
        return {}

    return prepare


# --- the kajian awal ----------------------------------------------------------------------


def _record_awal(registered: bool, text_input: str):
    def record(session: Session, actor: Actor, case: Case, values: Values) -> None:
        session.add(
            Kajian(
                case_id=case.id,
                kind="awal",
                state="recorded",
                registered=registered,
                reason=values[text_input] or None,
                drafted_by_id=actor.user_id,
                drafted_at=case.updated_at,
            )
        )

    return record


record_registered = _record_awal(True, "note")
record_not_registered = _record_awal(False, "reason")


# --- the kajian ---------------------------------------------------------------------------


def clean_kajian(session: Session, actor: Actor, case_id: int, values: Values) -> dict:
    """The conclusion and the violation kind from their lists, and the legal grounds."""
    conclusion, kind = values.get("conclusion"), values.get("violation_kind")
    errors = {}
    if conclusion not in CONCLUSIONS:
        errors["conclusion"] = CHOOSE
    if kind not in VIOLATION_KINDS:
        errors["violation_kind"] = CHOOSE
    elif conclusion == "memenuhi" and kind == "bukan":
        errors["violation_kind"] = N_("Elements met needs the kind of violation.")
    if errors:
        raise ValidationError(errors)
    ids = list(dict.fromkeys(int(i) for i in values.get("legal_ground_ids") or []))
    if ids:
        found = session.exec(
            select(LegalGround.id).where(LegalGround.id.in_(ids), LegalGround.active)
        ).all()
        if len(found) != len(ids):
            raise ValidationError({"legal_ground_ids": CHOOSE})
    return {"grounds": ids}


def kajian_detail(values: Values) -> dict:
    # The conclusion and the kind qualify the step for the clocks (`draft_kajian:...`).
    return {"conclusion": values["conclusion"], "violation_kind": values["violation_kind"]}


def write_draft(session: Session, actor: Actor, case: Case, values: Values) -> None:
    """Write the draft, or rewrite the draft still awaiting approval."""
    draft = case_kajian(session, case.id)
    if draft is None or draft.state != "draft":
        draft = Kajian(case_id=case.id, kind="kajian", drafted_by_id=actor.user_id)
    draft.facts, draft.analysis = values["facts"], values["analysis"]
    draft.recommendation = values["recommendation"]
    draft.conclusion, draft.violation_kind = values["conclusion"], values["violation_kind"]
    draft.legal_ground_ids = values["grounds"]
    draft.drafted_by_id, draft.drafted_at, draft.state = actor.user_id, case.updated_at, "draft"
    session.add(draft)
    session.flush()


def find_draft(session: Session, actor: Actor, case: Case, values: Values) -> dict:
    return {"draft": case_kajian(session, case.id), "approved_by": actor.display_name}


def approval_detail(values: Values) -> dict:
    draft = values["draft"]
    return {"approved_by": values["approved_by"], "kajian_id": draft.id if draft else None}


def approve_draft(session: Session, actor: Actor, case: Case, values: Values) -> None:
    draft = values["draft"]
    if draft is not None:
        draft.state, draft.approved_by_id, draft.approved_at = (
            "approved",
            actor.user_id,
            case.updated_at,
        )
        session.add(draft)


def return_draft(session: Session, actor: Actor, case: Case, values: Values) -> None:
    draft = case_kajian(session, case.id)
    if draft is not None:
        draft.state = "returned"
        session.add(draft)


# --- forwarding and the Komdigi channel ---------------------------------------------------


def _addressee(values: Values, body: str) -> str:
    return clean_text(
        values.get("addressee") or DEFAULT_ADDRESSEES.get(body, ""),
        "addressee",
        required=True,
        limit=ADDRESSEE_LIMIT,
    )


def clean_forwarding(session: Session, actor: Actor, case_id: int, values: Values) -> dict:
    """The body from its list and its addressee (the body's own by default); to Komdigi
    only who may refer."""
    body = values.get("body")
    if body not in BODIES:
        raise ValidationError({"body": CHOOSE})
    if body == "komdigi":
        check_may_refer(session, actor, "forward_case", case_id)
    return {"addressee": _addressee(values, body)}


def clean_komdigi_request(session: Session, actor: Actor, case_id: int, values: Values) -> dict:
    check_may_refer(session, actor, "request_komdigi", case_id)
    return {"addressee": _addressee(values, "komdigi"), "body": "komdigi"}


def komdigi_move(session: Session, actor: Actor, case: Case, values: Values) -> dict:
    """Forwarding to Komdigi is also the request for pemutusan akses: the takedown track
    waits on Komdigi when its table allows it (from review or with the platform). A case
    still `new` has had its review (its kajian is approved): it first enters review, as
    `start_review` would, rather than leave Komdigi unaware of the request just sent."""
    status = case.status
    if values["body"] == "komdigi" and status == Status.NEW:
        status = Status.IN_REVIEW
    moves = values["body"] == "komdigi" and (
        find_transition(status, Action.REQUEST_KOMDIGI) is not None
    )
    return {"komdigi_from": case.status if moves else None}


def to_komdigi(case: Case, at: datetime, policy: sla.SlaPolicy, values: Values) -> dict:
    if values["komdigi_from"] is None:
        return {}
    return {"status": Status.ESCALATED, "escalated_at": at}


def stamp_escalated(case: Case, at: datetime, policy: sla.SlaPolicy, values: Values) -> dict:
    return {"escalated_at": at}


def forwarding_detail(values: Values) -> dict:
    # The body qualifies the step for the clocks (`forward_case:gakkumdu`).
    return {"body": values["body"], "addressee": values["addressee"]}


def add_forwarding(session: Session, actor: Actor, case: Case, values: Values) -> None:
    """The numbered letter and the forwarding row, from the approved kajian."""
    body = values["body"]
    kajian = case_kajian(session, case.id)
    approved = kajian if kajian is not None and kajian.state == "approved" else None
    letter = issue_letter(
        session,
        actor,
        case,
        kind="komdigi_request" if body == "komdigi" else "forwarding",
        addressee=values["addressee"],
        recommendation=values["recommendation"],
        language=values.get("language") or "id",
        ground_ids=approved.legal_ground_ids if approved else None,
        facts=approved.facts if approved else None,
        now=case.updated_at,
    )
    forwarding = Forwarding(
        case_id=case.id,
        kajian_id=approved.id if approved else None,
        body=body,
        addressee=values["addressee"],
        recommendation=values["recommendation"],
        letter_id=letter.id,
        created_by_id=actor.user_id,
        created_at=case.updated_at,
    )
    session.add(forwarding)
    session.flush()
    if values.get("komdigi_from") is not None:
        source = values["komdigi_from"]
        if source == Status.NEW:
            record_event(
                session,
                action=str(Action.START_REVIEW),
                actor_id=actor.user_id,
                case_id=case.id,
                from_status=Status.NEW,
                to_status=Status.IN_REVIEW,
                at=case.updated_at,
            )
            source = Status.IN_REVIEW
        record_event(
            session,
            action=str(Action.REQUEST_KOMDIGI),
            actor_id=actor.user_id,
            case_id=case.id,
            from_status=source,
            to_status=Status.ESCALATED,
            detail={"forwarding_id": forwarding.id},
            at=case.updated_at,
        )
        notify_regulator(session, case)


def open_komdigi_request(session: Session, case_id: int) -> Forwarding:
    row = session.exec(
        select(Forwarding)
        .where(Forwarding.case_id == case_id, Forwarding.body == "komdigi")
        .order_by(Forwarding.id.desc())
    ).first()
    if row is None:
        raise ValidationError({"forwarding": N_("There is no request to Komdigi on this case.")})
    return row


def find_komdigi_request(session: Session, actor: Actor, case: Case, values: Values) -> dict:
    return {"request": open_komdigi_request(session, case.id)}


def komdigi_answer(response: str, text_input: str):
    """A record step: Komdigi's answer on its open request."""

    def record(session: Session, actor: Actor, case: Case, values: Values) -> None:
        request = values["request"]
        request.response, request.response_note = response, values[text_input]
        request.responded_at = case.updated_at
        session.add(request)

    return record


# --- the regulator's order ------------------------------------------------------------------


def order_text(order_number: str, order_date: date, note: str) -> str:
    return f"{order_number} ({order_date.isoformat()})" + (f": {note}" if note else "")


def clean_order(session: Session, actor: Actor, case_id: int, values: Values) -> dict:
    """Komdigi's order by letter number and date (the statutory panel's form); the plain
    text order of an escalated case needs neither."""
    if values.get("order_number") is None:
        return {"komdigi": False}
    number = clean_text(values["order_number"], "order_number", required=True, limit=120)
    note = clean_text(values.get("note"), "note", required=False, limit=4000)
    if not isinstance(values.get("order_date"), date):
        raise ValidationError({"order_date": N_("This field is required.")})
    return {"komdigi": True, "order_number": number, "note": note}


def find_order_request(session: Session, actor: Actor, case: Case, values: Values) -> dict:
    if not values["komdigi"]:
        return {}
    return {"request": open_komdigi_request(session, case.id)}


def order_received(case: Case, at: datetime, policy: sla.SlaPolicy, values: Values) -> dict:
    # The platform receives Komdigi's order now: from here it sees and answers the case.
    return {"referred_at": case.referred_at or at} if values["komdigi"] else {}


def order_detail(values: Values) -> dict:
    # `mendesak` (or `urgent`) makes the regulatory clock 4 hours instead of 24.
    if values["komdigi"]:
        return {"order": values["order"], "urgent": bool(values.get("mendesak"))}
    if values.get("mendesak"):
        return {"order": values["order"], "mendesak": True}
    return {"order": values["order"]}


def record_order(session: Session, actor: Actor, case: Case, values: Values) -> None:
    """On Komdigi's request: the order's number, date and urgency; the regulatory due
    time runs from now (24 h, or 4 h when mendesak: rules as data)."""
    if not values["komdigi"]:
        return
    urgent = bool(values.get("mendesak"))
    hours = rule(session, "regulatory_urgent_hours" if urgent else "regulatory_hours")
    request = values["request"]
    request.response = "order_issued"
    request.order_number, request.order_date = values["order_number"], values["order_date"]
    request.order_urgent, request.response_note = urgent, values.get("note") or None
    request.responded_at = case.updated_at
    request.regulatory_due_at = case.updated_at + timedelta(hours=float(hours))
    session.add(request)


# --- Gakkumdu, forwarding up, concluding ------------------------------------------------------


def clean_outcome(session: Session, actor: Actor, case_id: int, values: Values) -> dict:
    if values.get("outcome") not in GAKKUMDU_OUTCOMES:
        raise ValidationError({"outcome": CHOOSE})
    return {}


def find_gakkumdu_forwarding(session: Session, actor: Actor, case: Case, values: Values) -> dict:
    row = session.get(Forwarding, values.get("forwarding_id"))
    if row is None or row.case_id != case.id or row.body != "gakkumdu":
        raise ValidationError({"forwarding_id": CHOOSE})
    return {"forwarding": row}


def outcome_detail(values: Values) -> dict:
    return {"forwarding_id": values["forwarding_id"], "outcome": values["outcome"]}


def record_outcome(session: Session, actor: Actor, case: Case, values: Values) -> None:
    row = values["forwarding"]
    row.response, row.response_note = values["outcome"], values["note"] or None
    row.responded_at = case.updated_at
    session.add(row)


def find_parent_office(session: Session, actor: Actor, case: Case, values: Values) -> dict:
    current = handling_office(session, case)
    parent = parent_office(session, current)
    if parent is None:
        raise ValidationError({"office": N_("Bawaslu RI has no office above it.")})
    return {"from_office": current, "to_office": parent}


def move_up(case: Case, at: datetime, policy: sla.SlaPolicy, values: Values) -> dict:
    # The case, its stage and its history stay as they are; only the office changes.
    return {"handling_organisation_id": values["to_office"].id}


def forward_up_detail(values: Values) -> dict:
    return {
        "from_office": values["from_office"].name,
        "to_office": values["to_office"].name,
        "note": values["note"],
    }
