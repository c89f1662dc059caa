"""The kajian awal (registration of a laporan) and the kajian (facts, analysis,
conclusion, violation kind, legal grounds, recommendation): drafted by an officer,
approved by a lead. Each service is an action of the statutory stage table."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, select

from casework.actors import Actor
from casework.cases import load_case
from casework.errors import ValidationError
from casework.i18n import N_
from casework.statutory.flow import clean_text, commit, stage_transition
from casework.transactions import rolls_back
from casework.workflow import Action
from db.models import Case, Kajian, LegalGround

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
CHOOSE = N_("Choose a value from the list.")


def case_kajian(session: Session, case_id: int, kind: str = "kajian") -> Kajian | None:
    """The newest kajian of `kind` on a case (no scope check: callers loaded the case)."""
    return session.exec(
        select(Kajian)
        .where(Kajian.case_id == case_id, Kajian.kind == kind)
        .order_by(Kajian.id.desc())
    ).first()


def _record_awal(session, actor, case: Case, registered: bool, reason: str, at: datetime):
    session.add(
        Kajian(
            case_id=case.id,
            kind="awal",
            state="recorded",
            registered=registered,
            reason=reason or None,
            drafted_by_id=actor.user_id,
            drafted_at=at,
        )
    )


@rolls_back
def register_laporan(
    *, session: Session, actor: Actor, case_id: int, version: int, note: str = "", now=None
) -> Case:
    """The kajian awal finds the laporan's formal and material requirements met: it is
    diregistrasi and the kajian begins."""
    note = clean_text(note, "note", required=False, limit=4000)
    case = stage_transition(session, actor, case_id, version, Action.REGISTER_LAPORAN, now=now)
    _record_awal(session, actor, case, True, note, case.updated_at)
    commit(session)
    return case


@rolls_back
def decline_registration(
    *, session: Session, actor: Actor, case_id: int, version: int, reason: str, now=None
) -> Case:
    """The kajian awal finds the laporan short of its requirements: tidak diregistrasi,
    with the reason (it is announced)."""
    reason = clean_text(reason, "reason", required=True, limit=4000)
    case = stage_transition(
        session,
        actor,
        case_id,
        version,
        Action.DECLINE_REGISTRATION,
        now=now,
        detail={"reason": reason},
    )
    _record_awal(session, actor, case, False, reason, case.updated_at)
    commit(session)
    return case


def _grounds(session: Session, ids: list[int]) -> list[int]:
    ids = list(dict.fromkeys(int(i) for i in ids or []))
    if not ids:
        return []
    found = session.exec(
        select(LegalGround.id).where(LegalGround.id.in_(ids), LegalGround.active)
    ).all()
    if len(found) != len(ids):
        raise ValidationError({"legal_ground_ids": CHOOSE})
    return ids


@rolls_back
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
    errors = {}
    if conclusion not in CONCLUSIONS:
        errors["conclusion"] = CHOOSE
    if violation_kind not in VIOLATION_KINDS:
        errors["violation_kind"] = CHOOSE
    elif conclusion == "memenuhi" and violation_kind == "bukan":
        errors["violation_kind"] = N_("Elements met needs the kind of violation.")
    if errors:
        raise ValidationError(errors)
    facts = clean_text(facts, "facts", required=True)
    analysis = clean_text(analysis, "analysis", required=True)
    recommendation = clean_text(recommendation, "recommendation", required=False)
    grounds = _grounds(session, legal_ground_ids or [])
    case = stage_transition(
        session,
        actor,
        case_id,
        version,
        Action.DRAFT_KAJIAN,
        now=now,
        detail={"conclusion": conclusion, "violation_kind": violation_kind},
    )
    draft = case_kajian(session, case.id)
    if draft is None or draft.state != "draft":
        draft = Kajian(case_id=case.id, kind="kajian", drafted_by_id=actor.user_id)
    draft.facts, draft.analysis, draft.recommendation = facts, analysis, recommendation
    draft.conclusion, draft.violation_kind = conclusion, violation_kind
    draft.legal_ground_ids = grounds
    draft.drafted_by_id, draft.drafted_at, draft.state = actor.user_id, case.updated_at, "draft"
    session.add(draft)
    session.flush()
    commit(session)
    return draft


@rolls_back
def approve_kajian(
    *, session: Session, actor: Actor, case_id: int, version: int, now=None
) -> Kajian:
    """A lead approves the drafted kajian (the pleno's decision); only then may letters
    go out. The audit event names the approver."""
    case = load_case(session=session, actor=actor, case_id=case_id, attempted="approve_kajian")
    draft = case_kajian(session, case.id)
    case = stage_transition(
        session,
        actor,
        case_id,
        version,
        Action.APPROVE_KAJIAN,
        now=now,
        detail={"approved_by": actor.display_name, "kajian_id": draft.id if draft else None},
    )
    draft.state, draft.approved_by_id, draft.approved_at = (
        "approved",
        actor.user_id,
        case.updated_at,
    )
    session.add(draft)
    commit(session)
    return draft


@rolls_back
def return_kajian(
    *, session: Session, actor: Actor, case_id: int, version: int, reason: str, now=None
) -> Case:
    """A lead sends the draft back to the officer with a reason."""
    reason = clean_text(reason, "reason", required=True, limit=4000)
    case = stage_transition(
        session, actor, case_id, version, Action.RETURN_KAJIAN, now=now, detail={"reason": reason}
    )
    draft = case_kajian(session, case.id)
    if draft is not None:
        draft.state = "returned"
        session.add(draft)
    commit(session)
    return case
