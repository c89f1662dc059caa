"""The case page's statutory panel: a laporan's kajian awal is offered to an officer,
registering it moves the stage, and the platform's liaison never sees the panel."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import Session, select

from casework.desk.cases import file_report
from casework.people.actors import actor_for
from db import engine as engine_module
from db.models import Case, Forwarding, Letter, User
from db.types import utcnow
from tests.factories import report
from tests.pages.test_case_page_actions import _open


def _laporan() -> Case:
    with Session(engine_module.get_engine(), expire_on_commit=False) as session:
        officer = session.exec(select(User).where(User.username == "demo.officer")).one()
        return file_report(
            session=session,
            actor=actor_for(session, officer.id),
            report=report(
                province_code="31",
                regency_code=None,
                source="public_complaint",
                intake_type="laporan",
                reporter_name="Siti",
                reporter_contact="siti@example.org",
                terlapor_name="Budi",
                terlapor_status="tim_kampanye",
                incident_at=utcnow() - timedelta(days=1),
                incident_place="Jakarta",
            ),
            now=utcnow() - timedelta(hours=1),
        )


def test_an_officer_registers_a_laporan_from_the_case_page(demo_database):
    case = _laporan()
    at = _open("demo.officer", case.id)
    assert "Violation handling" in [m.value.strip("*") for m in at.markdown]
    assert "Register the report" in [e.label for e in at.expander]
    next(b for b in at.button if b.label == "Register the report").click().run()
    assert not at.exception, at.exception
    with Session(engine_module.get_engine()) as session:
        assert session.get(Case, case.id).statutory_stage == "in_kajian"


def test_the_platform_liaison_never_sees_the_statutory_panel(demo_database):
    case = _laporan()
    at = _open("demo.liaison.tiktok", case.id)
    assert "Violation handling" not in [m.value.strip("*") for m in at.markdown]


def test_the_queue_lists_a_laporan_whose_registration_is_due(demo_database):
    from tests.pages.conftest import app_as, open_page

    case = _laporan()
    at = open_page(app_as("demo.officer"), "queue")
    at.session_state["queue_statutory_view"] = "registration_due"
    at.run()
    assert not at.exception, at.exception
    assert any(b.label.startswith(case.reference) for b in at.button)


def test_a_forwarded_case_shows_its_letter_and_the_exports(demo_database):
    from casework.statutory.forwarding import forward_case
    from casework.statutory.kajian import approve_kajian, draft_kajian

    filed = _laporan()
    with Session(engine_module.get_engine(), expire_on_commit=False) as session:
        people = {u.username: u.id for u in session.exec(select(User).where(User.is_demo))}
        officer = actor_for(session, people["demo.officer"])
        lead = actor_for(session, people["demo.lead"])
        case = session.get(Case, filed.id)
        from casework.statutory.kajian import register_laporan

        case = register_laporan(
            session=session, actor=officer, case_id=case.id, version=case.version
        )
        draft_kajian(
            session=session,
            actor=officer,
            case_id=case.id,
            version=case.version,
            facts="Fakta.",
            analysis="Analisis.",
            conclusion="memenuhi",
            violation_kind="pidana_pemilu",
        )
        case = session.get(Case, case.id)
        session.refresh(case)
        approve_kajian(session=session, actor=lead, case_id=case.id, version=case.version)
        session.refresh(case)
        forward_case(
            session=session, actor=officer, case_id=case.id, version=case.version, body="gakkumdu"
        )
    at = _open("demo.officer", case.id)
    assert not at.exception, at.exception
    labels = [d.label for d in at.get("download_button")]
    assert any(label.startswith("Letter ") for label in labels)
    assert "Case file for Gakkumdu (PDF)" in labels
    assert "Status announcement (CSV)" in labels


def _approved_kajian(violation_kind: str, terlapor_status: str) -> Case:
    from casework.statutory.kajian import approve_kajian, draft_kajian, register_laporan

    filed = _laporan()
    with Session(engine_module.get_engine(), expire_on_commit=False) as session:
        people = {u.username: u.id for u in session.exec(select(User).where(User.is_demo))}
        officer = actor_for(session, people["demo.officer"])
        lead = actor_for(session, people["demo.lead"])
        case = session.get(Case, filed.id)
        case.terlapor_status = terlapor_status
        session.add(case)
        session.commit()
        case = register_laporan(
            session=session, actor=officer, case_id=case.id, version=case.version
        )
        draft_kajian(
            session=session,
            actor=officer,
            case_id=case.id,
            version=case.version,
            facts="Fakta.",
            analysis="Analisis.",
            conclusion="memenuhi",
            violation_kind=violation_kind,
        )
        session.refresh(case)
        approve_kajian(session=session, actor=lead, case_id=case.id, version=case.version)
        session.refresh(case)
        return case


def _forward_to(at):
    return next(s for s in at.selectbox if s.label == "Forward to")


@pytest.mark.parametrize(
    ("violation_kind", "terlapor_status", "body"),
    [("lainnya", "asn", "bkn"), ("kode_etik", "penyelenggara", "dkpp")],
)
def test_the_forwarding_form_preselects_the_body_the_approved_kajian_suggests(
    demo_database, violation_kind, terlapor_status, body
):
    case = _approved_kajian(violation_kind, terlapor_status)
    at = _open("demo.officer", case.id)
    assert not at.exception, at.exception
    assert _forward_to(at).value == body


def test_the_officer_may_forward_to_another_body_than_the_one_suggested(demo_database):
    case = _approved_kajian("lainnya", "asn")
    at = _open("demo.officer", case.id)
    _forward_to(at).set_value("kpu")
    next(b for b in at.button if b.label == "Forward").click().run()
    assert not at.exception, at.exception
    with Session(engine_module.get_engine()) as session:
        rows = session.exec(select(Forwarding).where(Forwarding.case_id == case.id))
        assert [f.body for f in rows] == ["kpu"]


def test_the_letter_is_in_bahasa_indonesia_unless_the_officer_chooses_english(demo_database):
    first = _approved_kajian("administratif", "peserta")
    at = _open("demo.officer", first.id)
    assert next(s for s in at.selectbox if s.label == "Letter language").value == "id"
    second = _approved_kajian("administratif", "peserta")
    at = _open("demo.officer", second.id)
    next(s for s in at.selectbox if s.label == "Letter language").set_value("en")
    next(b for b in at.button if b.label == "Forward").click().run()
    assert not at.exception, at.exception
    with Session(engine_module.get_engine()) as session:
        letters = session.exec(select(Letter).where(Letter.case_id == second.id)).all()
        assert [letter.language for letter in letters] == ["en"]


def test_komdigi_records_its_order_on_the_request_through_one_form_only(demo_database):
    from casework.statutory.forwarding import forward_case

    case = _approved_kajian("lainnya", "tim_kampanye")
    with Session(engine_module.get_engine(), expire_on_commit=False) as session:
        officer = session.exec(select(User).where(User.username == "demo.officer")).one()
        forward_case(
            session=session,
            actor=actor_for(session, officer.id),
            case_id=case.id,
            version=session.get(Case, case.id).version,
            body="komdigi",
        )
    at = _open("demo.regulator", case.id)
    assert not at.exception, at.exception
    expanders = [e.label for e in at.expander]
    assert "Order issued: letter number and date" in expanders
    assert "Record regulator order" not in expanders
    next(t for t in at.text_input if t.label == "Letter number").input("B-77/DJAI/2026")
    next(b for b in at.button if b.label == "Record regulator order").click().run()
    assert not at.exception, at.exception
    expanders = [e.label for e in at.expander]
    assert "Order issued: letter number and date" not in expanders
    assert "Record regulator order" not in expanders
    with Session(engine_module.get_engine()) as session:
        request = session.exec(select(Forwarding).where(Forwarding.case_id == case.id)).one()
        assert (request.response, request.order_number) == ("order_issued", "B-77/DJAI/2026")
