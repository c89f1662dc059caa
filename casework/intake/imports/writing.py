"""Writing an import, all or nothing: the plan's valid rows become new cases and further
reports of cases in one transaction, through the filing path (`casework/desk/filing.py`:
the year of a reference, the calendar that places a case's deadlines, the report row),
with one audit event per case and an ImportBatch. What each row becomes is decided again
under the office's write lock, by checking's own rule."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, insert, update
from sqlmodel import Session, select

from casework.capture.schedule import capture_allowed, capture_job_row
from casework.desk.access import log_denied
from casework.desk.filing import Calendar, reference_year, report_row
from casework.desk.references import reserve_references
from casework.desk.search import reindex
from casework.desk.workflow import Status
from casework.errors import PermissionDenied, ValidationError
from casework.i18n import N_
from casework.intake.imports.checking import (
    ADDED_REPORT,
    NEW_CASE,
    UNCHANGED,
    ImportPlan,
    RowPlan,
    _chunks,
    _classify,
    _clean_text,
    _Prepared,
    _require_importer,
)
from casework.people.actors import Actor
from casework.records.audit import record_events
from casework.settings import get_settings
from casework.uow import service
from db.engine import begin_write
from db.models import CaptureJob, Case, CaseReport, CaseUrl, ImportBatch, Organisation
from db.types import utcnow

FILE_REFUSED = N_("This file cannot be imported.")
ROWS_INVALID = N_(
    "Rows with problems: {count}. Correct them, or choose to import only the valid rows."
)


@dataclass(frozen=True)
class ImportResult:
    batch_id: int | None  # None when there was nothing to write
    cases_created: int
    reports_added: int  # reports beyond each new case's first, and on existing cases
    unchanged: int
    skipped_invalid: int
    references: list[str]  # of the new cases, in row order


@service
def commit_import(
    *,
    session: Session,
    actor: Actor,
    plan: ImportPlan,
    file_name: str,
    file_sha256: str,
    skip_invalid: bool = False,
    now: datetime | None = None,
) -> ImportResult:
    """Import the plan's valid rows in one transaction: new cases, further reports of
    cases (their report count goes up), one audit event per case, and an ImportBatch.

    Refused while some rows are invalid, unless the user chose to import only the valid
    ones (`skip_invalid`). What each row becomes is decided again under the write lock,
    so rows someone imported in the meantime are not imported twice."""
    _require_importer(actor, "commit_import")
    if plan.actor_id != actor.user_id or plan.organisation_id != actor.organisation_id:
        log_denied(actor, "commit_import", plan_actor=plan.actor_id)
        raise PermissionDenied()
    if plan.file_errors:
        raise ValidationError({"file": FILE_REFUSED}, FILE_REFUSED)
    if plan.invalid_rows and not skip_invalid:
        raise ValidationError({"file": ROWS_INVALID}, ROWS_INVALID, count=len(plan.invalid_rows))
    now = now or utcnow()
    begin_write(session)
    # Two imports of one office take turns (SQLite's write lock already does this), so
    # that both cannot file the same content as a new case.
    office = select(Organisation.id).where(Organisation.id == actor.organisation_id)
    session.execute(office.with_for_update())
    rows = _classify(session, actor.organisation_id, plan.prepared)
    skipped = len(plan.invalid_rows)
    unchanged = sum(1 for row in rows if row.outcome == UNCHANGED)
    if unchanged == len(rows):
        session.rollback()
        return ImportResult(None, 0, 0, unchanged, skipped, [])

    batch = ImportBatch(
        file_name=_clean_text(file_name, multiline=False)[0][:255] or "-",
        file_sha256=file_sha256,
        organisation_id=actor.organisation_id,
        created_by_id=actor.user_id,
        row_count=plan.total_rows,
        created_at=now,
    )
    session.add(batch)
    session.flush()
    writer = _Writer(session, actor, batch.id, now)
    references = writer.write(plan.prepared, rows)
    batch.cases_created = len(references)
    batch.reports_added = sum(1 for row in rows if row.outcome == ADDED_REPORT)
    session.add(batch)
    return ImportResult(
        batch.id, len(references), batch.reports_added, unchanged, skipped, references
    )


WRITE_CHUNK = 5000


class _Writer:
    """Bulk inserts through Core, one executemany per table for every few thousand rows:
    still one transaction, but the rows to insert never all sit in memory at once."""

    def __init__(self, session: Session, actor: Actor, batch_id: int, now: datetime):
        self.session, self.actor, self.batch_id, self.now = session, actor, batch_id, now
        self.settings = get_settings()
        self.connection = session.connection()
        self.calendar = Calendar(session, provinces=True)

    def write(self, prepared: list[_Prepared], rows: list[RowPlan]) -> list[str]:
        """Write every row that is not unchanged; returns the new cases' references."""
        by_row = {item.row: item for item in prepared}
        written = [row for row in rows if row.outcome != UNCHANGED]
        # Reports per case, known before anything is written: each case's count and its
        # audit event are written once, complete.
        joined = Counter(row.same_as_row for row in written if row.same_as_row is not None)
        added = Counter(row.case_id for row in written if row.case_id is not None)
        leader_count = sum(1 for row in written if row.outcome == NEW_CASE)
        year = reference_year(self.now)
        references = reserve_references(self.session, year, leader_count)
        unused = iter(references)
        known_urls = self._existing_urls(list(added))
        case_ids: dict[int, int] = {}  # the row that files a new case → its id
        announced: set[int] = set()
        for chunk in _chunks(written, WRITE_CHUNK):
            leaders = [by_row[row.row] for row in chunk if row.outcome == NEW_CASE]
            details = self._insert_cases(leaders, [next(unused) for _ in leaders], joined)
            case_ids.update((row, case_id) for row, case_id, _ in details)
            events = [self._event(case_id, "case_filed", detail) for _, case_id, detail in details]
            url_rows, report_rows, capture_rows = [], [], []
            for row in chunk:
                item = by_row[row.row]
                case_id = row.case_id or case_ids[row.same_as_row or row.row]
                if row.outcome == NEW_CASE and capture_allowed(
                    self.settings, item.values.get("platform_code")
                ):
                    # A new case's links are captured, as when it is filed by hand.
                    capture_rows.extend(
                        capture_job_row(case_id, url, self.now) for url, *_ in item.urls
                    )
                if row.case_id is not None and case_id not in announced:
                    announced.add(case_id)  # an existing case's event: once, complete
                    detail = {"import_batch": self.batch_id, "reports": added[case_id]}
                    events.append(self._event(case_id, "reports_imported", detail))
                for url, key, platform, needs_review in item.urls:
                    if (case_id, url) not in known_urls:
                        known_urls.add((case_id, url))
                        url_rows.append(self._url_row(case_id, url, key, platform, needs_review))
                report_rows.append(self._report_row(case_id, item, row.outcome == NEW_CASE))
            if url_rows:
                self.connection.execute(insert(CaseUrl.__table__), url_rows)
            if capture_rows:
                self.connection.execute(insert(CaptureJob.__table__), capture_rows)
            self.connection.execute(insert(CaseReport.__table__), report_rows)
            record_events(self.session, events)
        reindex(self.session, [*case_ids.values(), *added])
        if added:
            table = Case.__table__
            self.connection.execute(
                update(table)
                .where(table.c.id == bindparam("b_id"))
                .values(
                    report_count=table.c.report_count + bindparam("b_count"),
                    version=table.c.version + 1,
                    updated_at=bindparam("b_now"),
                ),
                [{"b_id": i, "b_count": n, "b_now": self.now} for i, n in added.items()],
            )
        return references

    def _insert_cases(
        self, leaders: list[_Prepared], references: list[str], joined: Counter
    ) -> list[tuple[int, int, dict[str, Any]]]:
        """Insert new cases; (row, case id, audit detail) for each."""
        if not leaders:
            return []
        now, rows = self.now, []
        for item, reference in zip(leaders, references, strict=True):
            values = dict(item.values)
            values.update(
                self.calendar.place(
                    posted_at=values["posted_at"],
                    province_code=values["province_code"],
                    regency_code=values.get("regency_code"),
                    priority=values["priority"],
                    now=now,
                )
            )
            values.update(
                reference=reference,
                status=Status.NEW.value,
                version=1,
                reporting_organisation_id=self.actor.organisation_id,
                created_by_id=self.actor.user_id,
                report_count=1 + joined.get(item.row, 0),
                content_key=item.key,
                first_seen_at=values.get("first_seen_at") or now,
                created_at=now,
                updated_at=now,
            )
            rows.append(values)
        self.connection.execute(insert(Case.__table__), rows)
        # The ids back by reference (unique, and reserved for this import): RETURNING in
        # parameter order would make SQLite insert one row per statement.
        query = select(Case.reference, Case.id).where(Case.reference.in_(references))
        found = dict(self.session.execute(query).all())
        return [
            (
                item.row,
                found[values["reference"]],
                {
                    "reference": values["reference"],
                    "platform": values["platform_code"],
                    "category": values["category_code"],
                    "priority": values["priority"],
                    "import_batch": self.batch_id,
                    "reports": values["report_count"],
                },
            )
            for item, values in zip(leaders, rows, strict=True)
        ]

    def _existing_urls(self, case_ids: list[int]) -> set[tuple[int, str]]:
        known: set[tuple[int, str]] = set()
        for chunk in _chunks(case_ids):
            query = select(CaseUrl.case_id, CaseUrl.url).where(CaseUrl.case_id.in_(chunk))
            known.update((case_id, url) for case_id, url in self.session.execute(query))
        return known

    def _event(self, case_id: int, action: str, detail: dict[str, Any]) -> dict[str, Any]:
        event = {"action": action, "case_id": case_id, "actor_id": self.actor.user_id}
        if action == "case_filed":
            event["to_status"] = Status.NEW.value
        return {**event, "detail": detail, "at": self.now}

    def _url_row(self, case_id, url, key, platform, needs_review) -> dict[str, Any]:
        return {
            "case_id": case_id,
            "url": url,
            "canonical_key": key,
            "platform_code": platform,
            "needs_review": needs_review,
            "created_at": self.now,
        }

    def _report_row(self, case_id: int, item: _Prepared, first: bool) -> dict[str, Any]:
        values = item.values
        # A further report keeps what its reporter wrote; the first one is the case itself.
        note = "\n\n".join(t for t in (values["title"], values["description"]) if t)
        return report_row(
            case_id=case_id,
            actor=self.actor,
            at=self.now,
            source=values["source"],
            reporter_name=values["reporter_name"],
            reporter_contact=values["reporter_contact"],
            url=item.urls[0][0],
            note=None if first else note,
            import_batch_id=self.batch_id,
        )
