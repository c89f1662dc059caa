"""The statutory track beside the takedown track: a laporan through the kajian awal, the
kajian and its approval, forwarding to Komdigi with a numbered letter, Komdigi's order,
the platform's takedown, closing, and the status announcement; the hierarchy rule."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta

import pytest
from pypdf import PdfReader
from sqlmodel import select

from casework.desk.cases import close_case, record_decision, refer_to_platform, start_review
from casework.errors import InvalidTransition, PermissionDenied, ValidationError
from casework.people.roles import OrgKind, Role
from casework.statutory.exports import berkas, status_announcement
from casework.statutory.forwarding import (
    forward_case,
    forward_up,
    komdigi_criteria_not_met,
    record_gakkumdu_outcome,
    record_komdigi_order,
    request_komdigi,
)
from casework.statutory.kajian import (
    approve_kajian,
    decline_registration,
    draft_kajian,
    register_laporan,
)
from casework.statutory.letters import letter_docx, letter_pdf, replace_template, set_numbering
from casework.statutory.queues import statutory_queue
from casework.statutory.rules import set_rule
from db.models import AuditEvent, Forwarding, LegalGround, Letter, User
from tests.factories import (
    CAMPAIGN_NOW,
    make_actor,
    make_case,
    make_desk,
    make_organisation,
    reload,
    removal_decision,
)

LAPORAN = dict(
    intake_type="laporan",
    source="public_complaint",
    reporter_name="Siti Aminah",
    reporter_contact="siti@example.org",
    terlapor_name="Budi Santoso",
    terlapor_status="tim_kampanye",
    incident_at=CAMPAIGN_NOW - timedelta(days=1),
    incident_place="Kabupaten Bogor",
    known_since=date(2024, 1, 9),
)


def _pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def _laporan(session, desk, **overrides):
    return make_case(session, actor=desk.officer, **{**LAPORAN, **overrides})


def _events(session, case_id):
    return [
        e.action
        for e in session.exec(
            select(AuditEvent).where(AuditEvent.case_id == case_id).order_by(AuditEvent.id)
        )
    ]


def test_a_laporan_goes_from_filing_to_its_status_announcement_through_komdigi(session):
    desk = make_desk(session)
    case = _laporan(session, desk)
    assert (case.intake_type, case.statutory_stage) == ("laporan", "awaiting_registration")
    at = CAMPAIGN_NOW + timedelta(hours=1)
    case = start_review(
        session=session, actor=desk.officer, case_id=case.id, version=case.version, now=at
    )
    case = register_laporan(
        session=session, actor=desk.officer, case_id=case.id, version=case.version, now=at
    )
    assert case.statutory_stage == "in_kajian"
    ground = session.exec(select(LegalGround).where(LegalGround.category_code == "hoax")).first()
    draft_kajian(
        session=session,
        actor=desk.officer,
        case_id=case.id,
        version=reload(session, case).version,
        facts="Video menyebut surat suara sudah tercoblos.",
        analysis="Unsur menyebarkan berita bohong terpenuhi.",
        conclusion="memenuhi",
        violation_kind="lainnya",
        legal_ground_ids=[ground.id],
        recommendation="Mohon pemutusan akses.",
        now=at,
    )
    case = reload(session, case)
    with pytest.raises(PermissionDenied):
        approve_kajian(
            session=session, actor=desk.officer, case_id=case.id, version=case.version, now=at
        )
    kajian = approve_kajian(
        session=session, actor=desk.lead, case_id=case.id, version=case.version, now=at
    )
    assert kajian.approved_by_id == desk.lead.user_id
    case = reload(session, case)
    forwarding = forward_case(
        session=session,
        actor=desk.officer,
        case_id=case.id,
        version=case.version,
        body="komdigi",
        recommendation="Mohon pemutusan akses konten.",
        now=at,
    )
    case = reload(session, case)
    assert (case.status, case.statutory_stage) == ("escalated", "forwarded")
    letter = session.get(Letter, forwarding.letter_id)
    assert letter.number.startswith("0001/PM.00.02/")
    assert ground.citation in letter.body and "Mohon pemutusan akses konten." in letter.body
    assert letter_docx(letter)[:2] == b"PK" and letter.number in _pdf_text(letter_pdf(letter))
    assert [
        c.id for c in statutory_queue(session=session, actor=desk.officer, view="awaiting_komdigi")
    ] == [case.id]
    case = record_komdigi_order(
        session=session,
        actor=desk.regulator,
        case_id=case.id,
        version=case.version,
        order_number="B-123/DJAI/2024",
        order_date=date(2024, 1, 10),
        urgent=True,
        now=at + timedelta(hours=1),
    )
    forwarding = session.get(Forwarding, forwarding.id)
    assert forwarding.response == "order_issued"
    assert forwarding.regulatory_due_at - forwarding.responded_at == timedelta(hours=4)
    case = record_decision(
        session=session,
        actor=desk.liaison,
        case_id=case.id,
        version=case.version,
        decision=removal_decision(),
        now=at + timedelta(hours=2),
    )
    case = close_case(
        session=session,
        actor=desk.officer,
        case_id=case.id,
        version=case.version,
        now=at + timedelta(hours=3),
    )
    assert case.status == "closed"
    rows = list(
        csv.reader(
            io.StringIO(
                status_announcement(
                    session=session, actor=desk.officer, case_id=case.id, fmt="csv", language="id"
                ).decode("utf-8-sig")
            )
        )
    )
    text = "\n".join(",".join(row) for row in rows)
    assert "Siti Aminah" in text and "siti@example.org" not in text
    assert "Memenuhi unsur" in text or "memenuhi unsur" in text
    pdf = _pdf_text(
        status_announcement(session=session, actor=desk.officer, case_id=case.id, language="en")
    )
    assert case.reference in pdf and "siti@example.org" not in pdf
    assert "approve_kajian" in _events(session, case.id) and "letter_issued" in _events(
        session, case.id
    )


def test_a_laporan_without_its_required_parts_is_refused_field_by_field(session):
    desk = make_desk(session)
    with pytest.raises(ValidationError) as refused:
        make_case(
            session,
            actor=desk.officer,
            intake_type="laporan",
            source="public_complaint",
            description="",
        )
    assert {
        "reporter_name",
        "reporter_contact",
        "terlapor_name",
        "terlapor_status",
        "incident_at",
        "incident_place",
        "description",
    } <= set(refused.value.field_errors)


def test_a_temuan_needs_the_oversight_it_came_from_and_starts_in_kajian(session):
    desk = make_desk(session)
    with pytest.raises(ValidationError) as refused:
        make_case(session, actor=desk.officer, intake_type="temuan")
    assert "oversight_source" in refused.value.field_errors
    case = make_case(
        session,
        actor=desk.officer,
        intake_type="temuan",
        oversight_source="Patroli siber 9 Januari",
    )
    assert (case.intake_type, case.statutory_stage) == ("temuan", "in_kajian")


def test_a_case_filed_without_a_type_takes_the_one_its_source_implies(session):
    desk = make_desk(session)
    assert make_case(session, actor=desk.officer).intake_type == "temuan"
    assert (
        make_case(session, actor=desk.officer, source="public_complaint").intake_type == "laporan"
    )


def test_nothing_is_forwarded_before_a_lead_approved_the_kajian(session):
    desk = make_desk(session)
    case = make_case(session, actor=desk.officer, intake_type="temuan", oversight_source="Patroli")
    with pytest.raises(InvalidTransition):
        forward_case(
            session=session,
            actor=desk.officer,
            case_id=case.id,
            version=case.version,
            body="gakkumdu",
        )


def test_a_laporan_not_registered_keeps_its_reason_for_the_announcement(session):
    desk = make_desk(session)
    case = _laporan(session, desk)
    case = decline_registration(
        session=session,
        actor=desk.officer,
        case_id=case.id,
        version=case.version,
        reason="Lewat 7 hari sejak diketahui.",
    )
    assert case.statutory_stage == "not_registered"
    data = status_announcement(
        session=session, actor=desk.officer, case_id=case.id, fmt="csv"
    ).decode("utf-8-sig")
    assert "Lewat 7 hari sejak diketahui." in data


def _approved_temuan(session, desk):
    case = make_case(session, actor=desk.officer, intake_type="temuan", oversight_source="Patroli")
    draft_kajian(
        session=session,
        actor=desk.officer,
        case_id=case.id,
        version=case.version,
        facts="Fakta.",
        analysis="Analisis.",
        conclusion="memenuhi",
        violation_kind="pidana_pemilu",
    )
    case = reload(session, case)
    approve_kajian(session=session, actor=desk.lead, case_id=case.id, version=case.version)
    return reload(session, case)


def test_gakkumdu_forwarding_records_the_outcome_reported_back_and_goes_into_the_berkas(session):
    desk = make_desk(session)
    case = _approved_temuan(session, desk)
    forwarding = forward_case(
        session=session, actor=desk.officer, case_id=case.id, version=case.version, body="gakkumdu"
    )
    case = reload(session, case)
    assert case.status == "new"  # the takedown track is untouched
    record_gakkumdu_outcome(
        session=session,
        actor=desk.officer,
        case_id=case.id,
        version=case.version,
        forwarding_id=forwarding.id,
        outcome="investigation",
    )
    text = _pdf_text(berkas(session=session, actor=desk.officer, case_id=case.id))
    assert "Penyidikan" in text or "investigation" in text.lower()
    assert "SHA-256" in text


def test_each_office_numbers_its_letters_in_its_own_scheme_and_a_replaced_template_is_used(session):
    desk = make_desk(session)
    admin = make_actor(session, role=Role.ADMIN)
    set_numbering(
        session=session,
        actor=admin,
        organisation_id=desk.officer.organisation_id,
        pattern="{seq}/PM.01/{office}/{year}",
        office_code="K1",
    )
    replace_template(
        session=session,
        actor=admin,
        kind="forwarding",
        language="id",
        body="Surat {number} untuk {addressee}",
    )
    session.commit()
    numbers = []
    for _ in range(2):
        case = _approved_temuan(session, desk)
        forwarding = forward_case(
            session=session, actor=desk.officer, case_id=case.id, version=case.version, body="dkpp"
        )
        numbers.append(session.get(Letter, forwarding.letter_id))
    assert [letter.number for letter in numbers] == [
        "0001/PM.01/K1/2024",
        "0002/PM.01/K1/2024",
    ] or [letter.number.split("/")[0] for letter in numbers] == ["0001", "0002"]
    assert numbers[0].body.startswith("Surat 0001/PM.01/K1/")
    with pytest.raises(PermissionDenied):
        replace_template(
            session=session, actor=desk.lead, kind="forwarding", language="id", body="{number}"
        )


def test_komdigi_can_be_asked_from_review_and_can_find_the_request_short_of_its_criteria(session):
    desk = make_desk(session)
    case = make_case(session, actor=desk.officer)
    case = start_review(session=session, actor=desk.officer, case_id=case.id, version=case.version)
    request_komdigi(session=session, actor=desk.officer, case_id=case.id, version=case.version)
    case = reload(session, case)
    assert case.status == "escalated"
    case = komdigi_criteria_not_met(
        session=session,
        actor=desk.regulator,
        case_id=case.id,
        version=case.version,
        reason="Bukan konten yang dilarang.",
    )
    assert case.status == "in_review"


def test_with_the_hierarchy_on_regional_offices_forward_up_and_designated_national_staff_refer(
    session,
):
    admin = make_actor(session, role=Role.ADMIN)
    set_rule(session=session, actor=admin, key="hierarchy_forward_up", value=True)
    session.commit()
    national = make_organisation(session, kind=OrgKind.SUPERVISORY)
    province = make_organisation(session, kind=OrgKind.SUPERVISORY, region_code="32")
    regency = make_organisation(session, kind=OrgKind.SUPERVISORY, region_code="32.01")
    regional = make_actor(session, role=Role.OFFICER, organisation=regency)
    case = make_case(session, actor=regional)
    case = start_review(session=session, actor=regional, case_id=case.id, version=case.version)
    with pytest.raises(PermissionDenied):
        refer_to_platform(session=session, actor=regional, case_id=case.id, version=case.version)
    case = forward_up(
        session=session, actor=regional, case_id=case.id, version=reload(session, case).version
    )
    assert case.handling_organisation_id == province.id
    provincial = make_actor(session, role=Role.OFFICER, organisation=province)
    case = forward_up(session=session, actor=provincial, case_id=case.id, version=case.version)
    assert (
        case.handling_organisation_id == national.id
        or session.get(type(national), case.handling_organisation_id).region_code is None
    )
    staff = make_actor(session, role=Role.OFFICER, organisation=national)
    with pytest.raises(PermissionDenied):
        request_komdigi(session=session, actor=staff, case_id=case.id, version=case.version)
    session.get(User, staff.user_id).designated_referrer = True
    session.commit()
    request_komdigi(
        session=session, actor=staff, case_id=case.id, version=reload(session, case).version
    )
    assert reload(session, case).status == "escalated"
    assert _events(session, case.id).count("forward_up") == 2


def test_only_an_administrator_changes_a_rule_and_the_change_is_audited(session):
    admin = make_actor(session, role=Role.ADMIN)
    lead = make_actor(session, role=Role.LEAD)
    with pytest.raises(PermissionDenied):
        set_rule(session=session, actor=lead, key="regulatory_hours", value=12)
    with pytest.raises(ValidationError):
        set_rule(session=session, actor=admin, key="regulatory_hours", value="twelve")
    set_rule(session=session, actor=admin, key="regulatory_hours", value=12, note="MoU baru")
    session.commit()
    from casework.statutory.letters import office_settings
    from casework.statutory.rules import all_rules

    assert all_rules(session)["regulatory_hours"] == 12
    assert "statutory_rules_changed" in [
        e.action for e in session.exec(select(AuditEvent).where(AuditEvent.case_id.is_(None)))
    ]
    office = make_organisation(session, kind=OrgKind.SUPERVISORY, region_code="32")
    row = next(r for r in office_settings(session) if r["organisation_id"] == office.id)
    assert (row["pattern"], row["office_code"]) == ("{seq}/PM.00.02/{office}/{month}/{year}", "32")


def test_a_laporan_forwarded_to_komdigi_before_its_review_started_still_reaches_komdigi(session):
    desk = make_desk(session)
    case = _laporan(session, desk)
    assert case.status == "new"
    at = CAMPAIGN_NOW + timedelta(hours=1)
    case = register_laporan(
        session=session, actor=desk.officer, case_id=case.id, version=case.version, now=at
    )
    draft_kajian(
        session=session,
        actor=desk.officer,
        case_id=case.id,
        version=case.version,
        facts="Video menyebut surat suara sudah tercoblos.",
        analysis="Berita bohong tentang pemungutan suara.",
        conclusion="memenuhi",
        violation_kind="lainnya",
        now=at,
    )
    approve_kajian(
        session=session,
        actor=desk.lead,
        case_id=case.id,
        version=reload(session, case).version,
        now=at,
    )
    forward_case(
        session=session,
        actor=desk.officer,
        case_id=case.id,
        version=reload(session, case).version,
        body="komdigi",
        now=at,
    )
    case = reload(session, case)
    assert (case.status, case.statutory_stage) == ("escalated", "forwarded")
    events = session.exec(
        select(AuditEvent).where(AuditEvent.case_id == case.id).order_by(AuditEvent.id)
    ).all()
    moves = [(e.action, e.from_status, e.to_status) for e in events if e.to_status]
    assert moves[-2:] == [
        ("start_review", "new", "in_review"),
        ("request_komdigi", "in_review", "escalated"),
    ]
    assert [
        c.id
        for c in statutory_queue(session=session, actor=desk.regulator, view="awaiting_komdigi")
    ] == [case.id]
