"""Duplicates on a real database: what a filed link stores, finding a case by the content
its links point at (across link shapes, inside the viewer's scope, open or recent only),
adding a report to a case, filing anyway with a link both ways, and merging reports."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func
from sqlmodel import Session, select

from casework.desk.cases import case_urls, file_report, merge_case
from casework.desk.validation import OTHER_PLATFORM
from casework.desk.workflow import Action
from casework.errors import (
    CaseNotFound,
    InvalidTransition,
    PermissionDenied,
    StaleVersion,
    ValidationError,
)
from casework.intake.duplicates import (
    DuplicateMatch,
    add_report_to_case,
    file_and_link,
    find_duplicates,
    related_cases,
)
from casework.people.roles import Role
from db.models import AuditEvent, Case, CaseLink, CaseReport
from tests.factories import (
    CAMPAIGN_NOW,
    advance,
    make_actor,
    make_case,
    reload,
    report,
)

A = Action
T0 = CAMPAIGN_NOW
H = timedelta(hours=1)
DAY = timedelta(days=1)
VIDEO = "7312345678901234567"
TIKTOK = f"https://www.tiktok.com/@akun.contoh/video/{VIDEO}"
TIKTOK_KEY = f"tiktok:video:{VIDEO}"


def _events(session: Session, case_id: int) -> list[str]:
    query = select(AuditEvent.action).where(AuditEvent.case_id == case_id)
    return list(session.exec(query.order_by(AuditEvent.id)))


def _reports(session: Session, case_id: int) -> list[CaseReport]:
    query = select(CaseReport).where(CaseReport.case_id == case_id).order_by(CaseReport.id)
    return list(session.exec(query))


def _count(session: Session, model) -> int:
    return session.exec(select(func.count()).select_from(model)).one()


def _references(matches: list[DuplicateMatch]) -> list[str]:
    return [m.reference for m in matches]


# --- what filing stores ----------------------------------------------------------------


def test_each_filed_link_keeps_its_key_platform_and_review_flag(session, desk):
    case = make_case(
        session,
        actor=desk.officer,
        urls=[
            f"  {TIKTOK}?is_from_webapp=1&sender_device=pc ",
            "https://vm.tiktok.com/ZSLxAbc12/",
            "https://berita.example.id/hoaks-surat-suara",
        ],
    )

    rows = case_urls(session=session, actor=desk.officer, case_id=case.id)
    assert [(r.url, r.canonical_key, r.platform_code, r.needs_review) for r in rows] == [
        (f"{TIKTOK}?is_from_webapp=1&sender_device=pc", TIKTOK_KEY, "tiktok", False),
        ("https://vm.tiktok.com/ZSLxAbc12/", None, "tiktok", True),
        ("https://berita.example.id/hoaks-surat-suara", None, "tiktok", False),
    ]
    assert reload(session, case).content_key == TIKTOK_KEY


def test_the_handle_comes_from_the_link_when_the_officer_leaves_it_empty(session, desk):
    case = make_case(session, actor=desk.officer, account_handle="  ")

    assert reload(session, case).account_handle == "@akun.contoh"


@pytest.mark.parametrize(
    ("platform", "url"),
    [
        ("youtube", TIKTOK),
        ("facebook", "https://www.instagram.com/p/C1a2B3c4D5e/"),
        ("tiktok", "https://youtu.be/dQw4w9WgXcQ"),
    ],
)
def test_a_link_on_another_platform_than_the_chosen_one_is_refused(session, desk, platform, url):
    with pytest.raises(ValidationError) as refused:
        file_report(
            session=session,
            actor=desk.officer,
            report=report(platform_code=platform, urls=[url]),
            now=T0,
        )

    assert refused.value.field_errors == {"urls": OTHER_PLATFORM}
    assert _count(session, Case) == 0


def test_a_link_with_a_hidden_right_to_left_mark_is_refused(session, desk):
    with pytest.raises(ValidationError) as refused:
        make_case(session, actor=desk.officer, urls=["https://www.tiktok.com/@akun\u202e/video/1"])

    assert set(refused.value.field_errors) == {"urls"}


# --- finding ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("platform", "filed", "asked"),
    [
        ("tiktok", TIKTOK, f"https://m.tiktok.com/v/{VIDEO}.html?_r=1&u_code=abc"),
        (
            "youtube",
            "https://www.youtube.com/watch?v=dQw4w9WgXcQ&feature=share",
            "https://youtu.be/dQw4w9WgXcQ?si=AbCdEf",
        ),
        (
            "x",
            "https://twitter.com/akun_contoh/status/1757000000000000000",
            "https://x.com/i/web/status/1757000000000000000?s=20",
        ),
        (
            "instagram",
            "https://www.instagram.com/p/C1a2B3c4D5e/",
            "https://www.instagram.com/reel/C1a2B3c4D5e/?igsh=MWZ0cXl4",
        ),
    ],
    ids=["tiktok", "youtube", "x", "instagram"],
)
def test_a_report_of_the_same_post_in_another_shape_finds_the_case(
    session, desk, platform, filed, asked
):
    case = make_case(session, actor=desk.officer, platform_code=platform, urls=[filed])
    make_case(session, actor=desk.officer, urls=["https://www.tiktok.com/@lain/video/1"])

    matches = find_duplicates(
        session=session, actor=desk.officer, urls=["https://berita.example.id/x", asked]
    )

    assert matches == [
        DuplicateMatch(
            case_id=case.id,
            reference=case.reference,
            title=case.title,
            status="new",
            platform_code=platform,
            matched_key=case.content_key,
            report_count=1,
            version=case.version,
            created_at=case.created_at,
        )
    ]


@pytest.mark.parametrize(
    "urls",
    [
        [],
        ["https://vm.tiktok.com/ZSLxAbc12/"],
        ["javascript:alert(1)", "https://www.tiktok.com/@akun\u202e/video/" + VIDEO],
        ["https://berita.example.id/hoaks"],
        ["https://www.tiktok.com/@akun.contoh/video/7312345678900000009"],
    ],
    ids=["none", "short-link", "refused", "other-site", "other-video"],
)
def test_links_without_a_matching_key_find_nothing(session, desk, urls):
    make_case(session, actor=desk.officer)

    assert find_duplicates(session=session, actor=desk.officer, urls=urls) == []


def test_each_case_is_offered_once_newest_first(session, desk):
    older = make_case(session, actor=desk.officer, urls=[TIKTOK, TIKTOK + "?lang=id"], now=T0)
    newer = make_case(session, actor=desk.officer, now=T0 + H)

    matches = find_duplicates(
        session=session, actor=desk.officer, urls=[TIKTOK, f"https://m.tiktok.com/v/{VIDEO}.html"]
    )

    assert _references(matches) == [newer.reference, older.reference]


def test_a_regional_office_never_learns_of_another_regions_case(session, desk):
    west_java = make_case(session, actor=desk.officer)  # province 32
    jakarta_officer = make_actor(session, role=Role.OFFICER, region_code="31")
    west_java_officer = make_actor(session, role=Role.OFFICER, region_code="32")

    assert find_duplicates(session=session, actor=jakarta_officer, urls=[TIKTOK]) == []
    assert _references(
        find_duplicates(session=session, actor=west_java_officer, urls=[TIKTOK])
    ) == [west_java.reference]


def test_a_liaison_learns_only_of_cases_referred_to_its_platform(session, desk):
    case = make_case(session, actor=desk.officer)
    youtube_liaison = make_actor(session, role=Role.LIAISON, platform_code="youtube")

    assert find_duplicates(session=session, actor=desk.liaison, urls=[TIKTOK]) == []
    advance(session, desk, case, A.START_REVIEW, A.REFER_TO_PLATFORM)
    assert _references(find_duplicates(session=session, actor=desk.liaison, urls=[TIKTOK])) == [
        case.reference
    ]
    assert find_duplicates(session=session, actor=youtube_liaison, urls=[TIKTOK]) == []


@pytest.mark.parametrize("role", [Role.OBSERVER, Role.ADMIN], ids=str)
def test_observers_and_admins_learn_of_no_case(session, desk, role):
    make_case(session, actor=desk.officer)

    assert (
        find_duplicates(session=session, actor=make_actor(session, role=role), urls=[TIKTOK]) == []
    )


def _closed(session, desk, how: str) -> Case:
    case = make_case(session, actor=desk.officer)
    if how == "rejected":
        return advance(session, desk, case, A.REJECT)
    return advance(
        session, desk, case, A.START_REVIEW, A.REFER_TO_PLATFORM, A.RECORD_DECISION, A.CLOSE
    )


@pytest.mark.parametrize("how", ["closed", "rejected"])
@pytest.mark.parametrize(("days", "offered"), [(1, True), (29, True), (30, True), (31, False)])
def test_a_closed_or_rejected_case_is_offered_for_thirty_days(session, desk, how, days, offered):
    case = _closed(session, desk, how)
    assert case.status == how

    matches = find_duplicates(
        session=session, actor=desk.officer, urls=[TIKTOK], now=case.closed_at + days * DAY
    )

    assert _references(matches) == ([case.reference] if offered else [])


def test_an_open_case_is_offered_however_old_it_is(session, desk):
    case = advance(session, desk, make_case(session, actor=desk.officer), A.START_REVIEW)

    matches = find_duplicates(
        session=session, actor=desk.officer, urls=[TIKTOK], now=T0 + 400 * DAY
    )

    assert _references(matches) == [case.reference]


def test_a_merged_case_is_not_offered_but_the_case_it_went_into_is(session, desk):
    survivor = make_case(session, actor=desk.officer, urls=["https://www.tiktok.com/@b/video/42"])
    duplicate = make_case(session, actor=desk.officer)
    merge_case(
        session=session,
        actor=desk.lead,
        case_id=duplicate.id,
        version=duplicate.version,
        into_case_id=survivor.id,
        now=T0 + H,
    )

    matches = find_duplicates(session=session, actor=desk.officer, urls=[TIKTOK])

    assert _references(matches) == [survivor.reference]


# --- adding a report to a case ---------------------------------------------------------


def test_another_report_keeps_its_reporter_and_office_and_the_case_counts_it(session, desk):
    case = make_case(
        session,
        actor=desk.officer,
        source="public_complaint",
        reporter_name="Budi",
        reporter_contact="budi@example.id",
    )
    bogor_officer = make_actor(session, role=Role.OFFICER, region_code="32")
    second_shape = f"https://m.tiktok.com/v/{VIDEO}.html"

    updated = add_report_to_case(
        session=session,
        actor=bogor_officer,
        case_id=case.id,
        version=case.version,
        report=report(
            source="partner",
            reporter_name="Siti (Perludem)",
            reporter_contact="+62 812 0000 0000",
            urls=[TIKTOK, second_shape],
            description="Dilaporkan lagi oleh mitra.",
        ),
        now=T0 + H,
    )

    stored = reload(session, updated)
    assert (stored.report_count, stored.version, stored.updated_at) == (2, 2, T0 + H)
    reports = _reports(session, case.id)
    assert [
        (r.source, r.reporter_name, r.reporter_contact, r.reporting_organisation_id, r.url)
        for r in reports
    ] == [
        ("public_complaint", "Budi", "budi@example.id", desk.officer.organisation_id, TIKTOK),
        (
            "partner",
            "Siti (Perludem)",
            "+62 812 0000 0000",
            bogor_officer.organisation_id,
            TIKTOK,
        ),
    ]
    assert reports[1].created_by_id == bogor_officer.user_id
    assert "Dilaporkan lagi oleh mitra." in reports[1].note
    urls = case_urls(session=session, actor=desk.officer, case_id=case.id)
    assert [(u.url, u.canonical_key) for u in urls] == [
        (TIKTOK, TIKTOK_KEY),
        (second_shape, TIKTOK_KEY),
    ]
    assert _events(session, case.id)[-1] == "report_added"


def test_three_reports_count_three(session, desk):
    case = make_case(session, actor=desk.officer)
    for n in range(2):
        case = add_report_to_case(
            session=session,
            actor=desk.officer,
            case_id=case.id,
            version=case.version,
            report=report(reporter_name=f"Pelapor {n}"),
            now=T0 + (n + 1) * H,
        )

    assert reload(session, case).report_count == 3
    assert [r.reporter_name for r in _reports(session, case.id)] == [None, "Pelapor 0", "Pelapor 1"]
    assert [
        m.report_count for m in find_duplicates(session=session, actor=desk.officer, urls=[TIKTOK])
    ] == [3]


def _untouched(session: Session, case: Case) -> dict:
    fresh = reload(session, case)
    return {
        "case": fresh.model_dump(),
        "reports": len(_reports(session, case.id)),
        "events": _count(session, AuditEvent),
    }


def test_a_report_added_on_a_stale_version_is_refused_and_changes_nothing(session, desk):
    case = make_case(session, actor=desk.officer)
    seen = case.version
    advance(session, desk, case, A.START_REVIEW)
    before = _untouched(session, case)

    with pytest.raises(StaleVersion):
        add_report_to_case(
            session=session, actor=desk.officer, case_id=case.id, version=seen, report=report()
        )

    assert _untouched(session, case) == before


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"urls": ["https://youtu.be/dQw4w9WgXcQ"]}, "urls"),
        ({"urls": ["javascript:alert(1)"]}, "urls"),
        ({"source": "rumour"}, "source"),
        ({"description": "x" * 20_001}, "description"),
    ],
    ids=["other-platform", "bad-link", "unknown-source", "huge-description"],
)
def test_a_bad_additional_report_names_the_field_and_changes_nothing(
    session, desk, overrides, field
):
    case = make_case(session, actor=desk.officer)
    before = _untouched(session, case)

    with pytest.raises(ValidationError) as refused:
        add_report_to_case(
            session=session,
            actor=desk.officer,
            case_id=case.id,
            version=case.version,
            report=report(**overrides),
        )

    assert set(refused.value.field_errors) == {field}
    assert _untouched(session, case) == before


def test_a_merged_case_takes_no_more_reports(session, desk):
    survivor = make_case(session, actor=desk.officer)
    duplicate = make_case(session, actor=desk.officer)
    duplicate = merge_case(
        session=session,
        actor=desk.lead,
        case_id=duplicate.id,
        version=duplicate.version,
        into_case_id=survivor.id,
    )

    with pytest.raises(InvalidTransition):
        add_report_to_case(
            session=session,
            actor=desk.officer,
            case_id=duplicate.id,
            version=duplicate.version,
            report=report(),
        )


def test_only_the_supervisory_body_adds_reports_and_only_inside_its_scope(session, desk):
    case = advance(
        session, desk, make_case(session, actor=desk.officer), A.START_REVIEW, A.REFER_TO_PLATFORM
    )
    jakarta_officer = make_actor(session, role=Role.OFFICER, region_code="31")
    before = _untouched(session, case)

    with pytest.raises(PermissionDenied):
        add_report_to_case(
            session=session,
            actor=desk.liaison,
            case_id=case.id,
            version=case.version,
            report=report(),
        )
    with pytest.raises(CaseNotFound):
        add_report_to_case(
            session=session,
            actor=jakarta_officer,
            case_id=case.id,
            version=case.version,
            report=report(),
        )

    assert _untouched(session, case) == before


# --- filing anyway, linked -------------------------------------------------------------


def test_filing_anyway_links_both_cases_as_related_and_audits_both(session, desk):
    existing = make_case(session, actor=desk.officer)
    existing_version = existing.version

    new = file_and_link(
        session=session,
        actor=desk.officer,
        report=report(title="Unggahan ulang video yang sama"),
        related_case_id=existing.id,
        now=T0 + H,
    )

    assert (new.status, new.title, new.report_count) == ("new", "Unggahan ulang video yang sama", 1)
    links = session.exec(select(CaseLink).order_by(CaseLink.id)).all()
    assert [(link.case_id, link.other_case_id, link.kind) for link in links] == [
        (new.id, existing.id, "related"),
        (existing.id, new.id, "related"),
    ]
    assert _events(session, new.id) == ["case_filed", "case_linked"]
    assert _events(session, existing.id)[-1] == "case_linked"
    assert reload(session, existing).version == existing_version
    assert [c.id for c in related_cases(session=session, actor=desk.officer, case_id=new.id)] == [
        existing.id
    ]
    assert [
        c.id for c in related_cases(session=session, actor=desk.officer, case_id=existing.id)
    ] == [new.id]


def test_filing_anyway_against_a_case_out_of_scope_files_nothing(session, desk):
    existing = make_case(session, actor=desk.officer)
    jakarta_officer = make_actor(session, role=Role.OFFICER, region_code="31")

    with pytest.raises(CaseNotFound):
        file_and_link(
            session=session,
            actor=jakarta_officer,
            report=report(province_code="31", regency_code="31.71"),
            related_case_id=existing.id,
        )

    assert (_count(session, Case), _count(session, CaseLink)) == (1, 0)


def test_filing_anyway_with_a_bad_report_links_nothing(session, desk):
    existing = make_case(session, actor=desk.officer)

    with pytest.raises(ValidationError):
        file_and_link(
            session=session,
            actor=desk.officer,
            report=report(title=""),
            related_case_id=existing.id,
        )

    assert (_count(session, Case), _count(session, CaseLink)) == (1, 0)


def test_a_liaison_sees_only_the_related_cases_in_its_scope(session, desk):
    tiktok_case = advance(
        session, desk, make_case(session, actor=desk.officer), A.START_REVIEW, A.REFER_TO_PLATFORM
    )
    youtube = file_and_link(
        session=session,
        actor=desk.officer,
        report=report(platform_code="youtube", urls=["https://youtu.be/dQw4w9WgXcQ"]),
        related_case_id=tiktok_case.id,
    )

    assert related_cases(session=session, actor=desk.liaison, case_id=tiktok_case.id) == []
    assert [
        c.id for c in related_cases(session=session, actor=desk.officer, case_id=tiktok_case.id)
    ] == [youtube.id]


# --- merging ---------------------------------------------------------------------------


def test_merging_moves_every_report_to_the_surviving_case(session, desk):
    survivor = make_case(session, actor=desk.officer, reporter_name="Budi")
    duplicate = make_case(
        session,
        actor=desk.officer,
        reporter_name="Siti",
        urls=["https://www.tiktok.com/@akun.lain/video/7312345678900000001"],
        now=T0 + H,
    )
    duplicate = add_report_to_case(
        session=session,
        actor=desk.officer,
        case_id=duplicate.id,
        version=duplicate.version,
        report=report(reporter_name="Wati", urls=[]),
        now=T0 + 2 * H,
    )

    merge_case(
        session=session,
        actor=desk.lead,
        case_id=duplicate.id,
        version=duplicate.version,
        into_case_id=survivor.id,
        now=T0 + 3 * H,
    )

    assert [r.reporter_name for r in _reports(session, survivor.id)] == ["Budi", "Siti", "Wati"]
    assert _reports(session, duplicate.id) == []
    assert reload(session, survivor).report_count == 3
    keys = {
        u.canonical_key for u in case_urls(session=session, actor=desk.officer, case_id=survivor.id)
    }
    assert keys == {TIKTOK_KEY, "tiktok:video:7312345678900000001"}


# --- short links (issue 13) ------------------------------------------------------------


@pytest.mark.parametrize(
    "asked",
    [
        "https://vm.tiktok.com/ZSLxAbc12/",
        "https://VM.TikTok.com/ZSLxAbc12?utm_source=whatsapp",
        " https://vm.tiktok.com/ZSLxAbc12#top ",
    ],
    ids=["identical", "case-and-tracking", "spaces-and-fragment"],
)
def test_the_same_short_link_filed_twice_raises_the_duplicate_warning(session, desk, asked):
    first = make_case(session, actor=desk.officer, urls=["https://vm.tiktok.com/ZSLxAbc12/"])
    make_case(session, actor=desk.officer, urls=["https://vm.tiktok.com/ZSLxOther9/"])

    matches = find_duplicates(session=session, actor=desk.officer, urls=[asked])

    assert [m.reference for m in matches] == [first.reference]
    assert first.content_key == "url:https://vm.tiktok.com/ZSLxAbc12"


def test_a_short_link_of_a_case_out_of_scope_is_not_revealed(session, desk):
    make_case(session, actor=desk.officer, urls=["https://vm.tiktok.com/ZSLxAbc12/"])

    assert (
        find_duplicates(
            session=session, actor=desk.liaison, urls=["https://vm.tiktok.com/ZSLxAbc12/"]
        )
        == []
    )
