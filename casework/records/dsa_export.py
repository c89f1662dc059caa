"""Platform decisions as statements of reasons, in two exports named for what they are.

- The EU submission (`eu_submission`): one platform's statements that the EU's DSA
  Transparency Database accepts — decisions with at least one restriction and at least
  one EU/EEA country in scope, the scope cut to those countries — in batches of at most
  100 in the shape `POST /api/v1/statements` takes, with a report of every decision held
  back and why. The API takes the platform from the submitter's token, so each platform
  submits its own.
- Pantau's Indonesian record (`indonesian_record`): every decision, "no action" and the
  Indonesian scope kept, in the same field names. DSA-shaped, not for submission: its
  header says so."""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime

from sqlmodel import Session, select

from casework.desk.access import log_denied
from casework.errors import PermissionDenied
from casework.people.actors import Actor, case_scope
from casework.people.permissions import may_export_decisions  # noqa: F401  (re-exported)
from casework.records.dsa_mappings import Mappings
from casework.records.dsa_statements import DUPLICATE_PUID, build_statement, indonesian_statement
from casework.records.dsa_values import BATCH_SIZE
from casework.records.exports import ExportFile
from casework.spreadsheet import csv_bytes
from db.models import Case, Decision, Organisation, Platform, Region

DEFAULT_ZONE = "Asia/Jakarta"


@dataclass
class HeldBack:
    """A decision left out of the EU submission, and why (message ids, values)."""

    puid: str
    case_reference: str
    decision_id: int
    problems: list[tuple[str, dict]]


@dataclass
class EuSubmission:
    platform_code: str
    batches: list[dict] = field(default_factory=list)  # each {"statements": [...]}
    held_back: list[HeldBack] = field(default_factory=list)

    @property
    def statement_count(self) -> int:
        return sum(len(b["statements"]) for b in self.batches)


class _Context:
    """What every statement needs besides its decision and case, read once."""

    def __init__(self, session: Session):
        self.mappings = Mappings.load(session)
        self.zones = {
            r.code: r.time_zone
            for r in session.exec(select(Region).where(Region.level == "province"))
        }
        self.organisations = {o.id: o.name for o in session.exec(select(Organisation))}
        self.platforms = {p.code: p.name for p in session.exec(select(Platform))}

    def zone(self, case: Case) -> str:
        return self.zones.get(case.province_code or "", DEFAULT_ZONE)

    def source_identity(self, case: Case) -> str:
        return self.organisations.get(case.reporting_organisation_id, "")


def _decisions(
    session: Session,
    actor: Actor,
    *,
    since: datetime | None,
    until: datetime | None,
    platform_codes: tuple[str, ...],
) -> Iterator[tuple[Decision, Case]]:
    if not may_export_decisions(actor):
        log_denied(actor, "export_decisions")
        raise PermissionDenied()
    query = (
        select(Decision, Case)
        .join(Case, Case.id == Decision.case_id)
        .where(case_scope(actor))
        .order_by(Decision.decided_at, Decision.id)
    )
    if platform_codes:
        query = query.where(Case.platform_code.in_(platform_codes))
    if since is not None:
        query = query.where(Decision.decided_at >= since)
    if until is not None:
        query = query.where(Decision.decided_at < until)
    yield from session.exec(query.execution_options(yield_per=1000))


def eu_submission(
    *,
    session: Session,
    actor: Actor,
    platform_code: str,
    since: datetime | None = None,
    until: datetime | None = None,
) -> EuSubmission:
    """One platform's statements for the EU's database, in batches, and what was held
    back. A second decision with a PUID already used is held back, never renamed."""
    context = _Context(session)
    result = EuSubmission(platform_code=platform_code)
    accepted: list[dict] = []
    seen: set[str] = set()
    for decision, case in _decisions(
        session, actor, since=since, until=until, platform_codes=(platform_code,)
    ):
        built = build_statement(
            decision,
            case,
            mappings=context.mappings,
            zone=context.zone(case),
            source_identity=context.source_identity(case),
        )
        puid = built.statement["puid"]
        if puid in seen:
            built.problems.append((DUPLICATE_PUID, {}))
        if built.problems:
            result.held_back.append(HeldBack(puid, case.reference, decision.id, built.problems))
            continue
        seen.add(puid)
        accepted.append(built.statement)
    result.batches = [
        {"statements": accepted[i : i + BATCH_SIZE]} for i in range(0, len(accepted), BATCH_SIZE)
    ]
    return result


def eu_submission_zip(*, gettext: Callable[[str], str], **kwargs) -> bytes:
    """The EU submission as a ZIP: `statements-001.json` … (each the body of one
    `POST /api/v1/statements`) and `held-back.csv` (one row per decision left out)."""
    return _submission_zip(eu_submission(**kwargs), gettext)


def eu_submission_file(*, gettext: Callable[[str], str], **kwargs) -> ExportFile:
    """The EU submission's ZIP with the number of statements it holds, for the export
    trail (casework.records.exports)."""
    submission = eu_submission(**kwargs)
    return ExportFile(_submission_zip(submission, gettext), submission.statement_count)


def _submission_zip(submission: EuSubmission, gettext: Callable[[str], str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for number, batch in enumerate(submission.batches, start=1):
            archive.writestr(
                f"statements-{number:03d}.json",
                json.dumps(batch, ensure_ascii=False, indent=1, sort_keys=True),
            )
        archive.writestr("held-back.csv", _held_back_csv(submission.held_back, gettext))
    return buffer.getvalue()


def _held_back_csv(rows: list[HeldBack], gettext: Callable[[str], str]) -> bytes:
    header = [gettext("Case number"), gettext("Decision"), "puid", gettext("Held back")]
    return csv_bytes(
        [
            header,
            *(
                [
                    row.case_reference,
                    row.decision_id,
                    row.puid,
                    " ".join(gettext(message).format(**values) for message, values in row.problems),
                ]
                for row in rows
            ),
        ]
    )


def indonesian_statements(
    *,
    session: Session,
    actor: Actor,
    since: datetime | None = None,
    until: datetime | None = None,
    platform_codes: tuple[str, ...] = (),
) -> Iterator[dict]:
    """Every decision in the actor's scope as Pantau's own DSA-shaped statement."""
    context = _Context(session)
    for decision, case in _decisions(
        session, actor, since=since, until=until, platform_codes=platform_codes
    ):
        yield indonesian_statement(
            decision,
            case,
            mappings=context.mappings,
            zone=context.zone(case),
            platform_name=context.platforms.get(case.platform_code, case.platform_code),
            source_identity=context.source_identity(case),
        )


def indonesian_record(*, gettext: Callable[[str], str], **kwargs) -> bytes:
    """Pantau's statements-of-reasons record as one JSON document whose header says it
    is not for submission to the EU's database."""
    return indonesian_record_file(gettext=gettext, **kwargs).data


def indonesian_record_file(*, gettext: Callable[[str], str], **kwargs) -> ExportFile:
    """The Indonesian record with the number of statements it holds."""
    statements = list(indonesian_statements(**kwargs))
    document = {
        "header": {
            "title": gettext("Pantau statements of reasons: Indonesian record"),
            "not_for_submission": True,
            "note": gettext(
                "Shaped like the EU DSA statement of reasons, but not for submission to the "
                "DSA Transparency Database: it keeps 'no action' decisions and the Indonesian "
                "territorial scope, which that database refuses. Use the EU submission export "
                "for that."
            ),
        },
        "statements": statements,
    }
    data = json.dumps(document, ensure_ascii=False, indent=1, sort_keys=True).encode("utf-8")
    return ExportFile(data, len(statements))
