"""When captures are queued: every link of a newly filed case, and every link again
after a platform records a removal or restriction (after a configurable delay). Called
inside the filing's or the decision's own transaction; imports nothing from the case
services, which call it."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlmodel import Session, select

from casework.settings import Settings
from db.models import CaptureJob, Case, CaseUrl

CAPTURE = "capture"
VERIFY = "verify"
PENDING, DONE, FAILED = "pending", "done", "failed"


def capture_allowed(settings: Settings, platform_code: str | None) -> bool:
    """Whether links of this platform are captured at all (per installation, per platform)."""
    return settings.capture_enabled and platform_code not in set(settings.capture_off_platforms)


def enqueue_jobs(
    session: Session,
    case: Case,
    urls: list[str],
    *,
    kind: str,
    due_at: datetime,
    now: datetime,
    requested_by_id: int | None,
) -> list[CaptureJob]:
    pending = set(
        session.exec(
            select(CaptureJob.url).where(
                CaptureJob.case_id == case.id,
                CaptureJob.kind == kind,
                CaptureJob.status == PENDING,
            )
        ).all()
    )
    jobs = []
    for url in dict.fromkeys(urls):
        if url in pending:
            continue  # one waiting job per link is enough
        job = CaptureJob(
            case_id=case.id,
            url=url,
            kind=kind,
            due_at=due_at,
            requested_by_id=requested_by_id,
            created_at=now,
        )
        session.add(job)
        jobs.append(job)
    return jobs


def enqueue_filed_case(session: Session, case: Case, *, settings: Settings, now: datetime) -> None:
    """Capture every link of a newly filed case (inside the filing's transaction)."""
    if not capture_allowed(settings, case.platform_code):
        return
    urls = [row.url for row in session.exec(select(CaseUrl).where(CaseUrl.case_id == case.id))]
    enqueue_jobs(session, case, urls, kind=CAPTURE, due_at=now, now=now, requested_by_id=None)


def schedule_verification(
    session: Session, case: Case, decisions: list[str], *, settings: Settings, now: datetime
) -> None:
    """After a removal or restriction, check each link again once the delay has passed
    (inside the decision's transaction)."""
    if not set(decisions) & set(settings.capture_verify_decisions):
        return
    if not capture_allowed(settings, case.platform_code):
        return
    urls = [row.url for row in session.exec(select(CaseUrl).where(CaseUrl.case_id == case.id))]
    due = now + timedelta(hours=settings.capture_verify_delay_hours)
    enqueue_jobs(session, case, urls, kind=VERIFY, due_at=due, now=now, requested_by_id=None)


def capture_job_row(case_id: int, url: str, now: datetime) -> dict:
    """A capture job as a row for a bulk insert (the spreadsheet import)."""
    return {
        "case_id": case_id,
        "url": url,
        "kind": CAPTURE,
        "status": PENDING,
        "attempts": 0,
        "due_at": now,
        "created_at": now,
    }
