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


def _demo_bundle() -> bytes:
    from casework.people.actors import actor_for
    from casework.records.bundles import build_bundle
    from db.models import User

    with Session(engine_module.get_engine()) as session:
        lead = session.exec(select(User).where(User.username == "demo.lead")).one()
        actor = actor_for(session, lead.id)
        case_id = session.exec(select(Case.id).order_by(Case.id)).first()
        data, _digest = build_bundle(session=session, actor=actor, case_ids=[case_id])
    return data


def _upload(data: bytes):
    at = _audit("demo.lead")
    at.file_uploader(key="bundle_verify_upload").set_value(("bundle.zip", data, "application/zip"))
    at.run()
    assert not at.exception, at.exception
    return at


def test_a_bundle_issued_here_shows_intact_and_signed(demo_database):
    at = _upload(_demo_bundle())
    assert any("Intact" in s.value for s in at.success)
    assert any("Signed by this Pantau" in s.value for s in at.success)
    assert not any("Not issued" in e.value for e in at.error)


def test_a_forged_bundle_is_refused_on_the_page_and_not_issued_by_this_pantau(demo_database):
    import hashlib
    import io
    import json
    import zipfile

    with zipfile.ZipFile(io.BytesIO(_demo_bundle())) as archive:
        files = {name: archive.read(name) for name in archive.namelist()}
    folder = next(n.rsplit("/", 1)[0] for n in files if n.endswith("/case.json"))
    record = json.loads(files[f"{folder}/case.json"])
    record["title"] = "Konten sudah sesuai"
    files[f"{folder}/case.json"] = json.dumps(record).encode()
    manifest = json.loads(files["manifest.json"])
    for entry in manifest["files"]:
        entry["size"] = len(files[entry["name"]])
        entry["sha256"] = hashlib.sha256(files[entry["name"]]).hexdigest()
    files["manifest.json"] = json.dumps(manifest).encode()
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, content in files.items():
            archive.writestr(name, content)

    at = _upload(out.getvalue())

    assert any("Intact" in s.value for s in at.success)  # the hashes were recomputed
    errors = " ".join(e.value for e in at.error)
    assert "signature does not verify" in errors
    assert "Not issued by this Pantau" in errors


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

    from casework.people.actors import actor_for
    from casework.records.audit_log import AuditFilters
    from db.models import User
    from pages import ui
    from pages.audit_log import audit_csv_builder

    with Session(engine_module.get_engine()) as session:
        admin = actor_for(
            session, session.exec(select(User.id).where(User.username == "demo.admin")).one()
        )
    result: list[bytes] = []
    worker = threading.Thread(
        target=lambda: result.append(
            ui.deferred_export(
                admin, "audit_log_csv", audit_csv_builder(AuditFilters(), "id", "Asia/Jakarta")
            )()
        )
    )
    with caplog.at_level("WARNING"):
        worker.start()
        worker.join()
    assert result and result[0].decode("utf-8-sig").startswith("Peristiwa")
    assert "ScriptRunContext" not in caplog.text
