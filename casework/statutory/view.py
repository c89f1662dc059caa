"""What the case page shows of the statutory track, for one reader: the intake, the
kajian awal and kajian, the forwardings and their letters, and the actions open."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session

from casework.desk.case_access import children_of, load_case
from casework.desk.workflow import Action, allowed_actions
from casework.errors import CaseNotFound, PermissionDenied
from casework.people.actors import Actor, may_see_internal
from casework.statutory.forwarding import case_forwardings, suggested_body
from casework.statutory.kajian import case_kajian
from casework.statutory.stages import allowed_stage_actions
from db.models import Forwarding, Kajian, Letter

KOMDIGI_CHANNEL = (
    Action.REQUEST_KOMDIGI,
    Action.KOMDIGI_CRITERIA_NOT_MET,
    Action.KOMDIGI_REQUEST_INFORMATION,
)


@dataclass(frozen=True)
class StatutoryView:
    case_id: int
    reference: str
    version: int
    status: str
    intake_type: str
    stage: str | None
    terlapor_name: str | None
    terlapor_status: str | None
    incident_place: str | None
    oversight_source: str | None
    known_since: object
    awal: Kajian | None
    kajian: Kajian | None
    forwardings: list[Forwarding]
    letters: list[Letter]
    stage_actions: list[Action]
    komdigi_actions: list[Action]
    # The body the forwarding form preselects, from the approved kajian (None: no kajian
    # approved, or the rule names no body for its kind).
    suggested_body: str | None = None
    # Komdigi's liaison may record its order: a request to Komdigi awaits its answer.
    komdigi_order_open: bool = False


def statutory_view(*, session: Session, actor: Actor, case_id: int) -> StatutoryView:
    """The statutory track of one case, for the supervisory body and Komdigi's liaison
    (who sees the requests to Komdigi only, never the pelapor)."""
    case = load_case(session=session, actor=actor, case_id=case_id)
    insider = may_see_internal(actor)
    if not insider and actor.role != "regulator":
        raise CaseNotFound()
    forwardings = case_forwardings(session, case.id)
    letters = children_of(session, Letter, case.id)
    if not insider:
        forwardings = [f for f in forwardings if f.body == "komdigi"]
        ids = {f.letter_id for f in forwardings}
        letters = [letter for letter in letters if letter.id in ids]
    taken = set(allowed_actions(case.status, actor.role))
    requests = [f for f in forwardings if f.body == "komdigi"]
    awaiting = bool(requests) and requests[-1].response in ("pending", "information_requested")
    kajian = case_kajian(session, case.id) if insider else None
    approved = kajian if kajian is not None and kajian.state == "approved" else None
    return StatutoryView(
        case_id=case.id,
        reference=case.reference,
        version=case.version,
        status=case.status,
        intake_type=case.intake_type,
        stage=case.statutory_stage,
        terlapor_name=case.terlapor_name if insider else None,
        terlapor_status=case.terlapor_status,
        incident_place=case.incident_place if insider else None,
        oversight_source=case.oversight_source if insider else None,
        known_since=case.known_since,
        awal=case_kajian(session, case.id, "awal") if insider else None,
        kajian=kajian,
        forwardings=forwardings,
        letters=letters,
        stage_actions=allowed_stage_actions(case.statutory_stage, actor.role) if insider else [],
        komdigi_actions=[a for a in KOMDIGI_CHANNEL if a in taken],
        suggested_body=suggested_body(
            session, violation_kind=approved.violation_kind, terlapor_status=case.terlapor_status
        )
        if approved is not None
        else None,
        komdigi_order_open=awaiting and Action.RECORD_REGULATOR_ORDER in taken,
    )


def case_letter(*, session: Session, actor: Actor, letter_id: int) -> Letter:
    """One letter, if `actor` may read its case (the supervisory body, or Komdigi for a
    request addressed to it)."""
    letter = session.get(Letter, letter_id)
    if letter is None:
        raise CaseNotFound()
    load_case(session=session, actor=actor, case_id=letter.case_id)
    if not may_see_internal(actor) and letter.kind != "komdigi_request":
        raise PermissionDenied()
    return letter
