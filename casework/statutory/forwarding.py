"""Penerusan: forwarding an approved kajian to Komdigi, Sentra Gakkumdu, DKPP, KPU, BKN
or another named body, each with a numbered letter; Komdigi as a channel from review
(beside or instead of the direct referral) and its liaison's answers; Gakkumdu's
outcome; forwarding up the hierarchy; concluding the handling. Each service is a
one-liner over `casework.desk.actions.take_action` (the spec rows), and returns what its
caller wants to see (the forwarding row, or the case)."""

from __future__ import annotations

from datetime import date

from sqlmodel import Session, select

from casework.desk.actions import take_action
from casework.desk.workflow import Action
from casework.errors import ValidationError
from casework.i18n import N_
from casework.people.actors import Actor
from casework.statutory.flow import clean_text
from casework.statutory.rules import rule
from casework.statutory.steps import (  # noqa: F401  (re-exported)
    BODIES,
    BODY_LABELS,
    DEFAULT_ADDRESSEES,
    GAKKUMDU_OUTCOMES,
    RESPONSE_LABELS,
    case_forwardings,
    latest_forwarding,
    order_text,
)
from casework.uow import service
from db.models import Case, Forwarding

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


@service
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
    on Komdigi (when it is in review or with the platform)."""
    case = take_action(
        session=session,
        actor=actor,
        case_id=case_id,
        version=version,
        action=Action.FORWARD_CASE,
        now=now,
        body=body,
        addressee=addressee,
        recommendation=recommendation,
        language=language,
    )
    return latest_forwarding(session, case.id)


@service
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
    case = take_action(
        session=session,
        actor=actor,
        case_id=case_id,
        version=version,
        action=Action.REQUEST_KOMDIGI,
        now=now,
        recommendation=recommendation,
        addressee=addressee,
        language=language,
    )
    return latest_forwarding(session, case.id)


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
    number = clean_text(order_number, "order_number", required=True, limit=120)
    note = clean_text(note, "note", required=False, limit=MAX_REASON)
    if not isinstance(order_date, date):
        raise ValidationError({"order_date": N_("This field is required.")})
    return take_action(
        session=session,
        actor=actor,
        case_id=case_id,
        version=version,
        action=Action.RECORD_REGULATOR_ORDER,
        now=now,
        order=order_text(number, order_date, note),
        mendesak=urgent,
        order_number=number,
        order_date=order_date,
        note=note,
    )


def komdigi_criteria_not_met(
    *, session: Session, actor: Actor, case_id: int, version: int, reason: str, now=None
) -> Case:
    """Komdigi finds the request short of its criteria; the case returns to review."""
    return take_action(
        session=session,
        actor=actor,
        case_id=case_id,
        version=version,
        action=Action.KOMDIGI_CRITERIA_NOT_MET,
        now=now,
        reason=reason,
    )


def komdigi_request_information(
    *, session: Session, actor: Actor, case_id: int, version: int, question: str, now=None
) -> Case:
    """Komdigi asks the supervisory body for more before it decides."""
    return take_action(
        session=session,
        actor=actor,
        case_id=case_id,
        version=version,
        action=Action.KOMDIGI_REQUEST_INFORMATION,
        now=now,
        question=question,
    )


@service
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
    take_action(
        session=session,
        actor=actor,
        case_id=case_id,
        version=version,
        action=Action.RECORD_GAKKUMDU_OUTCOME,
        now=now,
        forwarding_id=forwarding_id,
        outcome=outcome,
        note=note,
    )
    return session.get(Forwarding, forwarding_id)


def forward_up(
    *, session: Session, actor: Actor, case_id: int, version: int, note: str = "", now=None
) -> Case:
    """A regional office hands the case to the office above (regency → province →
    Bawaslu RI). One action: the case, its stage and its history stay as they are;
    only the handling office changes."""
    return take_action(
        session=session,
        actor=actor,
        case_id=case_id,
        version=version,
        action=Action.FORWARD_UP,
        now=now,
        note=note,
    )


def conclude_handling(
    *, session: Session, actor: Actor, case_id: int, version: int, note: str = "", now=None
) -> Case:
    """The handling of the temuan or laporan is done (forwarded, or nothing to forward)."""
    return take_action(
        session=session,
        actor=actor,
        case_id=case_id,
        version=version,
        action=Action.CONCLUDE_HANDLING,
        now=now,
        note=note,
    )
