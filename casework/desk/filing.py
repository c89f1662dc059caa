"""One filing path: what every new case and every further report is built from.

The New report form (`submit_report`), the duplicate flow (`duplicates.add_report_to_case`,
`duplicates.file_and_link`), a single filing (`cases.file_report`) and the spreadsheet
import (`imports`' writer) all take from here: the year of a reference, the time zone of
a province, the default priority and the election phase of a report (`Calendar`), and
the report row kept for each reporter (`report_row`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlmodel import Session, select

from casework.desk.schemas import ReportIn
from casework.errors import DomainError
from casework.people.actors import Actor
from casework.reference.elections import load_calendar
from casework.settings import Settings
from casework.uow import in_unit, unit_of_work
from db.models import Case, Region

# References carry the year as the national office counts it (WIB): a case filed at
# 00:30 WIB on 1 January belongs to the new year.
REFERENCE_ZONE = ZoneInfo("Asia/Jakarta")
DEFAULT_ZONE = "Asia/Jakarta"


def reference_year(now: datetime) -> int:
    """The year a case filed at `now` counts in its reference."""
    return now.astimezone(REFERENCE_ZONE).year


class Calendar:
    """The election calendar (casework.reference.elections) and the provinces' time zones, read
    once per filing (or per import): where and when a report falls decides its phase
    and, unless given, its priority."""

    def __init__(self, session: Session, *, provinces: bool = False):
        self.session = session
        self.elections = load_calendar(session)
        self._zones: dict[str, str] | None = None
        if provinces:
            query = select(Region.code, Region.time_zone).where(Region.level == "province")
            self._zones = dict(session.execute(query).all())

    def zone_of(self, province_code: str | None) -> str:
        """The time zone of a province (Jakarta's when unknown)."""
        if not province_code:
            return DEFAULT_ZONE
        if self._zones is not None:
            return self._zones.get(province_code, DEFAULT_ZONE)
        region = self.session.get(Region, province_code)
        return region.time_zone if region else DEFAULT_ZONE

    def place(
        self,
        *,
        posted_at: datetime | None,
        province_code: str | None,
        regency_code: str | None,
        priority,
        now: datetime,
    ) -> dict[str, Any]:
        """The priority (the given one, else the default for when and where it was
        posted), the election and the phase of a report, as case fields; each chosen by
        the content's local date and its region."""
        zone = self.zone_of(province_code)
        if priority is None:
            priority = self.elections.priority_for(
                posted_at, zone, province_code, regency_code
            ).value
        local_day = (posted_at or now).astimezone(ZoneInfo(zone)).date()
        phase = self.elections.phase_for(local_day, province_code, regency_code)
        return {
            "priority": priority,
            "election_code": phase.election_code if phase else None,
            "phase": phase.phase if phase else None,
        }


def report_row(
    *,
    case_id: int,
    actor: Actor,
    at: datetime,
    source: str | None,
    reporter_name: str | None,
    reporter_contact: str | None,
    url: str | None,
    note: str | None = None,
    import_batch_id: int | None = None,
) -> dict[str, Any]:
    """The fields of one report of a case: who reported it, how, from which office."""
    return {
        "case_id": case_id,
        "source": source,
        "reporter_name": reporter_name,
        "reporter_contact": reporter_contact,
        "reporting_organisation_id": actor.organisation_id,
        "created_by_id": actor.user_id,
        "url": url,
        "note": note,
        "import_batch_id": import_batch_id,
        "received_at": at,
        "created_at": at,
    }


# --- the New report form's use case ------------------------------------------------------


@dataclass
class Submitted:
    """What became of a submitted report: the matches to choose from (nothing filed),
    or the case it was filed as or added to, with the files that could not be attached."""

    duplicates: list = field(default_factory=list)
    case: Case | None = None
    failed_files: list[tuple[str, DomainError]] = field(default_factory=list)


def submit_report(
    *,
    session: Session,
    actor: Actor,
    report: ReportIn,
    files: list[tuple[str, bytes]],
    settings: Settings,
    add_to: tuple[int, int] | None = None,
    link_to: int | None = None,
) -> Submitted:
    """File what an officer found, the way the New report form does: every file is
    checked before anything is filed; a report whose links match open cases is not
    filed but answered with the matches, unless the officer chose to add it to one
    (`add_to`: case id and version) or to file it linked to one (`link_to`: case id).
    The report is filed in one unit of work; each file is then attached in a unit of
    its own, so a file refused now (the same one twice, say) leaves the filing alone.
    It runs its own units: call it outside any."""
    from casework.desk.cases import file_report
    from casework.intake.duplicates import add_report_to_case, file_and_link, find_duplicates
    from casework.intake.evidence import add_evidence, check_file

    assert not in_unit(session), "submit_report runs units of its own"
    for _name, data in files:
        check_file(data, settings=settings)
    if add_to is None and link_to is None:
        matches = find_duplicates(session=session, actor=actor, urls=report.urls)
        if matches:
            return Submitted(duplicates=matches)
        session.rollback()  # end the read: the filing takes the write lock afresh
    with unit_of_work(session):
        if add_to is not None:
            case_id, version = add_to
            case = add_report_to_case(
                session=session, actor=actor, case_id=case_id, version=version, report=report
            )
        elif link_to is not None:
            case = file_and_link(
                session=session, actor=actor, report=report, related_case_id=link_to
            )
        else:
            case = file_report(session=session, actor=actor, report=report, settings=settings)
    failed = []
    for name, data in files:
        try:
            add_evidence(
                session=session,
                actor=actor,
                case_id=case.id,
                file_name=name,
                data=data,
                settings=settings,
            )
        except DomainError as error:
            failed.append((name, error))
    return Submitted(case=case, failed_files=failed)
