"""Reading the audit trail: every event, filtered and paged, for leads and admins, and
the chain check on demand.

Admins and national leads read every event. A regional lead reads the events of the
cases their office may see, and no event outside a case (sign-in settings, taxonomy
edits), which belong to the national office."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func
from sqlmodel import Session, select

from casework.clocks.service import rule_labels
from casework.desk.event_kinds import describe, event_label
from casework.desk.workflow import STATUS_LABELS, Status
from casework.i18n import format_datetime
from casework.people.actors import Actor, case_scope
from casework.people.permissions import may_read_audit, require
from casework.people.roles import Role
from casework.records.audit import ChainReport, verify_chain
from casework.records.checkpoints import CheckpointView, latest_checkpoints
from casework.reference.taxonomy import platforms, term_label, terms
from casework.spreadsheet import csv_bytes
from db.models import AuditEvent, Case, User

MAX_EXPORT = 100_000


@dataclass(frozen=True)
class AuditFilters:
    case_reference: str = ""
    actor_id: int | None = None
    action: str | None = None
    since: datetime | None = None
    until: datetime | None = None


@dataclass(frozen=True)
class AuditRow:
    id: int
    at: datetime
    case_reference: str | None
    actor: str | None
    action: str
    from_status: str | None
    to_status: str | None
    detail: dict
    hash: str


def _reads_everything(actor: Actor) -> bool:
    return actor.role == Role.ADMIN or actor.is_national


def _require(actor: Actor, attempted: str) -> None:
    require(actor, may_read_audit, attempted)


def _query(actor: Actor, filters: AuditFilters):
    query = (
        select(AuditEvent, Case.reference, User.display_name)
        .outerjoin(Case, Case.id == AuditEvent.case_id)
        .outerjoin(User, User.id == AuditEvent.actor_id)
    )
    if not _reads_everything(actor):
        query = query.where(AuditEvent.case_id.is_not(None), case_scope(actor))
    reference = filters.case_reference.strip().upper()
    if reference:
        query = query.where(Case.reference == reference)
    if filters.actor_id is not None:
        query = query.where(AuditEvent.actor_id == filters.actor_id)
    if filters.action:
        query = query.where(AuditEvent.action == filters.action)
    if filters.since is not None:
        query = query.where(AuditEvent.created_at >= filters.since)
    if filters.until is not None:
        query = query.where(AuditEvent.created_at < filters.until)
    return query


def _row(event: AuditEvent, reference: str | None, name: str | None) -> AuditRow:
    return AuditRow(
        id=event.id,
        at=event.created_at,
        case_reference=reference,
        actor=name,
        action=event.action,
        from_status=event.from_status,
        to_status=event.to_status,
        detail=event.detail,
        hash=event.hash,
    )


def list_audit_events(
    *,
    session: Session,
    actor: Actor,
    filters: AuditFilters | None = None,
    page: int = 1,
    page_size: int = 100,
) -> tuple[list[AuditRow], int]:
    """One page of events, newest first, and how many match."""
    _require(actor, "read_audit_log")
    query = _query(actor, filters or AuditFilters())
    total = session.exec(select(func.count()).select_from(query.subquery())).one()
    page_size = max(1, min(page_size, 500))
    rows = session.exec(
        query.order_by(AuditEvent.id.desc()).offset((max(1, page) - 1) * page_size).limit(page_size)
    ).all()
    return [_row(*row) for row in rows], total


def audit_actions(*, session: Session, actor: Actor) -> list[str]:
    """The kinds of event recorded so far, for the filter."""
    _require(actor, "read_audit_log")
    return list(session.exec(select(AuditEvent.action).distinct().order_by(AuditEvent.action)))


# Which taxonomy kind names the codes of each detail.
_DETAIL_TERMS = {
    "category": "category",
    "decisions": "decision_type",
    "source": "source",
    "account_class": "account_class",
    "content_type": "content_type",
}


def detail_labels(session: Session, language: str) -> dict[tuple[str, str], str]:
    """(detail, code) → label for the codes events carry (categories, decision types,
    sources, platforms), so details read as words."""
    labels: dict[tuple[str, str], str] = {}
    for detail, kind in _DETAIL_TERMS.items():
        for term in terms(session, kind, active_only=False):
            labels[(detail, term.code)] = term_label(term, language)
    for platform in platforms(session, active_only=False):
        labels[("platform", platform.code)] = platform.name
    for code, label in rule_labels(session, language).items():
        labels[("rule", code)] = label
    return labels


def audit_csv(
    *, session: Session, actor: Actor, filters: AuditFilters, gettext, language: str, zone: str
) -> bytes:
    """The matching events (oldest first, at most MAX_EXPORT) as CSV with their hashes."""
    _require(actor, "export_audit_log")
    _ = gettext
    rows: list[list] = [
        [
            _("Event"),
            _("Time"),
            _("Case"),
            _("Who"),
            _("Action"),
            _("From"),
            _("To"),
            _("Detail"),
            _("Hash"),
        ]
    ]
    query = _query(actor, filters).order_by(AuditEvent.id).limit(MAX_EXPORT)
    labels = detail_labels(session, language)
    for event, reference, name in session.exec(query):
        rows.append(
            [
                event.id,
                format_datetime(event.created_at, language=language, time_zone=zone),
                reference or "",
                name,
                _(event_label(event.action)),
                _(STATUS_LABELS[Status(event.from_status)]) if event.from_status else "",
                _(STATUS_LABELS[Status(event.to_status)]) if event.to_status else "",
                describe(event.detail, gettext=_, language=language, labels=labels, time_zone=zone),
                event.hash,
            ]
        )
    return csv_bytes(rows)


def check_audit_chain(*, session: Session, actor: Actor) -> ChainReport:
    """Walk the whole chain and report the first broken event, if any."""
    _require(actor, "verify_audit_chain")
    return verify_chain(session)


def recent_checkpoints(*, session: Session, actor: Actor, limit: int = 10) -> list[CheckpointView]:
    """The newest signed checkpoints of the chain, newest first."""
    _require(actor, "read_audit_log")
    return latest_checkpoints(session, limit=limit)
