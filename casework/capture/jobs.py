"""The capture queue: jobs made when a case is filed, when an officer asks, and after a
platform records a removal; and how a worker claims one. A claim moves the job's
`due_at` past a lease in one conditional UPDATE, so any number of workers, on SQLite or
PostgreSQL, never take the same job, and a job whose worker died comes due again."""

from __future__ import annotations

from datetime import datetime, timedelta
from urllib.parse import urlsplit

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from casework.capture.schedule import (
    CAPTURE,
    FAILED,
    PENDING,
    VERIFY,
    capture_allowed,
    enqueue_jobs,
)
from casework.desk.access import log_denied
from casework.desk.cases import load_case
from casework.desk.workflow import Status
from casework.errors import PermissionDenied, ValidationError
from casework.i18n import N_
from casework.people.actors import Actor
from casework.people.roles import OrgKind, Role
from casework.records.audit import record_event
from casework.settings import Settings
from casework.uow import service
from db.engine import begin_write
from db.models import CaptureJob, CaseUrl, Organisation, User
from db.types import utcnow

CAPTURE_USERNAME = "pantau-capture"
CAPTURE_DISPLAY_NAME = "Pantau capture"
FIRST_BACKOFF = timedelta(seconds=30)
MAX_BACKOFF = timedelta(hours=1)

CAPTURE_OFF = N_("Capture is turned off for this platform or this installation.")
NO_LINKS = N_("This case has no link to capture.")
MERGED = N_("This case was merged into another case; ask for captures there.")


def backoff(attempts: int) -> timedelta:
    """The wait after the `attempts`-th failed try: 30 s, doubling, at most an hour."""
    return min(FIRST_BACKOFF * 2 ** max(0, attempts - 1), MAX_BACKOFF)


def may_request_capture(actor: Actor) -> bool:
    """Captures are the supervisory body's evidence: its officers and leads ask for them."""
    return actor.is_supervisory_caseworker


@service
def request_capture(
    *,
    session: Session,
    actor: Actor,
    case_id: int,
    settings: Settings,
    verify: bool = False,
    now: datetime | None = None,
) -> int:
    """Capture (or, with `verify`, check again) every link of a case now; returns how
    many jobs were queued (a link already waiting is not queued twice)."""
    if not may_request_capture(actor):
        log_denied(actor, "request_capture", case_id=case_id)
        raise PermissionDenied()
    now = now or utcnow()
    begin_write(session)
    case = load_case(session=session, actor=actor, case_id=case_id, attempted="request_capture")
    if not capture_allowed(settings, case.platform_code):
        raise ValidationError({"capture": CAPTURE_OFF}, CAPTURE_OFF)
    if case.status == Status.MERGED:
        raise ValidationError({"capture": MERGED}, MERGED)
    urls = [row.url for row in session.exec(select(CaseUrl).where(CaseUrl.case_id == case.id))]
    if not urls:
        raise ValidationError({"capture": NO_LINKS}, NO_LINKS)
    kind = VERIFY if verify else CAPTURE
    jobs = enqueue_jobs(
        session, case, urls, kind=kind, due_at=now, now=now, requested_by_id=actor.user_id
    )
    record_event(
        session,
        action="capture_requested",
        actor_id=actor.user_id,
        case_id=case.id,
        at=now,
        detail={"kind": kind, "links": len(jobs)},
    )
    return len(jobs)


def host_of(url: str) -> str:
    return (urlsplit(url).hostname or "").lower()


def claim_next(
    session: Session,
    *,
    worker: str,
    lease: timedelta,
    now: datetime | None = None,
    resting_hosts: frozenset[str] = frozenset(),
) -> CaptureJob | None:
    """Take the next due job whose host is not resting (the per-host rate limit), or
    None. The claim counts as an attempt, so a job that kills its worker every time
    still ends."""
    now = now or utcnow()
    due = session.exec(
        select(CaptureJob.id, CaptureJob.url)
        .where(CaptureJob.status == PENDING, CaptureJob.due_at <= now)
        .order_by(CaptureJob.due_at, CaptureJob.id)
        .limit(50)
    ).all()
    session.rollback()
    for job_id, url in due:
        if host_of(url) in resting_hosts:
            continue
        begin_write(session)
        taken = session.execute(
            update(CaptureJob)
            .where(
                CaptureJob.id == job_id,
                CaptureJob.status == PENDING,
                CaptureJob.due_at <= now,
            )
            .values(
                due_at=now + lease,
                attempts=CaptureJob.attempts + 1,
                claimed_by=worker,
            )
        ).rowcount
        session.commit()
        if taken == 1:
            return session.get(CaptureJob, job_id, populate_existing=True)
    return None


def retry_later(session: Session, job_id: int, *, worker: str, error: str, now: datetime) -> None:
    """Put a failed try back in the queue after its backoff."""
    begin_write(session)
    job = session.get(CaptureJob, job_id, populate_existing=True)
    if job is not None and job.status == PENDING and job.claimed_by == worker:
        job.due_at = now + backoff(job.attempts)
        job.last_error = error[:300]
        session.add(job)
    session.commit()


def capture_user_id(session: Session, *, organisation_id: int | None = None) -> int:
    """The account captures are recorded under ("Pantau capture"): it never signs in
    and receives no notifications. Made on first use, in the national office."""
    found = session.exec(select(User.id).where(User.username == CAPTURE_USERNAME)).first()
    if found is not None:
        return found
    national = session.exec(
        select(Organisation.id)
        .where(Organisation.kind == OrgKind.SUPERVISORY, Organisation.region_code.is_(None))
        .order_by(Organisation.id)
    ).first()
    organisation = national or organisation_id
    if organisation is None:
        organisation = session.exec(
            select(Organisation.id)
            .where(Organisation.kind == OrgKind.SUPERVISORY)
            .order_by(Organisation.id)
        ).first()
    if organisation is None:
        raise RuntimeError("no supervisory organisation to record captures under")
    session.rollback()
    begin_write(session)
    try:
        user = User(
            username=CAPTURE_USERNAME,
            display_name=CAPTURE_DISPLAY_NAME,
            role=Role.OFFICER,
            organisation_id=organisation,
            language="en",
            is_api=True,
        )
        session.add(user)
        session.commit()
        return user.id
    except IntegrityError:
        session.rollback()  # another worker made it first
        return session.exec(select(User.id).where(User.username == CAPTURE_USERNAME)).one()


def give_up(session: Session, job_id: int, *, worker: str, reason: str, now: datetime) -> None:
    """End a job without a capture (capture was turned off after it was queued)."""
    begin_write(session)
    job = session.get(CaptureJob, job_id, populate_existing=True)
    if job is not None and job.status == PENDING and job.claimed_by == worker:
        job.status = FAILED
        job.finished_at = now
        job.last_error = reason[:300]
        session.add(job)
    session.commit()
