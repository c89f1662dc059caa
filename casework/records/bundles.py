"""Evidence bundles for legal referral (e.g. to Gakkumdu): one ZIP holding, for one or
several cases, each case's record and timeline, every evidence file under its SHA-256
name, the audit-chain excerpt of those cases, and a manifest of every file's size and
SHA-256. The manifest is signed with the installation key (`manifest.sig`), and the export
itself is an audit event carrying the manifest's SHA-256, so a bundle can be matched to
Pantau's own trail.

"Intact": every file matches the manifest and every audit event its hash; anyone can
rebuild an intact bundle. "Signed": the manifest's signature verifies against this
installation's public key; only the holder of the private key can produce it.

Verify one offline:  python -m casework.records.bundles verify bundle.zip --public-key keys.json
or online:           python -m casework.records.bundles verify bundle.zip --keys-url URL"""

from __future__ import annotations

import hashlib
import io
import json
import re
import sys
import zipfile
from typing import Any

from sqlmodel import Session, select

from casework.desk.case_view import load_case_view
from casework.desk.schemas import DECISION_FIELDS
from casework.errors import ValidationError
from casework.i18n import N_
from casework.people.actors import Actor
from casework.people.permissions import may_bundle, require
from casework.records.audit import record_event
from casework.records.bundle_verification import (  # noqa: F401 - the checking half, re-exported
    MANIFEST,
    PROBLEM_EVENT,
    PROBLEM_EXTRA,
    PROBLEM_HASH,
    PROBLEM_MISSING,
    PROBLEM_NAME,
    PROBLEM_NO_MANIFEST,
    PROBLEM_NOT_ZIP,
    PROBLEM_SIZE,
    PROBLEM_TOO_BIG,
    SIGNATURE,
    SIGNATURE_MISSING,
    BundleReport,
    check_received_bundle,
    main,
    verify_bundle,
)
from casework.records.signing import keys_url, sign_bytes
from db.engine import begin_write
from db.models import AuditEvent, EvidenceBlob
from db.types import utcnow

FORMAT = "pantau-evidence-bundle/1"
MAX_CASES = 50
SHA256 = re.compile(r"^[0-9a-f]{64}$")

README = """Pantau evidence bundle / Bundel bukti Pantau

manifest.json lists every other file with its size and SHA-256.
manifest.json mencantumkan setiap berkas lain beserta ukuran dan SHA-256-nya.
manifest.sig is the Ed25519 signature of manifest.json by the Pantau installation.
manifest.sig adalah tanda tangan Ed25519 atas manifest.json oleh instalasi Pantau.

Verify / Verifikasi:
  python -m casework.records.bundles verify <bundle.zip> --public-key <pantau-keys.json>
  python -m casework.records.bundles verify <bundle.zip> \\
      --keys-url <url>/.well-known/pantau-keys.json
The SHA-256 of manifest.json is recorded in Pantau's audit trail
(event "evidence_bundle_exported").
SHA-256 manifest.json tercatat di jejak audit Pantau.
"""


def _json(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, indent=2, sort_keys=True, default=str).encode()


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _case_record(view) -> dict[str, Any]:
    return {
        "reference": view.reference,
        "version": view.version,
        "status": view.status,
        "title": view.title,
        "description": view.description,
        "platform": view.platform,
        "category": view.category,
        "legal_ground": view.legal_ground,
        "account_handle": view.account_handle,
        "account_class": view.account_class,
        "content_type": view.content_type,
        "source": view.source,
        "province": view.province,
        "regency": view.regency,
        "priority": view.priority,
        "election": view.election_code,
        "phase": view.phase,
        "posted_at": view.posted_at,
        "first_seen_at": view.first_seen_at,
        "filed_at": view.created_at,
        "reach": view.reach,
        "reports": view.report_count,
        "reporter_name": view.reporter_name,
        "reporter_contact": view.reporter_contact,
        "sla_due_at": view.clock.due_at,
        "sla_state": str(view.clock.state),
        "outcome": view.outcome,
        "closing_note": view.closing_note,
        "merged_into": view.merged_into,
        "links": [{"url": u.url, "content_key": u.canonical_key} for u in view.urls],
        "decisions": [
            {
                "issued_by": d.issued_by,
                **{name: getattr(d, name) for name in DECISION_FIELDS if name != "signature"},
                "signed_by": view.decision_signers.get(d.id),
                "signature": (
                    {"alg": "Ed25519", "key_id": d.signed_key_id, "signature": d.signature}
                    if d.signature
                    else None
                ),
                "signed_record": d.signed_record,
            }
            for d in view.decisions
        ],
    }


def _timeline(view) -> list[dict[str, Any]]:
    return [
        {
            "at": entry.at,
            "kind": entry.kind,
            "who": entry.who,
            "organisation": entry.organisation,
            "action": entry.action,
            "from": entry.from_status,
            "to": entry.to_status,
            "text": entry.text,
            "visibility": entry.visibility,
            "detail": entry.detail,
        }
        for entry in view.timeline
    ]


def _event_line(event: AuditEvent) -> dict[str, Any]:
    return {
        "id": event.id,
        "case_id": event.case_id,
        "actor_id": event.actor_id,
        "action": event.action,
        "from_status": event.from_status,
        "to_status": event.to_status,
        "detail": event.detail,
        "created_at": event.created_at.isoformat(timespec="microseconds"),
        "prev_hash": event.prev_hash,
        "hash": event.hash,
    }


def build_bundle(
    *, session: Session, actor: Actor, case_ids: list[int], language: str = "id"
) -> tuple[bytes, str]:
    """The bundle of `case_ids` (all in the actor's scope) and its manifest's SHA-256.
    The export is recorded in the audit trail."""
    require(actor, may_bundle, "export_evidence_bundle")
    ids = list(dict.fromkeys(case_ids))
    if not ids:
        raise ValidationError({"cases": N_("Select at least one case.")})
    if len(ids) > MAX_CASES:
        raise ValidationError({"cases": N_("A bundle holds at most 50 cases.")})
    files: dict[str, bytes] = {"README.txt": README.encode()}
    references = []
    for case_id in ids:
        # load_case_view checks the scope of each case and trims what the actor may not read.
        view = load_case_view(session=session, actor=actor, case_id=case_id, language=language)
        references.append(view.reference)
        folder = f"cases/{view.reference}"
        files[f"{folder}/case.json"] = _json(_case_record(view))
        files[f"{folder}/timeline.json"] = _json(_timeline(view))
        listing = []
        for item in view.evidence:
            name = f"evidence/{item.sha256}"
            if name not in files:
                files[name] = session.exec(
                    select(EvidenceBlob.data).where(EvidenceBlob.sha256 == item.sha256)
                ).one()
            listing.append(
                {
                    "file": name,
                    "original_name": item.file_name,
                    "sha256": item.sha256,
                    "size": item.size,
                    "mime_type": item.mime_type,
                    "captured_by_id": item.captured_by_id,
                    "captured_at": item.captured_at,
                    "uploaded_by": item.uploaded_by_kind,
                }
            )
        files[f"{folder}/evidence.json"] = _json(listing)
    events = session.exec(
        select(AuditEvent).where(AuditEvent.case_id.in_(ids)).order_by(AuditEvent.id)
    ).all()
    files["audit/events.jsonl"] = "".join(
        json.dumps(_event_line(e), ensure_ascii=False, sort_keys=True, default=str) + "\n"
        for e in events
    ).encode()
    now = utcnow()
    manifest = {
        "format": FORMAT,
        "created_at": now.isoformat(),
        "created_by": actor.username,
        "organisation": actor.organisation_name,
        "cases": references,
        "files": [
            {"name": name, "size": len(data), "sha256": _sha(data)}
            for name, data in sorted(files.items())
        ],
    }
    files[MANIFEST] = _json(manifest)
    digest = _sha(files[MANIFEST])
    files[SIGNATURE] = _json({**sign_bytes(files[MANIFEST]), "keys_url": keys_url()})
    session.rollback()
    begin_write(session)
    # On each case, so that the export shows in its timeline and in its own audit trail
    # (the chain of custody of its evidence), with the bundle it went out in.
    for case_id in ids:
        record_event(
            session,
            action="evidence_bundle_exported",
            actor_id=actor.user_id,
            case_id=case_id,
            at=now,
            detail={"cases": references, "manifest_sha256": digest},
        )
    session.commit()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in sorted(files.items()):
            archive.writestr(name, data)
    return buffer.getvalue(), digest


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
