"""Exports of the statutory track: the status announcement of a laporan (PDF and CSV,
in the reader's language, never the pelapor's contact) and the berkas, the chronological
case file for Sentra Gakkumdu that references the case's evidence bundle."""

from __future__ import annotations

from sqlmodel import Session, select

from casework.desk.case_access import children_of, load_case
from casework.desk.timeline import event_label
from casework.desk.workflow import STATUS_LABELS
from casework.errors import ValidationError
from casework.i18n import N_, format_date, format_datetime, translator
from casework.people.actors import Actor
from casework.people.permissions import require, works_cases
from casework.records.audit import record_event
from casework.records.bundles import build_bundle
from casework.spreadsheet import csv_bytes
from casework.statutory.forwarding import BODY_LABELS, RESPONSE_LABELS, case_forwardings
from casework.statutory.intake import TERLAPOR_STATUS_LABELS
from casework.statutory.kajian import CONCLUSION_LABELS, VIOLATION_KIND_LABELS, case_kajian
from casework.statutory.letters import text_pdf
from casework.statutory.stages import INTAKE_TYPE_LABELS, STAGE_LABELS
from casework.uow import service
from db.models import AuditEvent, Case, Comment, Decision, Evidence, Kajian, Letter
from db.types import utcnow


def _require_caseworker(actor: Actor, attempted: str, case_id: int) -> None:
    require(actor, works_cases, attempted, case_id=case_id)


def announcement_rows(session: Session, case: Case, language: str) -> list[tuple[str, str]]:
    """The status announcement of one laporan as (label, value) pairs in `language`.
    It names the pelapor (the law requires the announcement) but never their contact."""
    _ = translator(language)
    awal = case_kajian(session, case.id, "awal")
    kajian = case_kajian(session, case.id)
    approved = kajian if kajian is not None and kajian.state == "approved" else None
    if awal is None:
        registration = _("Awaiting preliminary review")
    else:
        registration = _("Registered (diregistrasi)") if awal.registered else _("Not registered")
    rows = [
        (_("Case number"), case.reference),
        (_("Intake type"), _(INTAKE_TYPE_LABELS.get(case.intake_type, case.intake_type))),
        (_("Reporter"), case.reporter_name or "-"),
        (_("Reported party"), case.terlapor_name or "-"),
        (
            _("Reported party's status"),
            _(TERLAPOR_STATUS_LABELS[case.terlapor_status]) if case.terlapor_status else "-",
        ),
        (_("Filed"), format_date(case.created_at.date(), language=language)),
        (_("Registration"), registration),
        (_("Reason"), (awal.reason if awal and not awal.registered else "") or "-"),
        (_("Handling stage"), _(STAGE_LABELS.get(case.statutory_stage, "-"))),
        (_("Conclusion"), _(CONCLUSION_LABELS[approved.conclusion]) if approved else "-"),
        (
            _("Kind of violation"),
            _(VIOLATION_KIND_LABELS[approved.violation_kind]) if approved else "-",
        ),
        (
            _("Forwarded to"),
            ", ".join(
                f"{_(BODY_LABELS[f.body])} ({_(RESPONSE_LABELS[f.response])})"
                for f in case_forwardings(session, case.id)
            )
            or "-",
        ),
        (_("Content action"), _(STATUS_LABELS.get(case.status, case.status))),
    ]
    return rows


@service
def status_announcement(
    *, session: Session, actor: Actor, case_id: int, fmt: str = "pdf", language: str = "id"
) -> bytes:
    """The status announcement of a laporan as PDF or CSV; audited."""
    _require_caseworker(actor, "export_status_announcement", case_id)
    case = load_case(
        session=session, actor=actor, case_id=case_id, attempted="export_status_announcement"
    )
    if case.intake_type != "laporan":
        raise ValidationError({"case": N_("Only a report (laporan) has a status announcement.")})
    if fmt not in ("pdf", "csv"):
        raise ValidationError({"format": N_("Choose a value from the list.")})
    rows = announcement_rows(session, case, language)
    _ = translator(language)
    record_event(
        session,
        action="status_announcement_exported",
        actor_id=actor.user_id,
        case_id=case.id,
        detail={"format": fmt, "language": language},
    )
    if fmt == "csv":
        return csv_bytes([[_("Field"), _("Value")], *rows])
    title = _("Status announcement of report {reference}").format(reference=case.reference)
    return text_pdf(title, [("", "\n".join(f"{label}: {value}" for label, value in rows))])


@service
def berkas(*, session: Session, actor: Actor, case_id: int, language: str = "id") -> bytes:
    """The case file for Sentra Gakkumdu: one chronological PDF of the complaint, the
    kajian, the letters, the platform's and Komdigi's answers and the evidence manifest
    with hashes, naming the SHA-256 of the case's evidence bundle manifest."""
    _require_caseworker(actor, "export_berkas", case_id)
    case = load_case(session=session, actor=actor, case_id=case_id, attempted="export_berkas")
    _ = translator(language)
    _bundle, manifest_sha = build_bundle(
        session=session, actor=actor, case_ids=[case.id], language=language
    )
    zone = "Asia/Jakarta"

    def when(value) -> str:
        return format_datetime(value, language=language, time_zone=zone)

    entries: list[tuple] = []
    entries.append(
        (
            case.created_at,
            _("Complaint"),
            "\n".join(
                [
                    f"{_('Intake type')}: {_(INTAKE_TYPE_LABELS.get(case.intake_type, ''))}",
                    f"{_('Reporter')}: {case.reporter_name or '-'}",
                    f"{_('Reported party')}: {case.terlapor_name or '-'}",
                    f"{_('Place')}: {case.incident_place or '-'}",
                    f"{_('Time')}: {when(case.incident_at) if case.incident_at else '-'}",
                    case.title,
                    case.description or "",
                ]
            ),
        )
    )
    for kajian in children_of(session, Kajian, case.id):
        if kajian.kind == "awal":
            outcome = N_("Registered (diregistrasi)") if kajian.registered else N_("Not registered")
            text = _(outcome) + (f": {kajian.reason}" if kajian.reason else "")
            entries.append((kajian.drafted_at, _("Preliminary review"), text))
        else:
            text = "\n".join(
                [
                    f"{_('Facts')}: {kajian.facts}",
                    f"{_('Analysis')}: {kajian.analysis}",
                    f"{_('Conclusion')}: {_(CONCLUSION_LABELS.get(kajian.conclusion, '-'))}",
                    f"{_('Kind of violation')}: "
                    f"{_(VIOLATION_KIND_LABELS.get(kajian.violation_kind, '-'))}",
                    f"{_('Recommendation')}: {kajian.recommendation or '-'}",
                ]
            )
            entries.append((kajian.approved_at or kajian.drafted_at, _("Review (kajian)"), text))
    for letter in children_of(session, Letter, case.id):
        entries.append((letter.created_at, f"{_('Letter')} {letter.number}", letter.body))
    for forwarding in case_forwardings(session, case.id):
        if forwarding.responded_at is not None:
            answer = _(RESPONSE_LABELS[forwarding.response])
            if forwarding.order_number:
                answer += f": {forwarding.order_number} ({forwarding.order_date})"
            if forwarding.response_note:
                answer += f"\n{forwarding.response_note}"
            entries.append((forwarding.responded_at, f"{_(BODY_LABELS[forwarding.body])}", answer))
    for decision in children_of(session, Decision, case.id):
        entries.append(
            (
                decision.created_at,
                _("Platform decision"),
                f"{', '.join(decision.decisions)}: {decision.explanation}",
            )
        )
    for comment in session.exec(
        select(Comment).where(Comment.case_id == case.id, Comment.visibility == "shared")
    ):
        entries.append((comment.created_at, _("Comment"), comment.body))
    entries.sort(key=lambda entry: entry[0])
    blocks = [(f"{when(at)} · {heading}", text) for at, heading, text in entries]
    evidence = children_of(session, Evidence, case.id)
    blocks.append(
        (
            _("Evidence manifest (SHA-256)"),
            "\n".join(f"{e.file_name}  {e.sha256}  {e.size}" for e in evidence) or "-",
        )
    )
    blocks.append(
        (
            _("Evidence bundle"),
            _("SHA-256 of the evidence bundle's manifest: {sha}").format(sha=manifest_sha),
        )
    )
    events = session.exec(
        select(AuditEvent).where(AuditEvent.case_id == case.id).order_by(AuditEvent.id)
    ).all()
    blocks.append(
        (
            _("Events"),
            "\n".join(f"{when(e.created_at)}  {_(event_label(e.action))}" for e in events),
        )
    )
    record_event(
        session,
        action="berkas_exported",
        actor_id=actor.user_id,
        case_id=case.id,
        at=utcnow(),
        detail={"bundle_manifest_sha256": manifest_sha},
    )
    title = _("Case file for Gakkumdu {reference}").format(reference=case.reference)
    return text_pdf(title, blocks)
