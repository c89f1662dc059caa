"""The audit log page: events, the chain check, a tampered event shown, bundles."""

from __future__ import annotations

from sqlalchemy import text
from sqlmodel import Session, select

from db import engine as engine_module
from db.models import AuditEvent, Case
from tests.pages.conftest import app_as, open_page
from tests.tampering import lift_append_only_guard, restore_append_only_guard


def _audit(username: str):
    return open_page(app_as(username).run(), "audit")


def test_a_lead_sees_the_events_and_an_intact_chain(demo_database):
    at = _audit("demo.lead")
    assert not at.exception, at.exception
    assert at.dataframe and len(at.dataframe[0].value) == 100
    at.button(key="audit_verify").click().run()
    assert any("intact" in s.value for s in at.success)


def test_a_tampered_event_is_named_on_the_page(demo_database):
    with Session(engine_module.get_engine()) as session:
        target = session.exec(select(AuditEvent).order_by(AuditEvent.id).offset(41)).first()
        original = {"i": target.id, "a": target.action, "s": target.to_status}
        lift_append_only_guard(session)  # as the database's owner could
        session.execute(
            text(
                "UPDATE audit_event SET action = 'case_filed', to_status = 'closed' WHERE id = :i"
            ),
            {"i": target.id},
        )
        session.commit()
    try:
        at = _audit("demo.admin")
        at.button(key="audit_verify").click().run()
        assert not at.exception, at.exception
        [error] = at.error
        assert f"broken at event {original['i']}" in error.value
    finally:
        with Session(engine_module.get_engine()) as session:
            session.execute(
                text("UPDATE audit_event SET action = :a, to_status = :s WHERE id = :i"),
                original,
            )
            restore_append_only_guard(session)
            session.commit()


def test_filtering_by_case_reference_narrows_the_events(demo_database):
    with Session(engine_module.get_engine()) as session:
        event = session.exec(
            select(AuditEvent).where(AuditEvent.case_id.is_not(None)).order_by(AuditEvent.id)
        ).first()
        reference = session.get(Case, event.case_id).reference
    at = _audit("demo.lead")
    at.text_input(key="audit_reference").input(reference).run()
    cases = set(at.dataframe[0].value["Case"])
    assert cases == {reference}


def test_officers_have_no_audit_page(demo_database):
    at = _audit("demo.officer")
    assert not at.dataframe or "Audit log" not in [t.value for t in at.title]
