"""What people read about captures: a case's captures with their files, the latest
verification's verdict, and the pending jobs. Captures are the supervisory body's
evidence: they are read through the case's scope, so a platform's liaison sees them
only on cases referred to that platform, and observers never."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, select

from casework.capture.jobs import may_request_capture
from casework.capture.outcomes import OUTCOME_LABELS, Outcome, Verdict, verdict_of
from casework.capture.schedule import PENDING, VERIFY, capture_allowed
from casework.capture.similar import SimilarCase, similar_cases
from casework.desk.cases import load_case
from casework.i18n import N_
from casework.people.actors import Actor
from casework.settings import Settings
from db.models import Capture, CaptureJob, Evidence

VERDICT_LABELS = {
    Verdict.GONE: N_("Verified gone at {time}"),
    Verdict.STILL_REACHABLE: N_("Still reachable at {time}"),
    Verdict.INCONCLUSIVE: N_("Checked at {time}: could not tell ({outcome})"),
}


@dataclass(frozen=True)
class CaptureView:
    capture: Capture
    files: list[Evidence]

    @property
    def outcome_label(self) -> str:
        return OUTCOME_LABELS.get(self.capture.outcome, self.capture.outcome)

    @property
    def verdict(self) -> Verdict | None:
        if self.capture.kind != VERIFY:
            return None
        return verdict_of(self.capture.outcome)


@dataclass(frozen=True)
class CaseCaptures:
    captures: list[CaptureView]  # newest first
    pending: int  # jobs waiting (captures and verifications)
    next_check_at: datetime | None  # the earliest waiting verification

    @property
    def latest_verification(self) -> CaptureView | None:
        return next((c for c in self.captures if c.capture.kind == VERIFY), None)


def case_captures(*, session: Session, actor: Actor, case_id: int) -> CaseCaptures:
    """A case's captures and verifications, newest first, each with its evidence files,
    and what is still waiting; for anyone who may see the case."""
    load_case(session=session, actor=actor, case_id=case_id)
    captures = session.exec(
        select(Capture)
        .where(Capture.case_id == case_id)
        .order_by(Capture.captured_at.desc(), Capture.id.desc())
    ).all()
    files: dict[int, list[Evidence]] = {}
    if captures:
        for evidence in session.exec(
            select(Evidence)
            .where(Evidence.capture_id.in_([c.id for c in captures]))
            .order_by(Evidence.id)
        ):
            files.setdefault(evidence.capture_id, []).append(evidence)
    waiting = session.exec(
        select(CaptureJob.kind, CaptureJob.due_at).where(
            CaptureJob.case_id == case_id, CaptureJob.status == PENDING
        )
    ).all()
    checks = [due for kind, due in waiting if kind == VERIFY]
    return CaseCaptures(
        captures=[CaptureView(c, files.get(c.id, [])) for c in captures],
        pending=len(waiting),
        next_check_at=min(checks) if checks else None,
    )


@dataclass(frozen=True)
class CapturePanel:
    """Everything the case page shows about captures, read in one call."""

    captures: CaseCaptures
    similar: list[SimilarCase]
    may_request: bool  # the viewer may ask for a capture or a check now
    enabled: bool  # capture is on for this case's platform


def capture_panel(
    *, session: Session, actor: Actor, case_id: int, settings: Settings
) -> CapturePanel:
    """A case's captures, the cases with near-identical images, and whether the viewer
    may ask for more; for anyone who may see the case."""
    captures = case_captures(session=session, actor=actor, case_id=case_id)
    case = load_case(session=session, actor=actor, case_id=case_id)
    return CapturePanel(
        captures=captures,
        similar=similar_cases(session=session, actor=actor, case_id=case_id, settings=settings),
        may_request=may_request_capture(actor),
        enabled=capture_allowed(settings, case.platform_code),
    )


__all__ = [
    "VERDICT_LABELS",
    "CapturePanel",
    "CaptureView",
    "CaseCaptures",
    "Outcome",
    "capture_panel",
    "case_captures",
]
