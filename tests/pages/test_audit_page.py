"""The audit log page: events, the chain check, a tampered event shown, bundles."""

from __future__ import annotations

from sqlalchemy import text
from sqlmodel import Session, select

from db import engine as engine_module
from db.models import AuditEvent, Case
from tests.pages.conftest import app_as, open_page


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


def test_in_indonesian_every_event_kind_is_named_once_and_details_read_as_words(demo_database):
    at = open_page(app_as("demo.admin", language="id").run(), "audit")
    assert not at.exception, at.exception
    labels = list(at.selectbox(key="audit_action").options)
    assert len(labels) == len(set(labels))
    assert "Perubahan lain" not in labels
    table = at.dataframe[0].value
    details = " ".join(table["Rincian"] if "Rincian" in table else table.iloc[:, 7])
    assert "{" not in details and '":' not in details
    assert not set(table.iloc[:, 6]) & {"new", "in_review", "sent", "decided", "closed"}


def test_the_audit_export_runs_outside_the_script_without_streamlit_warnings(demo_database, caplog):
    import threading

    from casework.actors import actor_for
    from casework.audit_log import AuditFilters
    from db.models import User
    from pages.audit_log import export_csv

    with Session(engine_module.get_engine()) as session:
        admin = actor_for(
            session, session.exec(select(User.id).where(User.username == "demo.admin")).one()
        )
    result: list[bytes] = []
    worker = threading.Thread(
        target=lambda: result.append(export_csv(admin, AuditFilters(), "id", "Asia/Jakarta"))
    )
    with caplog.at_level("WARNING"):
        worker.start()
        worker.join()
    assert result and result[0].decode("utf-8-sig").startswith("Peristiwa")
    assert "ScriptRunContext" not in caplog.text
