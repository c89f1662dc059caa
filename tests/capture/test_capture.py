"""Capture against the loopback platform, through the real worker and Debian's
Chromium: every outcome, the archive and its index, the signed manifest, redirects,
retries, and what each party may see."""

from __future__ import annotations

import hashlib
import io
import json

import pytest
from sqlmodel import select
from warcio.archiveiterator import ArchiveIterator

from casework.audit import verify_chain
from casework.capture.jobs import CAPTURE_DISPLAY_NAME
from casework.capture.views import case_captures
from casework.signing import canonical_json, public_keyring, verify_bytes
from db.models import AuditEvent, CaptureJob, Evidence, EvidenceBlob, User
from tests.capture import platform as site
from tests.capture.conftest import capture_settings, file_case, run_worker

pytestmark = pytest.mark.browser


def _blob(session, evidence: Evidence) -> bytes:
    return session.exec(select(EvidenceBlob.data).where(EvidenceBlob.sha256 == evidence.sha256)).one()


def test_a_filed_link_is_captured_as_screenshot_archive_index_and_signed_manifest(
    session, browser, platform, settings
):
    case = file_case(session, settings, platform.url(site.TIKTOK_VIDEO))
    assert run_worker(session, browser, settings) == 1
    officer_view = case_captures(session=session, actor=_officer(session), case_id=case.id)
    [view] = officer_view.captures
    capture = view.capture
    assert capture.outcome == "captured"
    assert capture.http_status == 200
    assert capture.final_url == platform.url(site.TIKTOK_VIDEO)
    assert capture.title == "Surat suara sudah dicoblos! | TikTok"
    assert capture.canonical_url == (
        "https://www.tiktok.com/@kandidat.satu/video/7312345678901234567"
    )
    assert capture.page_metadata["og:title"] == "Surat suara sudah dicoblos!"
    assert capture.author_handle == "@kandidat.satu"
    assert capture.user_agent == settings.capture_user_agent
    assert [f.mime_type for f in view.files] == [
        "image/png",
        "application/warc",
        "application/x-cdxj",
        "application/json",
    ]
    capturer = session.get(User, view.files[0].captured_by_id)
    assert capturer.display_name == CAPTURE_DISPLAY_NAME
    for evidence in view.files:
        assert hashlib.sha256(_blob(session, evidence)).hexdigest() == evidence.sha256

    # The WARC reads back, and holds the page and the image that loaded only on scroll.
    warc = _blob(session, view.files[1])
    responses = {
        record.rec_headers.get_header("WARC-Target-URI"): record.content_stream().read()
        for record in ArchiveIterator(io.BytesIO(warc))
        if record.rec_type == "response"
    }
    assert b"Surat suara sudah dicoblos!" in responses[platform.url(site.TIKTOK_VIDEO)]
    assert responses[platform.url("/media/a.png")] == site.frame("a")
    index = _blob(session, view.files[2]).decode()
    assert '"url": "%s"' % platform.url("/media/a.png") in index

    # The manifest names every file by its hash and carries a signature that verifies.
    document = json.loads(_blob(session, view.files[3]))
    manifest, signature = document["manifest"], document["signature"]
    assert {f["sha256"] for f in manifest["files"]} == {f.sha256 for f in view.files[:3]}
    assert verify_bytes(canonical_json(manifest), signature, public_keys=public_keyring(settings))
    assert hashlib.sha256(canonical_json(manifest)).hexdigest() == capture.manifest_sha256
    tampered = {**manifest, "outcome": "not_found"}
    assert not verify_bytes(
        canonical_json(tampered), signature, public_keys=public_keyring(settings)
    )

    actions = session.exec(
        select(AuditEvent.action).where(AuditEvent.case_id == case.id).order_by(AuditEvent.id)
    ).all()
    assert actions[-5:] == ["evidence_added"] * 4 + ["content_captured"]
    assert verify_chain(session).ok
    job = session.exec(select(CaptureJob).where(CaptureJob.case_id == case.id)).one()
    assert job.status == "done"


def _officer(session):
    from tests.factories import make_actor

    return make_actor(session)
