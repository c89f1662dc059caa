"""A fetch's result kept as evidence on its case, in one transaction: the screenshot,
the WARC and its CDXJ index, and the signed manifest of their hashes, each an evidence
file captured by "Pantau capture" with its `evidence_added` event; then the capture row
and its own event, and the job marked done. A worker killed anywhere before the commit
leaves nothing behind but the job, which comes due again when its lease ends."""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from sqlmodel import Session, select

from casework.capture.archive import CDXJ_TYPE, WARC_TYPE, cdxj_index, write_warc
from casework.capture.fetch import PageResult
from casework.capture.outcomes import Outcome, verdict_of
from casework.capture.schedule import DONE, PENDING, VERIFY
from casework.capture.similar import perceptual_hash
from casework.errors import ValidationError
from casework.intake.evidence import image_thumbnail, store_evidence
from casework.records.audit import record_event
from casework.records.signing import canonical_json, installation_key, sign_bytes
from casework.settings import Settings
from db.engine import begin_write
from db.models import Capture, CaptureJob, Case, Evidence
from db.types import utcnow

SOFTWARE = "Pantau capture"
MANIFEST_TYPE = "application/json"
MANIFEST_VERSION = 1


def public_proxy(proxy: str | None) -> str | None:
    """The proxy as recorded: scheme, host and port, never its credentials."""
    if not proxy:
        return None
    parts = urlsplit(proxy)
    host = parts.hostname or ""
    netloc = f"{host}:{parts.port}" if parts.port else host
    return urlunsplit((parts.scheme, netloc, "", "", ""))


def _stamp(moment: datetime) -> str:
    return moment.strftime("%Y%m%dT%H%M%SZ")


def capture_manifest(
    *, case: Case, kind: str, result: PageResult, outcome: str, files: list[dict[str, Any]]
) -> dict[str, Any]:
    """What the capture found and the hash of every file it made: the record that is
    signed. Plain strings and numbers only, so its canonical JSON is stable."""
    return {
        "pantau_capture": MANIFEST_VERSION,
        "case_reference": case.reference,
        "kind": kind,
        "url": result.url,
        "outcome": outcome,
        "http_status": result.http_status,
        "final_url": result.final_url,
        "redirects": list(result.redirects),
        "title": result.title,
        "canonical_url": result.canonical_url,
        "author_handle": result.author_handle,
        "metadata": dict(sorted(result.metadata.items())),
        "captured_at": result.captured_at.isoformat(timespec="seconds"),
        "user_agent": result.user_agent,
        "proxy": public_proxy(result.proxy),
        "files": files,
    }


def _attach(
    session: Session,
    *,
    case_id: int,
    data: bytes,
    name: str,
    mime_type: str,
    user_id: int,
    captured_at: datetime,
    capture_id: int,
    now: datetime,
    thumbnail: bytes | None = None,
    image_hash: str | None = None,
) -> dict[str, Any]:
    sha256 = hashlib.sha256(data).hexdigest()
    existing = session.exec(
        select(Evidence.id).where(Evidence.case_id == case_id, Evidence.sha256 == sha256)
    ).first()
    if existing is None:
        evidence = store_evidence(
            session,
            case_id=case_id,
            data=data,
            sha256=sha256,
            file_name=name,
            mime_type=mime_type,
            thumbnail=thumbnail,
            perceptual_hash=image_hash,
            captured_by_id=user_id,
            captured_at=captured_at,
            uploaded_by_kind="capture",
            capture_id=capture_id,
            now=now,
        )
        existing = evidence.id
    return {
        "evidence_id": existing,
        "name": name,
        "type": mime_type,
        "sha256": sha256,
        "size": len(data),
    }


def _screenshot_preview(data: bytes) -> bytes | None:
    try:
        return image_thumbnail(data, "image/png")
    except ValidationError:  # taller than Pillow's pixel limit: no preview, still kept
        return None


def record_capture(
    session: Session,
    *,
    job_id: int,
    worker: str,
    result: PageResult,
    outcome: Outcome,
    user_id: int,
    settings: Settings,
    now: datetime | None = None,
) -> Capture | None:
    """Keep a finished fetch (any outcome) and close its job; None when this worker's
    claim was lost meanwhile (its lease ran out and another worker took the job)."""
    now = now or utcnow()
    # Everything slow (the archive, the index, hashing, the preview) happens before the
    # write transaction, so SQLite's write lock is held for the inserts alone.
    artefacts: list[tuple[str, str, bytes, bytes | None, str | None]] = []
    stamp = _stamp(result.captured_at)
    if result.screenshot:
        artefacts.append(
            (
                f"capture-{stamp}.png",
                "image/png",
                result.screenshot,
                _screenshot_preview(result.screenshot),
                perceptual_hash(result.screenshot, "image/png"),
            )
        )
    if result.traffic.exchanges:
        warc = write_warc(result.traffic, captured_at=result.captured_at, software=SOFTWARE)
        warc_name = f"capture-{stamp}.warc"
        artefacts.append((warc_name, WARC_TYPE, warc, None, None))
        index = cdxj_index(warc, filename=warc_name)
        if index:
            artefacts.append((f"capture-{stamp}.cdxj", CDXJ_TYPE, index, None, None))
    key = installation_key(settings) if artefacts else None

    begin_write(session)
    job = session.get(CaptureJob, job_id, populate_existing=True)
    if job is None or job.status != PENDING or job.claimed_by != worker:
        session.rollback()
        return None
    case = session.get(Case, job.case_id)
    capture = Capture(
        job_id=job.id,
        case_id=case.id,
        kind=job.kind,
        url=job.url,
        outcome=str(outcome),
        http_status=result.http_status,
        final_url=result.final_url,
        title=result.title,
        canonical_url=result.canonical_url,
        author_handle=result.author_handle,
        page_metadata={**result.metadata, "redirects": list(result.redirects)},
        user_agent=result.user_agent[:300],
        proxy=public_proxy(result.proxy),
        captured_at=result.captured_at,
        error=result.error,
        created_at=now,
    )
    session.add(capture)
    session.flush()
    files = [
        _attach(
            session,
            case_id=case.id,
            data=data,
            name=name,
            mime_type=mime_type,
            user_id=user_id,
            captured_at=result.captured_at,
            capture_id=capture.id,
            now=now,
            thumbnail=thumbnail,
            image_hash=image_hash,
        )
        for name, mime_type, data, thumbnail, image_hash in artefacts
    ]
    if key is not None:
        manifest = capture_manifest(
            case=case,
            kind=job.kind,
            result=result,
            outcome=str(outcome),
            files=[{k: f[k] for k in ("name", "type", "sha256", "size")} for f in files],
        )
        signed_bytes = canonical_json(manifest)
        signature = sign_bytes(signed_bytes, key=key)
        capture.manifest_sha256 = hashlib.sha256(signed_bytes).hexdigest()
        capture.signature = signature
        document = json.dumps(
            {"manifest": manifest, "signature": signature}, ensure_ascii=False, indent=2
        ).encode("utf-8")
        _attach(
            session,
            case_id=case.id,
            data=document,
            name=f"capture-{stamp}-manifest.json",
            mime_type=MANIFEST_TYPE,
            user_id=user_id,
            captured_at=result.captured_at,
            capture_id=capture.id,
            now=now,
        )
    detail: dict[str, Any] = {
        "capture_id": capture.id,
        "url": job.url,
        "outcome": str(outcome),
        "http_status": result.http_status,
        "manifest_sha256": capture.manifest_sha256,
    }
    if job.kind == VERIFY:
        detail["verdict"] = str(verdict_of(outcome))
    record_event(
        session,
        action="removal_checked" if job.kind == VERIFY else "content_captured",
        actor_id=user_id,
        case_id=case.id,
        at=now,
        detail=detail,
    )
    job.status = DONE
    job.finished_at = now
    job.last_error = result.error
    session.add(job)
    session.add(capture)
    session.commit()
    return capture
