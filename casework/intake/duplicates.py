"""Duplicate reports: the cases a new report's links already point at, and the two ways
an officer answers that: add the report to the existing case (which counts reports and
keeps each reporter), or file a new case anyway and link the two as related."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, or_
from sqlalchemy.orm.exc import StaleDataError
from sqlmodel import Session, select

from casework.desk.case_access import get_case, load_case
from casework.desk.cases import file_report
from casework.desk.filing import report_row
from casework.desk.schemas import ReportIn
from casework.desk.search import reindex
from casework.desk.validation import clean_additional_report, url_rows
from casework.desk.workflow import OPEN_STATUSES, STATUS_LABELS, Status
from casework.errors import InvalidTransition, StaleVersion, ValidationError
from casework.i18n import N_, Translatable
from casework.intake.urls import analyse_url, case_key, link_key
from casework.people.actors import Actor, case_scope
from casework.people.permissions import require, works_cases
from casework.records.audit import record_event
from casework.uow import service
from db.engine import begin_write
from db.models import Case, CaseLink, CaseReport, CaseUrl
from db.types import utcnow

# A case closed or rejected this recently is still worth pointing at: the same content
# reported again is more likely a reappearance than a new matter.
RECENT_DAYS = 30
MAX_MATCHES = 20

# Labels of the audit events written here, for the case timeline.
EVENT_LABELS = {
    "report_added": N_("Another report of the same content was added"),
    "case_linked": N_("Linked to a related case"),
}


@dataclass(frozen=True)
class DuplicateMatch:
    """A case whose links point at the same content as the report being written."""

    case_id: int
    reference: str
    title: str
    status: str
    platform_code: str
    matched_key: str
    report_count: int
    version: int  # what add_report_to_case needs
    created_at: datetime


def find_duplicates(
    *, session: Session, actor: Actor, urls: list[str], now: datetime | None = None
) -> list[DuplicateMatch]:
    """Cases `actor` may see whose links have a canonical key in common with `urls`:
    open cases, and cases closed or rejected in the last 30 days. Newest first. Links
    that are refused or carry no key (short links) match nothing."""
    infos = [info for info in map(analyse_url, urls) if info.ok]
    keys = sorted({i.content_key for i in infos if i.content_key})
    # A link without a content id (a short link) matches a case named by the very same
    # normalised link.
    link_keys = sorted({link_key(i.url) for i in infos if not i.content_key})
    if not keys and not link_keys:
        return []
    now = now or utcnow()
    recent = or_(
        Case.status.in_(sorted(OPEN_STATUSES)),
        and_(
            Case.status.in_((Status.CLOSED, Status.REJECTED)),
            Case.closed_at >= now - timedelta(days=RECENT_DAYS),
        ),
    )
    rows = []
    if keys:
        rows += session.exec(
            select(Case, CaseUrl.canonical_key)
            .join(CaseUrl, CaseUrl.case_id == Case.id)
            .where(CaseUrl.canonical_key.in_(keys), case_scope(actor), recent)
            .order_by(Case.created_at.desc(), Case.id.desc(), CaseUrl.id)
        ).all()
    if link_keys:
        rows += session.exec(
            select(Case, Case.content_key)
            .where(Case.content_key.in_(link_keys), case_scope(actor), recent)
            .order_by(Case.created_at.desc(), Case.id.desc())
            .limit(MAX_MATCHES)
        ).all()
        rows.sort(key=lambda row: (row[0].created_at, row[0].id), reverse=True)
    matches: dict[int, DuplicateMatch] = {}
    for case, key in rows:
        if case.id in matches:
            continue
        if len(matches) == MAX_MATCHES:
            break
        matches[case.id] = DuplicateMatch(
            case_id=case.id,
            reference=case.reference,
            title=case.title,
            status=case.status,
            platform_code=case.platform_code,
            matched_key=key,
            report_count=case.report_count,
            version=case.version,
            created_at=case.created_at,
        )
    # End the read here. Filing usually follows in the same session, and on SQLite a
    # write cannot join a read transaction whose snapshot another writer has moved on
    # from: it fails at once with "database is locked" instead of queueing for the
    # lock (found by bench/load.py at 30 sessions). A fresh transaction queues.
    session.rollback()
    return list(matches.values())


@service
def add_report_to_case(
    *,
    session: Session,
    actor: Actor,
    case_id: int,
    version: int,
    report: ReportIn,
    now: datetime | None = None,
) -> Case:
    """Record another report of a case's content: its reporter, source, reporting office
    and link are kept as a report of their own, links the case lacks join it, and the
    case counts one report more. A merged case takes no reports; its survivor does."""
    require(actor, works_cases, "add_report_to_case", case_id=case_id)
    now = now or utcnow()
    begin_write(session)
    case = load_case(session=session, actor=actor, case_id=case_id, attempted="add_report")
    if case.version != version:
        raise StaleVersion()
    if case.status == Status.MERGED:
        raise InvalidTransition(status=Translatable(STATUS_LABELS[Status.MERGED]))
    cleaned, infos = clean_additional_report(session, report, platform_code=case.platform_code)
    known = set(session.exec(select(CaseUrl.url).where(CaseUrl.case_id == case.id)))
    new_urls = [row for row in url_rows(infos, case.platform_code) if row.url not in known]
    # One flush of the case, so its version moves by exactly one.
    with session.no_autoflush:
        case.report_count += 1
        case.updated_at = now
        if case.content_key is None:
            case.content_key = case_key([(u.url, u.canonical_key) for u in new_urls])
    session.add(case)
    _flush(session)
    entry = CaseReport(
        **report_row(
            case_id=case.id, actor=actor, at=now, url=infos[0].url if infos else None, **cleaned
        )
    )
    session.add(entry)
    for row in new_urls:
        row.case_id = case.id
        row.created_at = now
        session.add(row)
    session.flush()
    if new_urls:
        reindex(session, [case.id])
    # The reporter's identity stays out of the trail: it is readable in the report row.
    record_event(
        session,
        action="report_added",
        actor_id=actor.user_id,
        case_id=case.id,
        at=now,
        detail={"report_id": entry.id, "source": entry.source, "links_added": len(new_urls)},
    )
    return case


@service
def file_and_link(
    *,
    session: Session,
    actor: Actor,
    report: ReportIn,
    related_case_id: int,
    now: datetime | None = None,
) -> Case:
    """File `report` as a new case although it matches `related_case_id`, and link the
    two as related both ways, each link in its case's audit trail. One unit of work:
    the filing and the links commit together or not at all."""
    require(actor, works_cases, "file_and_link", case_id=related_case_id)
    now = now or utcnow()
    begin_write(session)
    related = load_case(
        session=session, actor=actor, case_id=related_case_id, attempted="file_and_link"
    )
    if related.status == Status.MERGED:
        raise ValidationError(
            {
                "related_case_id": N_(
                    "That case was itself merged; choose the case it was merged into."
                )
            }
        )
    case = file_report(session=session, actor=actor, report=report, now=now)
    for this, other in ((case, related), (related, case)):
        session.add(
            CaseLink(case_id=this.id, other_case_id=other.id, kind="related", created_at=now)
        )
        record_event(
            session,
            action="case_linked",
            actor_id=actor.user_id,
            case_id=this.id,
            at=now,
            detail={"related": other.reference, "kind": "related"},
        )
    return case


def related_cases(*, session: Session, actor: Actor, case_id: int) -> list[Case]:
    """The cases linked to `case_id` that `actor` may see, oldest link first."""
    get_case(session=session, actor=actor, case_id=case_id)
    return linked_cases(session, actor, case_id)


def linked_cases(session: Session, actor: Actor, case_id: int) -> list[Case]:
    """Related cases of a case whose scope the caller has checked."""
    query = (
        select(Case)
        .join(CaseLink, CaseLink.other_case_id == Case.id)
        .where(CaseLink.case_id == case_id, case_scope(actor))
        .order_by(CaseLink.id)
    )
    return list(session.exec(query))


def _flush(session: Session) -> None:
    try:
        session.flush()
    except StaleDataError as error:
        session.rollback()
        raise StaleVersion() from error


def _commit(session: Session) -> None:
    try:
        session.commit()
    except StaleDataError as error:
        session.rollback()
        raise StaleVersion() from error
