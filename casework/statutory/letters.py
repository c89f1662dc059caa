"""Numbered letters: the number from the office's scheme (Bawaslu's style, configurable
per office), the text from the template of the letter's kind and language (data an admin
replaces), and the DOCX and PDF renderings."""

from __future__ import annotations

import io
import re
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlmodel import Session, select

from casework.errors import ValidationError
from casework.i18n import N_
from casework.people.actors import Actor
from casework.people.permissions import is_supervisory_admin, require
from casework.people.roles import OrgKind
from casework.records.audit import record_event
from casework.uow import service
from db.models import (
    Case,
    Evidence,
    LegalGround,
    Letter,
    LetterSequence,
    LetterTemplate,
    OfficeLetterSetting,
    Organisation,
)

KINDS = ("platform_referral", "komdigi_request", "forwarding")
KIND_LABELS = {
    "platform_referral": N_("Referral to the platform"),
    "komdigi_request": N_("Request to Komdigi"),
    "forwarding": N_("Forwarding letter"),
}
LANGUAGES = ("id", "en")
# [L] Bawaslu numbers letters as <sequence>/<classification>/<unit>/<month>/<year>,
# e.g. 0123/PM.00.02/K1/02/2024 (PM: penanganan pelanggaran). An office replaces it.
DEFAULT_PATTERN = "{seq}/PM.00.02/{office}/{month}/{year}"
PLACEHOLDER = re.compile(r"\{(\w+)\}")
ZONE = ZoneInfo("Asia/Jakarta")

_ID_BODY = """Nomor: {number}
Tanggal: {date}
Kepada Yth. {addressee}

Perihal: {subject}

Dengan hormat,
{office} menyampaikan {subject_lower} atas kasus {reference} ({title}).

Fakta:
{facts}

Dasar hukum:
{legal_grounds}

Rekomendasi:
{recommendation}

Tautan konten:
{urls}

Daftar bukti (SHA-256):
{evidence}

Demikian disampaikan. Atas perhatian dan kerja samanya diucapkan terima kasih.

{signatory}
{office}"""

_EN_BODY = """Number: {number}
Date: {date}
To: {addressee}

Subject: {subject}

{office} sends this {subject_lower} on case {reference} ({title}).

Facts:
{facts}

Legal grounds:
{legal_grounds}

Recommendation:
{recommendation}

Content links:
{urls}

Evidence (SHA-256):
{evidence}

{signatory}
{office}"""

SUBJECTS = {
    ("platform_referral", "id"): "Permintaan penurunan konten (take down)",
    ("platform_referral", "en"): "Request to take down content",
    ("komdigi_request", "id"): "Permohonan pemutusan akses",
    ("komdigi_request", "en"): "Request for access termination",
    ("forwarding", "id"): "Penerusan dugaan pelanggaran",
    ("forwarding", "en"): "Forwarding of an alleged violation",
}


def default_template(kind: str, language: str) -> str:
    return _ID_BODY if language == "id" else _EN_BODY


def template_text(session: Session, kind: str, language: str) -> str:
    """The template of `kind` in `language`: the admin's, else the default."""
    row = session.get(LetterTemplate, (kind, language))
    return row.body if row is not None else default_template(kind, language)


def _require_admin(actor: Actor, attempted: str) -> None:
    require(actor, is_supervisory_admin, attempted)


@service
def replace_template(
    *, session: Session, actor: Actor, kind: str, language: str, body: str
) -> LetterTemplate:
    """An admin replaces a letter template (placeholders in braces, e.g. {number}).
    In the caller's unit of work, or one of its own."""
    _require_admin(actor, "replace_letter_template")
    if kind not in KINDS or language not in LANGUAGES:
        raise ValidationError({"kind": N_("Choose a value from the list.")})
    body = (body or "").strip()
    if "{number}" not in body:
        raise ValidationError({"body": N_("A letter template must hold {number}.")})
    row = session.get(LetterTemplate, (kind, language))
    if row is None:
        row = LetterTemplate(kind=kind, language=language, body=body)
    else:
        row.body, row.version = body, row.version + 1
    session.add(row)
    record_event(
        session,
        action="letter_template_replaced",
        actor_id=actor.user_id,
        detail={"kind": kind, "language": language, "version": row.version},
    )
    return row


@service
def set_numbering(
    *,
    session: Session,
    actor: Actor,
    organisation_id: int,
    pattern: str,
    office_code: str,
    signatory: str = "",
) -> OfficeLetterSetting:
    """An admin sets an office's numbering scheme and signatory."""
    _require_admin(actor, "set_letter_numbering")
    pattern = (pattern or "").strip()
    if "{seq}" not in pattern or len(pattern) > 200:
        raise ValidationError({"pattern": N_("A numbering scheme must hold {seq}.")})
    if not (office_code or "").strip():
        raise ValidationError({"office_code": N_("This field is required.")})
    row = session.get(OfficeLetterSetting, organisation_id) or OfficeLetterSetting(
        organisation_id=organisation_id, pattern=pattern, office_code=office_code
    )
    row.pattern, row.office_code, row.signatory = pattern, office_code.strip(), signatory.strip()
    session.add(row)
    record_event(
        session,
        action="letter_numbering_changed",
        actor_id=actor.user_id,
        detail={"organisation_id": organisation_id, "pattern": pattern},
    )
    return row


def _substitute(text: str, values: dict[str, str]) -> str:
    # Only plain names: a template is data and must not reach into objects.
    return PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)), text)


def next_number(session: Session, organisation: Organisation, day: date) -> str:
    """The office's next letter number for `day`'s year, in its scheme."""
    setting = session.get(OfficeLetterSetting, organisation.id)
    pattern = setting.pattern if setting else DEFAULT_PATTERN
    office = setting.office_code if setting else (organisation.region_code or "RI")
    sequence = session.exec(
        select(LetterSequence)
        .where(LetterSequence.organisation_id == organisation.id, LetterSequence.year == day.year)
        .with_for_update()
    ).first()
    if sequence is None:
        sequence = LetterSequence(organisation_id=organisation.id, year=day.year, last=0)
    sequence.last += 1
    session.add(sequence)
    return _substitute(
        pattern,
        {
            "seq": f"{sequence.last:04d}",
            "office": office,
            "month": f"{day.month:02d}",
            "year": str(day.year),
        },
    )


def case_values(session: Session, case: Case, ground_ids: list[int] | None = None) -> dict:
    """What a letter says about a case: facts, grounds, links and the evidence hashes."""
    from casework.desk.case_access import children_of
    from db.models import CaseUrl

    grounds = []
    if ground_ids:
        rows = session.exec(select(LegalGround).where(LegalGround.id.in_(ground_ids))).all()
        grounds = [row.citation for row in rows]
    elif case.legal_ground:
        grounds = [case.legal_ground]
    evidence = children_of(session, Evidence, case.id)
    return {
        "reference": case.reference,
        "title": case.title,
        "facts": case.description or "-",
        "legal_grounds": "\n".join(f"- {g}" for g in grounds) or "-",
        "urls": "\n".join(f"- {u.url}" for u in children_of(session, CaseUrl, case.id)) or "-",
        "evidence": "\n".join(f"- {e.file_name}: {e.sha256}" for e in evidence) or "-",
    }


def issue_letter(
    session: Session,
    actor: Actor,
    case: Case,
    *,
    kind: str,
    addressee: str,
    recommendation: str,
    language: str = "id",
    ground_ids: list[int] | None = None,
    facts: str | None = None,
    now: datetime,
) -> Letter:
    """Number and write one letter from the acting office; audited (`letter_issued`).
    Inside the caller's transaction."""
    organisation = session.get(Organisation, actor.organisation_id)
    day = now.astimezone(ZONE).date()
    number = next_number(session, organisation, day)
    setting = session.get(OfficeLetterSetting, organisation.id)
    signatory = (setting.signatory if setting else "") or actor.display_name
    language = language if language in LANGUAGES else "id"
    subject = SUBJECTS[(kind, language)]
    values = case_values(session, case, ground_ids)
    if facts:
        values["facts"] = facts
    values.update(
        number=number,
        date=day.isoformat(),
        addressee=addressee,
        subject=subject,
        subject_lower=subject[0].lower() + subject[1:],
        office=organisation.name,
        recommendation=recommendation or "-",
        signatory=signatory,
    )
    letter = Letter(
        case_id=case.id,
        kind=kind,
        organisation_id=organisation.id,
        number=number,
        letter_date=day,
        language=language,
        addressee=addressee,
        body=_substitute(template_text(session, kind, language), values),
        signatory=signatory,
        created_by_id=actor.user_id,
        created_at=now,
    )
    session.add(letter)
    session.flush()
    record_event(
        session,
        action="letter_issued",
        actor_id=actor.user_id,
        case_id=case.id,
        at=now,
        detail={"number": number, "kind": kind, "addressee": addressee},
    )
    return letter


def letter_docx(letter: Letter) -> bytes:
    """The letter as a Word document (python-docx)."""
    from docx import Document

    document = Document()
    for paragraph in letter.body.split("\n"):
        document.add_paragraph(paragraph)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def text_pdf(title: str, blocks: list[tuple[str, str]]) -> bytes:
    """A plain PDF (ReportLab) of a title and (heading, text) blocks; user text is set
    as text, never as markup."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.platypus import Preformatted, SimpleDocTemplate, Spacer

    styles = getSampleStyleSheet()
    buffer = io.BytesIO()
    story = [Preformatted(title, styles["Title"]), Spacer(1, 12)]
    for heading, text in blocks:
        if heading:
            story.append(Preformatted(heading, styles["Heading3"]))
        for line in (text or "").split("\n"):
            story.append(Preformatted(line, styles["BodyText"], maxLineLength=95))
        story.append(Spacer(1, 6))
    SimpleDocTemplate(buffer, pagesize=A4, title=title).build(story)
    return buffer.getvalue()


def letter_pdf(letter: Letter) -> bytes:
    """The letter as a PDF."""
    return text_pdf(letter.number, [("", letter.body)])


def office_settings(session: Session) -> list[dict]:
    """Each supervisory office with its numbering scheme and signatory (defaults shown
    where the office has none)."""
    offices = session.exec(
        select(Organisation)
        .where(Organisation.kind == OrgKind.SUPERVISORY, Organisation.active)
        .order_by(Organisation.name)
    ).all()
    rows = []
    for office in offices:
        setting = session.get(OfficeLetterSetting, office.id)
        rows.append(
            {
                "organisation_id": office.id,
                "office": office.name,
                "pattern": setting.pattern if setting else DEFAULT_PATTERN,
                "office_code": setting.office_code if setting else (office.region_code or "RI"),
                "signatory": setting.signatory if setting else "",
            }
        )
    return rows
