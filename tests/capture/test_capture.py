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

from casework.capture.jobs import CAPTURE_DISPLAY_NAME, request_capture
from casework.capture.similar import similar_cases
from casework.capture.views import case_captures
from casework.desk.workflow import Action
from casework.errors import CaseNotFound
from casework.people.roles import Role
from casework.records.audit import verify_chain
from casework.records.signing import canonical_json, public_keyring, verify_bytes
from db.models import AuditEvent, CaptureJob, Evidence, EvidenceBlob, User
from tests.capture import platform as site
from tests.capture.conftest import capture_settings, file_case, run_worker
from tests.factories import advance, make_actor, make_desk

pytestmark = pytest.mark.browser


def _blob(session, evidence: Evidence) -> bytes:
    return session.exec(
        select(EvidenceBlob.data).where(EvidenceBlob.sha256 == evidence.sha256)
    ).one()


def test_a_filed_link_is_captured_as_screenshot_archive_index_and_signed_manifest(
    session, browser, platform, settings
):
    case = file_case(session, settings, platform.url(site.TIKTOK_VIDEO))
    assert run_worker(session, browser, settings) == 1
    officer_view = case_captures(session=session, actor=make_actor(session), case_id=case.id)
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
    assert json.dumps({"url": platform.url("/media/a.png")})[1:-1] in index

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
    assert verify_chain(session).intact
    job = session.exec(select(CaptureJob).where(CaptureJob.case_id == case.id)).one()
    assert job.status == "done"


@pytest.mark.parametrize(
    ("path", "platform_code", "outcome", "status"),
    [
        (site.X_POST, "x", "captured", 200),
        (site.LOGIN_WALL, "tiktok", "login_wall", 200),
        (site.REGION_BLOCK, "x", "region_block", 200),
        (site.UNAVAILABLE, "tiktok", "unavailable", 200),
        (site.MISSING, "tiktok", "not_found", 404),
        (site.GONE, "x", "not_found", 410),
    ],
)
def test_each_page_the_platform_serves_is_recorded_as_its_own_outcome(
    session, browser, platform, settings, path, platform_code, outcome, status
):
    case = file_case(session, settings, platform.url(path), platform_code=platform_code)
    run_worker(session, browser, settings)
    [view] = case_captures(session=session, actor=make_actor(session), case_id=case.id).captures
    assert (view.capture.outcome, view.capture.http_status) == (outcome, status)
    # What was served instead of the content is kept too: it is the proof of the answer.
    assert view.files[0].mime_type == "image/png"
    assert view.capture.signature is not None


def test_an_x_post_names_its_author_from_the_page(session, browser, platform, settings):
    case = file_case(session, settings, platform.url(site.X_POST), platform_code="x")
    run_worker(session, browser, settings)
    [view] = case_captures(session=session, actor=make_actor(session), case_id=case.id).captures
    assert view.capture.author_handle == "@kandidat_dua"
    assert view.capture.page_metadata["twitter:creator"] == "@kandidat_dua"


def test_a_redirect_chain_records_every_hop_and_the_final_address(
    session, browser, platform, settings
):
    case = file_case(session, settings, platform.url(site.SHORT_LINK))
    run_worker(session, browser, settings)
    [view] = case_captures(session=session, actor=make_actor(session), case_id=case.id).captures
    assert view.capture.outcome == "captured"
    assert view.capture.final_url == platform.url(site.TIKTOK_VIDEO)
    assert view.capture.page_metadata["redirects"] == [
        platform.url(site.SHORT_LINK),
        platform.url("/redirect/step-two"),
    ]
    warc = session.exec(
        select(EvidenceBlob.data).where(EvidenceBlob.sha256 == view.files[1].sha256)
    ).one()
    statuses = {
        record.rec_headers.get_header("WARC-Target-URI"): record.http_headers.get_statuscode()
        for record in ArchiveIterator(io.BytesIO(warc))
        if record.rec_type == "response"
    }
    assert statuses[platform.url(site.SHORT_LINK)] == "301"
    assert statuses[platform.url("/redirect/step-two")] == "302"


def test_a_slow_page_is_tried_again_after_a_pause_then_recorded_as_a_timeout(
    session, browser, platform, tmp_path
):
    settings = capture_settings(tmp_path, capture_timeout_seconds=1, capture_max_attempts=2)
    case = file_case(session, settings, platform.url(site.SLOW))
    run_worker(session, browser, settings)
    job = session.exec(select(CaptureJob).where(CaptureJob.case_id == case.id)).one()
    assert (job.status, job.attempts) == ("pending", 1)
    assert job.due_at > job.created_at  # backing off, not lost
    assert case_captures(session=session, actor=make_actor(session), case_id=case.id).captures == []

    job.due_at = job.created_at  # the pause is over
    session.add(job)
    session.commit()
    run_worker(session, browser, settings)
    [view] = case_captures(session=session, actor=make_actor(session), case_id=case.id).captures
    assert view.capture.outcome == "timeout"
    assert view.files == []
    session.refresh(job)
    assert (job.status, job.attempts) == ("done", 2)


def test_verification_flips_from_still_reachable_to_gone_when_the_page_is_removed(
    session, browser, platform, settings
):
    desk = make_desk(session)
    case = file_case(session, settings, platform.url(site.REPOST), actor=desk.officer)
    run_worker(session, browser, settings)
    case = advance(session, desk, case, *_TO_DECIDED)
    # Recording the removal queued a check (the delay is 0 in these settings).
    checks = session.exec(
        select(CaptureJob).where(CaptureJob.case_id == case.id, CaptureJob.kind == "verify")
    ).all()
    assert len(checks) == 1
    run_worker(session, browser, settings)
    latest = case_captures(session=session, actor=desk.officer, case_id=case.id)
    assert latest.latest_verification.verdict == "still_reachable"

    platform.remove(site.REPOST)
    request_capture(
        session=session, actor=desk.officer, case_id=case.id, settings=settings, verify=True
    )
    run_worker(session, browser, settings)
    latest = case_captures(session=session, actor=desk.officer, case_id=case.id)
    assert latest.latest_verification.verdict == "gone"
    assert latest.latest_verification.capture.http_status == 404
    assert [c.verdict for c in latest.captures] == ["gone", "still_reachable", None]


def test_near_identical_screenshots_are_suggested_as_related_and_different_ones_are_not(
    session, browser, platform, settings
):
    officer = make_actor(session)
    first = file_case(session, settings, platform.url(site.TIKTOK_VIDEO), actor=officer)
    repost = file_case(session, settings, platform.url(site.REPOST), actor=officer)
    other = file_case(session, settings, platform.url(site.OTHER_VIDEO), actor=officer)
    run_worker(session, browser, settings)
    suggested = similar_cases(session=session, actor=officer, case_id=first.id, settings=settings)
    assert [s.case_id for s in suggested] == [repost.id]
    assert suggested[0].distance <= settings.near_duplicate_distance
    assert other.id not in {
        s.case_id
        for s in similar_cases(session=session, actor=officer, case_id=repost.id, settings=settings)
    }


def test_a_liaison_sees_captures_only_once_the_case_is_referred_to_their_platform(
    session, browser, platform, settings
):
    desk = make_desk(session)
    case = file_case(session, settings, platform.url(site.TIKTOK_VIDEO), actor=desk.officer)
    run_worker(session, browser, settings)
    other_platform = make_actor(session, role=Role.LIAISON, platform_code="x")
    with pytest.raises(CaseNotFound):
        case_captures(session=session, actor=desk.liaison, case_id=case.id)
    advance(session, desk, case, Action.START_REVIEW, Action.REFER_TO_PLATFORM)
    assert len(case_captures(session=session, actor=desk.liaison, case_id=case.id).captures) == 1
    with pytest.raises(CaseNotFound):
        case_captures(session=session, actor=other_platform, case_id=case.id)
    observer = make_actor(session, role=Role.OBSERVER)
    with pytest.raises(CaseNotFound):
        case_captures(session=session, actor=observer, case_id=case.id)


_TO_DECIDED = (
    Action.START_REVIEW,
    Action.REFER_TO_PLATFORM,
    Action.ACKNOWLEDGE,
    Action.RECORD_DECISION,
)
