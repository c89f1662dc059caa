"""The audit log service, evidence bundles and their verifier, and the DSA-shaped
export of platform decisions."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import subprocess
import sys
import zipfile
from datetime import timedelta

import pytest
from PIL import Image
from sqlalchemy import text
from sqlmodel import select

from casework.desk.timeline import case_timeline
from casework.desk.workflow import Action
from casework.errors import CaseNotFound, PermissionDenied
from casework.i18n import translator
from casework.intake.evidence import add_evidence
from casework.people.roles import Role
from casework.records.audit_log import AuditFilters, audit_csv, check_audit_chain, list_audit_events
from casework.records.bundles import (
    PROBLEM_EVENT,
    PROBLEM_EXTRA,
    PROBLEM_HASH,
    PROBLEM_MISSING,
    build_bundle,
    check_received_bundle,
    verify_bundle,
)
from casework.records.dsa_export import indonesian_record, indonesian_statements
from casework.records.signing import (
    SigningKey,
    installation_key,
    public_key_pem,
    public_keyring,
    published_keys,
    sign_bytes,
)
from casework.settings import Settings
from db.models import AuditEvent
from tests.factories import advance, make_actor, make_case, make_desk, removal_decision
from tests.tampering import lift_append_only_guard

A = Action


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 30, 30)).save(out, format="PNG")
    return out.getvalue()


PNG = _png()


def _decided_case(session, desk, **overrides):
    case = make_case(session, actor=desk.officer, **overrides)
    return advance(session, desk, case, A.START_REVIEW, A.REFER_TO_PLATFORM, A.RECORD_DECISION)


# --- the audit log ---------------------------------------------------------------------


def test_leads_and_admins_read_the_log_others_are_refused(session, desk):
    make_case(session, actor=desk.officer)
    admin = make_actor(session, role=Role.ADMIN)
    for reader in (desk.lead, admin):
        rows, total = list_audit_events(session=session, actor=reader)
        assert total == len(rows) >= 1
    for outsider in (desk.officer, desk.liaison, desk.regulator):
        with pytest.raises(PermissionDenied):
            list_audit_events(session=session, actor=outsider)


def test_the_log_filters_by_case_action_and_actor(session, desk):
    first = _decided_case(session, desk)
    make_case(session, actor=desk.officer)
    rows, total = list_audit_events(
        session=session, actor=desk.lead, filters=AuditFilters(case_reference=first.reference)
    )
    assert [r.action for r in reversed(rows)] == [
        "case_filed",
        "start_review",
        "refer_to_platform",
        "record_decision",
    ]
    assert {r.case_reference for r in rows} == {first.reference}
    rows, _ = list_audit_events(
        session=session, actor=desk.lead, filters=AuditFilters(action="case_filed")
    )
    assert len(rows) == 2
    rows, _ = list_audit_events(
        session=session, actor=desk.lead, filters=AuditFilters(actor_id=desk.liaison.user_id)
    )
    assert [r.action for r in rows] == ["record_decision"]


def test_a_regional_lead_reads_only_the_events_of_cases_in_their_region(session, desk):
    west = make_case(session, actor=desk.officer, province_code="32", regency_code="32.01")
    make_case(session, actor=desk.officer, province_code="35", regency_code="35.78")
    regional = make_actor(session, role=Role.LEAD, region_code="32")
    rows, total = list_audit_events(session=session, actor=regional)
    assert total == 1 and rows[0].case_reference == west.reference


def test_the_log_exports_as_csv_with_hashes(session, desk):
    case = _decided_case(session, desk, title="=cmd()")
    data = audit_csv(
        session=session,
        actor=desk.lead,
        filters=AuditFilters(case_reference=case.reference),
        gettext=translator("en"),
        language="en",
        zone="Asia/Jakarta",
    )
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0][0] == "Event" and rows[0][-1] == "Hash"
    assert len(rows) == 5
    stored = session.exec(select(AuditEvent).where(AuditEvent.case_id == case.id)).all()
    assert [r[-1] for r in rows[1:]] == [e.hash for e in sorted(stored, key=lambda e: e.id)]


def test_the_chain_check_names_the_first_tampered_event(session, desk):
    case = _decided_case(session, desk)
    assert check_audit_chain(session=session, actor=desk.lead).intact
    target = session.exec(
        select(AuditEvent).where(AuditEvent.case_id == case.id).order_by(AuditEvent.id)
    ).all()[1]
    lift_append_only_guard(session)  # as the database's owner could
    session.execute(
        text("UPDATE audit_event SET to_status = 'closed' WHERE id = :id"), {"id": target.id}
    )
    session.commit()
    report = check_audit_chain(session=session, actor=desk.lead)
    assert not report.intact and report.first_broken_id == target.id
    with pytest.raises(PermissionDenied):
        check_audit_chain(session=session, actor=desk.officer)


# --- evidence bundles ------------------------------------------------------------------


def _bundle(session, desk):
    case = _decided_case(session, desk)
    add_evidence(
        session=session,
        actor=desk.officer,
        case_id=case.id,
        file_name="tangkapan.png",
        data=PNG,
        settings=Settings(),
    )
    other = make_case(session, actor=desk.officer)
    data, digest = build_bundle(
        session=session, actor=desk.officer, case_ids=[case.id, other.id], language="en"
    )
    return case, other, data, digest


def _rewrite(data: bytes, change) -> bytes:
    """A copy of the ZIP `data` with `change(files)` applied to its {name: bytes}."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        files = {name: archive.read(name) for name in archive.namelist()}
    change(files)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return out.getvalue()


def test_a_bundle_holds_records_timelines_evidence_and_the_audit_excerpt(session, desk):
    case, other, data, digest = _bundle(session, desk)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = set(archive.namelist())
        manifest = json.loads(archive.read("manifest.json"))
        record = json.loads(archive.read(f"cases/{case.reference}/case.json"))
        events = archive.read("audit/events.jsonl").decode().splitlines()
    sha = hashlib.sha256(PNG).hexdigest()
    assert f"evidence/{sha}" in names
    assert f"cases/{other.reference}/timeline.json" in names
    assert manifest["cases"] == [case.reference, other.reference]
    assert {f["name"] for f in manifest["files"]} == names - {"manifest.json", "manifest.sig"}
    assert record["reference"] == case.reference and record["decisions"]
    assert {json.loads(line)["case_id"] for line in events} == {case.id, other.id}
    report = verify_bundle(data)
    assert report.intact and report.manifest_sha256 == digest
    exported = session.exec(
        select(AuditEvent).where(AuditEvent.action == "evidence_bundle_exported")
    ).all()
    # Recorded on each case of the bundle: it shows in each case's timeline.
    assert {e.case_id for e in exported} == {case.id, other.id}
    assert {e.detail["manifest_sha256"] for e in exported} == {digest}
    timeline = case_timeline(session=session, actor=desk.officer, case_id=case.id)
    assert [e.action for e in timeline][-1] == "evidence_bundle_exported"


def test_an_altered_byte_a_removed_file_and_an_added_file_are_each_detected(session, desk):
    _case, _other, data, _ = _bundle(session, desk)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        evidence = next(n for n in archive.namelist() if n.startswith("evidence/"))

    def flip_one_byte(files):
        content = bytearray(files[evidence])
        content[-1] ^= 0x01
        files[evidence] = bytes(content)

    altered = verify_bundle(_rewrite(data, flip_one_byte))
    assert (evidence, PROBLEM_HASH) in altered.problems
    removed = verify_bundle(_rewrite(data, lambda files: files.pop(evidence)))
    assert removed.problems == [(evidence, PROBLEM_MISSING)]
    added = verify_bundle(_rewrite(data, lambda files: files.update({"extra.txt": b"x"})))
    assert added.problems == [("extra.txt", PROBLEM_EXTRA)]


def test_a_tampered_audit_event_in_a_bundle_is_detected_even_with_a_matching_manifest(
    session, desk
):
    _case, _other, data, _ = _bundle(session, desk)

    def tamper(files):
        lines = files["audit/events.jsonl"].decode().splitlines()
        event = json.loads(lines[0])
        event["to_status"] = "closed"
        lines[0] = json.dumps(event, sort_keys=True)
        files["audit/events.jsonl"] = ("\n".join(lines) + "\n").encode()
        manifest = json.loads(files["manifest.json"])
        for entry in manifest["files"]:
            if entry["name"] == "audit/events.jsonl":
                entry["size"] = len(files["audit/events.jsonl"])
                entry["sha256"] = hashlib.sha256(files["audit/events.jsonl"]).hexdigest()
        files["manifest.json"] = json.dumps(manifest).encode()

    report = verify_bundle(_rewrite(data, tamper))
    assert [p for _name, p in report.problems] == [PROBLEM_EVENT]


def test_the_bundle_command_verifies_offline_and_fails_on_damage(session, desk, tmp_path):
    _case, _other, data, digest = _bundle(session, desk)
    good = tmp_path / "good.zip"
    good.write_bytes(data)
    bad = tmp_path / "bad.zip"
    bad.write_bytes(_rewrite(data, lambda files: files.pop("README.txt")))
    keys = tmp_path / "pantau-keys.json"
    keys.write_text(json.dumps(published_keys()))
    command = [sys.executable, "-m", "casework.records.bundles", "verify"]
    ok = subprocess.run(
        [*command, str(good), "--public-key", str(keys)], capture_output=True, text=True
    )
    assert ok.returncode == 0 and digest in ok.stdout and "intact" in ok.stdout
    assert "signed" in ok.stdout
    broken = subprocess.run(
        [*command, str(bad), "--public-key", str(keys)], capture_output=True, text=True
    )
    assert broken.returncode == 1 and "README.txt" in broken.stdout
    unchecked = subprocess.run([*command, str(good)], capture_output=True, text=True)
    assert unchecked.returncode == 2 and "NOT checked" in unchecked.stdout


def _forge(data: bytes, *, key: SigningKey | None = None) -> bytes:
    """What the outside audit did: change the title and outcome, drop the decision
    event, recompute every hash in the manifest (and re-sign it with `key`)."""

    def forge(files):
        folder = next(n.rsplit("/", 1)[0] for n in files if n.endswith("/case.json"))
        record = json.loads(files[f"{folder}/case.json"])
        record["title"], record["outcome"] = "Konten sudah sesuai", "no_action"
        files[f"{folder}/case.json"] = json.dumps(record).encode()
        lines = files["audit/events.jsonl"].decode().splitlines()
        kept = [line for line in lines if json.loads(line)["action"] != "record_decision"]
        assert len(kept) < len(lines)
        files["audit/events.jsonl"] = ("\n".join(kept) + "\n").encode()
        manifest = json.loads(files["manifest.json"])
        for entry in manifest["files"]:
            entry["size"] = len(files[entry["name"]])
            entry["sha256"] = hashlib.sha256(files[entry["name"]]).hexdigest()
        files["manifest.json"] = json.dumps(manifest).encode()
        if key is not None:
            files["manifest.sig"] = json.dumps(sign_bytes(files["manifest.json"], key=key)).encode()

    return _rewrite(data, forge)


def test_a_forged_bundle_is_intact_but_its_signature_is_refused_offline(session, desk, tmp_path):
    _case, _other, data, _digest = _bundle(session, desk)
    forged = tmp_path / "forged.zip"
    forged.write_bytes(_forge(data))
    keys = tmp_path / "pantau.pub"
    keys.write_text(public_key_pem(installation_key().public_bytes()))

    report = verify_bundle(forged.read_bytes(), public_keys=public_keyring())
    assert report.intact and not report.signed and report.signature == "invalid"
    command = [sys.executable, "-m", "casework.records.bundles", "verify", str(forged)]
    run = subprocess.run([*command, "--public-key", str(keys)], capture_output=True, text=True)
    assert run.returncode == 1
    assert "signature does not verify" in run.stdout


def test_a_forged_bundle_is_neither_signed_nor_issued_by_this_pantau(session, desk):
    _case, _other, data, _digest = _bundle(session, desk)

    checked = check_received_bundle(session=session, actor=desk.lead, data=_forge(data))

    assert checked.report.intact
    assert not checked.report.signed and not checked.issued_here
    genuine = check_received_bundle(session=session, actor=desk.lead, data=data)
    assert genuine.report.signed and genuine.issued_here
    with pytest.raises(PermissionDenied):
        check_received_bundle(session=session, actor=desk.liaison, data=data)


def test_a_bundle_signed_by_another_installation_is_not_issued_by_this_pantau(session, desk):
    """Another Pantau signs its own manifests with its own key: intact and signed there,
    unknown here."""
    _case, _other, data, _digest = _bundle(session, desk)
    elsewhere = SigningKey.generate()

    checked = check_received_bundle(
        session=session, actor=desk.lead, data=_forge(data, key=elsewhere)
    )

    assert checked.report.intact and not checked.issued_here
    assert checked.report.signature == "invalid"
    assert checked.report.signed_by_key == elsewhere.key_id
    other_keys = {elsewhere.key_id: elsewhere.public_bytes()}
    assert verify_bundle(_forge(data, key=elsewhere), public_keys=other_keys).signed


def test_bundles_are_for_the_supervisory_body_and_its_scope_only(session, desk):
    case = make_case(session, actor=desk.officer, province_code="32", regency_code="32.01")
    with pytest.raises(PermissionDenied):
        build_bundle(session=session, actor=desk.liaison, case_ids=[case.id])
    regional = make_actor(session, role=Role.OFFICER, region_code="35")
    with pytest.raises(CaseNotFound):
        build_bundle(session=session, actor=regional, case_ids=[case.id])


def test_garbage_is_reported_as_not_a_bundle():
    assert not verify_bundle(b"not a zip").intact
    assert not verify_bundle(_rewrite(_empty_zip(), lambda files: None)).intact


def _empty_zip() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w"):
        pass
    return out.getvalue()


# --- statements of reasons -------------------------------------------------------------


def test_each_decision_becomes_a_statement_of_reasons(session, desk):
    case = make_case(session, actor=desk.officer, content_type="video", category_code="hoax")
    case = advance(session, desk, case, A.START_REVIEW, A.REFER_TO_PLATFORM)
    from casework.desk.cases import record_decision

    record_decision(
        session=session,
        actor=desk.liaison,
        case_id=case.id,
        version=case.version,
        decision=removal_decision(
            decisions=["removed", "account_suspended"],
            ground="law",
            legal_reference="UU 7/2017 Pasal 280 ayat (1)",
            automated_detection=True,
        ),
        now=case.updated_at + timedelta(minutes=5),
    )
    [statement] = list(indonesian_statements(session=session, actor=desk.liaison))
    assert statement["puid"].startswith(case.reference)
    assert statement["decision_visibility"] == ["DECISION_VISIBILITY_CONTENT_REMOVED"]
    assert statement["decision_account"] == "DECISION_ACCOUNT_SUSPENDED"
    assert statement["decision_ground"] == "DECISION_GROUND_ILLEGAL_CONTENT"
    assert statement["illegal_content_legal_ground"] == "UU 7/2017 Pasal 280 ayat (1)"
    assert statement["category"] == (
        "STATEMENT_CATEGORY_NEGATIVE_EFFECTS_ON_CIVIC_DISCOURSE_OR_ELECTIONS"
    )
    assert statement["territorial_scope"] == ["ID"]
    assert statement["content_type"] == ["CONTENT_TYPE_VIDEO"]
    assert statement["automated_detection"] == "Yes"
    assert statement["automated_decision"] == "AUTOMATED_DECISION_NOT_AUTOMATED"
    assert statement["source_type"] == "SOURCE_TYPE_OTHER_NOTIFICATION"
    assert statement["application_date"] == "2024-01-10"


def test_a_liaison_exports_only_their_platforms_decisions(session, desk):
    _decided_case(session, desk)
    youtube = make_desk(session, platform_code="youtube")
    _decided_case(
        session,
        youtube,
        platform_code="youtube",
        urls=["https://www.youtube.com/watch?v=dQw4w9WgXcQ"],
        account_handle=None,
    )
    document = json.loads(
        indonesian_record(session=session, actor=desk.liaison, gettext=translator("en"))
    )
    assert [s["platform_name"] for s in document["statements"]] == ["TikTok"]
    assert len(list(indonesian_statements(session=session, actor=desk.officer))) == 2
    with pytest.raises(PermissionDenied):
        list(indonesian_statements(session=session, actor=make_actor(session, role=Role.OBSERVER)))
