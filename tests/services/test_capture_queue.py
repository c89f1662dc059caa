"""The capture queue without a browser: what filing, a request and a decision queue,
the switches that turn capture off, safe claims by several workers, and near-identical
uploaded images suggested as related."""

from __future__ import annotations

import io
import random
from datetime import timedelta

import pytest
from PIL import Image, ImageDraw
from sqlmodel import Session, select

from casework.analytics.filters import DashboardFilters
from casework.analytics.verification import removal_checks
from casework.capture.fetch import PageResult
from casework.capture.jobs import CAPTURE_OFF, claim_next, request_capture
from casework.capture.outcomes import Outcome
from casework.capture.similar import similar_cases
from casework.capture.store import record_capture
from casework.desk.cases import file_report, record_decision
from casework.desk.workflow import Action
from casework.errors import PermissionDenied, ValidationError
from casework.intake.evidence import add_evidence
from casework.intake.imports import template_xlsx
from casework.people.roles import Role
from casework.records.transparency import INTERNAL, build_report
from casework.settings import Settings
from db.models import Capture, CaptureJob, Evidence
from db.read_model import ReadModel
from db.types import utcnow
from tests.factories import CAMPAIGN_NOW, advance, make_actor, make_desk, removal_decision, report
from tests.services.test_imports import import_file

LINKS = [
    "https://www.tiktok.com/@akun.contoh/video/7312345678901234567",
    "https://www.tiktok.com/@akun.contoh/video/7312345678901234568",
]


def _settings(**overrides) -> Settings:
    return Settings(capture_verify_delay_hours=24, **overrides)


def _file(session, settings, actor=None, **overrides):
    return file_report(
        session=session,
        actor=actor or make_actor(session),
        report=report(**{"urls": LINKS, **overrides}),
        now=CAMPAIGN_NOW,
        settings=settings,
    )


def _jobs(session, case, kind=None):
    query = select(CaptureJob).where(CaptureJob.case_id == case.id)
    if kind:
        query = query.where(CaptureJob.kind == kind)
    return session.exec(query.order_by(CaptureJob.id)).all()


def test_filing_a_case_queues_one_capture_per_link(session):
    case = _file(session, _settings())
    jobs = _jobs(session, case)
    assert [(j.url, j.kind, j.status, j.due_at) for j in jobs] == [
        (url, "capture", "pending", CAMPAIGN_NOW) for url in LINKS
    ]


@pytest.mark.parametrize(
    "switch", [{"capture_enabled": False}, {"capture_off_platforms": ["tiktok"]}]
)
def test_capture_turned_off_queues_nothing_and_refuses_a_request(session, switch):
    settings = _settings(**switch)
    officer = make_actor(session)
    case = _file(session, settings, actor=officer)
    assert _jobs(session, case) == []
    with pytest.raises(ValidationError) as refused:
        request_capture(session=session, actor=officer, case_id=case.id, settings=settings)
    assert refused.value.msgid == CAPTURE_OFF
    assert _jobs(session, case) == []


def test_capture_turned_off_for_another_platform_still_captures_this_one(session):
    case = _file(session, _settings(capture_off_platforms=["facebook"]))
    assert len(_jobs(session, case)) == 2


def test_an_officer_asks_for_a_capture_once_however_often_they_click(session):
    settings = _settings()
    officer = make_actor(session)
    case = _file(session, settings, actor=officer)
    for job in _jobs(session, case):
        job.status = "done"
        session.add(job)
    session.commit()
    assert request_capture(session=session, actor=officer, case_id=case.id, settings=settings) == 2
    assert request_capture(session=session, actor=officer, case_id=case.id, settings=settings) == 0
    assert len(_jobs(session, case)) == 4


@pytest.mark.parametrize("role", [Role.LIAISON, Role.OBSERVER, Role.ADMIN, Role.REGULATOR])
def test_only_the_supervisory_body_asks_for_captures(session, role):
    settings = _settings()
    case = _file(session, settings)
    with pytest.raises(PermissionDenied):
        request_capture(
            session=session,
            actor=make_actor(session, role=role),
            case_id=case.id,
            settings=settings,
        )


def test_a_removal_queues_a_check_of_every_link_after_the_delay(session):
    settings = _settings()
    desk = make_desk(session)
    case = _file(session, settings, actor=desk.officer)
    case = advance(
        session,
        desk,
        case,
        Action.START_REVIEW,
        Action.REFER_TO_PLATFORM,
        Action.ACKNOWLEDGE,
        Action.RECORD_DECISION,
    )
    checks = _jobs(session, case, "verify")
    assert [j.url for j in checks] == LINKS
    assert {j.due_at for j in checks} == {case.decided_at + timedelta(hours=24)}


def test_a_decision_to_take_no_action_queues_no_check(session):
    settings = _settings()
    desk = make_desk(session)
    case = _file(session, settings, actor=desk.officer)
    case = advance(
        session, desk, case, Action.START_REVIEW, Action.REFER_TO_PLATFORM, Action.ACKNOWLEDGE
    )
    record_decision(
        session=session,
        actor=desk.liaison,
        case_id=case.id,
        version=case.version,
        decision=removal_decision(decisions=["no_action"]),
        settings=settings,
        now=case.updated_at + timedelta(minutes=5),
    )
    assert _jobs(session, case, "verify") == []


def test_two_workers_never_claim_the_same_job(session):
    case = _file(session, _settings())
    lease = timedelta(minutes=5)
    first = claim_next(session, worker="a", lease=lease)
    second = claim_next(session, worker="b", lease=lease)
    third = claim_next(session, worker="c", lease=lease)
    assert {first.id, second.id} == {j.id for j in _jobs(session, case)}
    assert third is None
    assert (first.claimed_by, first.attempts) == ("a", 1)


def test_a_worker_whose_lease_ran_out_cannot_record_over_the_next_one(session):
    settings = _settings()
    case = _file(session, settings, urls=[LINKS[0]])
    now = utcnow()
    late = claim_next(session, worker="late", lease=timedelta(seconds=1), now=now)
    taken = claim_next(
        session, worker="next", lease=timedelta(minutes=5), now=now + timedelta(seconds=5)
    )
    assert (taken.id, taken.claimed_by, taken.attempts) == (late.id, "next", 2)
    result = PageResult(
        url=late.url, captured_at=now, user_agent="ua", proxy=None, failure="timeout"
    )
    kept = record_capture(
        session,
        job_id=late.id,
        worker="late",
        result=result,
        outcome=Outcome.TIMEOUT,
        user_id=make_actor(session).user_id,
        settings=settings,
    )
    assert kept is None
    assert session.exec(select(Capture).where(Capture.case_id == case.id)).all() == []


def _picture(kind: str, fmt: str) -> bytes:
    """A photo-like picture: a few hundred coloured discs on a gradient, the same for
    the same `kind` (a seeded random layout), saved as PNG or JPEG."""
    rng = random.Random(kind)
    image = Image.new("RGB", (480, 360))
    draw = ImageDraw.Draw(image)
    for y in range(360):
        draw.line((0, y, 480, y), fill=(y // 2, 80, 255 - y // 2))
    for _ in range(300):
        x, y, r = rng.randrange(480), rng.randrange(360), rng.randrange(5, 40)
        colour = (rng.randrange(256), rng.randrange(256), rng.randrange(256))
        draw.ellipse((x - r, y - r, x + r, y + r), fill=colour)
    buffer = io.BytesIO()
    image.save(buffer, format=fmt, **({"quality": 80} if fmt == "JPEG" else {}))
    return buffer.getvalue()


def test_a_near_identical_upload_suggests_the_other_case_with_its_distance(session):
    settings = _settings()
    officer = make_actor(session)
    original = _file(session, settings, actor=officer, urls=[LINKS[0]])
    repost = _file(session, settings, actor=officer, urls=[LINKS[1]])
    different = _file(
        session,
        settings,
        actor=officer,
        urls=["https://x.com/akun/status/1750000000000000001"],
        platform_code="x",
    )
    add_evidence(
        session=session,
        actor=officer,
        case_id=original.id,
        file_name="a.png",
        data=_picture("a", "PNG"),
        settings=settings,
    )
    # The same picture saved again as a JPEG: other bytes, the same image.
    add_evidence(
        session=session,
        actor=officer,
        case_id=repost.id,
        file_name="a.jpg",
        data=_picture("a", "JPEG"),
        settings=settings,
    )
    add_evidence(
        session=session,
        actor=officer,
        case_id=different.id,
        file_name="b.png",
        data=_picture("b", "PNG"),
        settings=settings,
    )
    suggested = similar_cases(
        session=session, actor=officer, case_id=original.id, settings=settings
    )
    assert [s.case_id for s in suggested] == [repost.id]
    assert 0 <= suggested[0].distance <= settings.near_duplicate_distance


def test_suggestions_stay_inside_what_the_viewer_may_see(session):
    settings = _settings()
    national = make_actor(session)
    regional = make_actor(session, region_code="31")
    mine = _file(session, settings, actor=regional, province_code="31", regency_code=None)
    elsewhere = _file(session, settings, actor=national, urls=[LINKS[1]])
    for case in (mine, elsewhere):
        add_evidence(
            session=session,
            actor=national,
            case_id=case.id,
            file_name="a.png",
            data=_picture("a", "PNG") if case is mine else _picture("a", "JPEG"),
            settings=settings,
        )
    assert similar_cases(session=session, actor=regional, case_id=mine.id, settings=settings) == []
    assert [
        s.case_id
        for s in similar_cases(session=session, actor=national, case_id=mine.id, settings=settings)
    ] == [elsewhere.id]
    assert session.exec(select(Evidence)).all()


def _check(session, settings, case, outcome: Outcome, *, worker="w"):
    """A removal check of `case` that found `outcome`, kept by the real store (no browser:
    a fetch that read a status and no page)."""
    [job] = [j for j in _jobs(session, case, "verify") if j.status == "pending"]
    job.claimed_by = worker  # as a claim does
    session.add(job)
    session.commit()
    result = PageResult(
        url=job.url,
        captured_at=utcnow(),
        user_agent="ua",
        proxy=None,
        http_status=404 if outcome == Outcome.NOT_FOUND else 200,
    )
    return record_capture(
        session,
        job_id=job.id,
        worker=worker,
        result=result,
        outcome=outcome,
        user_id=make_actor(session).user_id,
        settings=settings,
    )


def test_the_dashboard_counts_removals_verified_gone_against_those_merely_reported(
    file_database,
):
    url, engine = file_database
    with Session(engine, expire_on_commit=False) as session:
        _count_removal_checks(session, ReadModel(url))


def _count_removal_checks(session, model) -> None:
    settings = _settings()
    desk = make_desk(session)
    steps = (Action.START_REVIEW, Action.REFER_TO_PLATFORM, Action.ACKNOWLEDGE)
    cases = []
    for index in range(4):
        case = _file(session, settings, actor=desk.officer, urls=[LINKS[index % 2]])
        for job in _jobs(session, case):
            job.status = "done"  # the filing's captures are not what this test is about
            session.add(job)
        session.commit()
        case = advance(session, desk, case, *steps)
        kinds = ["no_action"] if index == 3 else ["removed"]
        case = record_decision(
            session=session,
            actor=desk.liaison,
            case_id=case.id,
            version=case.version,
            decision=removal_decision(decisions=kinds),
            settings=settings,
            now=case.updated_at + timedelta(minutes=5),
        )
        cases.append(case)
    gone, reachable, unchecked, _no_action = cases
    _check(session, settings, gone, Outcome.CAPTURED)  # first still there …
    _check(session, settings, reachable, Outcome.CAPTURED)
    request_capture(
        session=session, actor=desk.officer, case_id=gone.id, settings=settings, verify=True
    )
    _check(session, settings, gone, Outcome.NOT_FOUND)  # … then gone: the latest counts
    checks = removal_checks(
        session=session, actor=desk.officer, filters=DashboardFilters(), settings=settings
    )
    assert (checks.reported, checks.verified_gone, checks.still_reachable, checks.unverified) == (
        3,
        1,
        1,
        1,
    )
    # A liaison of another platform counts none of them.
    other = make_actor(session, role=Role.LIAISON, platform_code="x")
    assert (
        removal_checks(
            session=session, actor=other, filters=DashboardFilters(), settings=settings
        ).reported
        == 0
    )

    report = build_report(
        actor=desk.officer,
        filters=DashboardFilters(),
        version=INTERNAL,
        now=utcnow(),
        threshold=5,
        model=model,
        removals=checks,
    )
    rows = {row["figure"]: row["value"] for row in report.headline.rows}
    assert rows["Removals reported by platforms"] == 3
    assert rows["Removals verified gone by Pantau"] == 1
    assert rows["Removed content found still reachable"] == 1
    model.close()


def test_an_imported_case_queues_a_capture_of_its_link_like_a_filed_one(session):
    from openpyxl import load_workbook

    officer = make_actor(session)
    # The template's own example row is left out of an import: write a row over it.
    workbook = load_workbook(io.BytesIO(template_xlsx("en")))
    workbook.worksheets[0].cell(row=2, column=1).value = "Video hoaks di Depok"
    buffer = io.BytesIO()
    workbook.save(buffer)
    import_file(session, officer, buffer.getvalue(), name="template.xlsx")
    [job] = session.exec(select(CaptureJob)).all()
    assert (job.url, job.kind, job.status) == (LINKS[0], "capture", "pending")
