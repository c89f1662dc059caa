"""Case services against a real database: the whole lifecycle, every kind of refusal
(and that a refusal changes nothing), filing rules, merging, references, comments."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func
from sqlmodel import Session, select

from casework.desk import cases
from casework.desk.cases import (
    add_comment,
    case_comments,
    case_urls,
    escalate_to_regulator,
    file_report,
    merge_case,
)
from casework.desk.workflow import Action
from casework.errors import InvalidTransition, PermissionDenied, StaleVersion, ValidationError
from casework.people.roles import Role
from db.models import AuditEvent, Case, Comment, ReferenceCounter
from db.types import utcnow
from tests.factories import (
    CAMPAIGN_NOW,
    advance,
    make_actor,
    make_case,
    reload,
    removal_decision,
    report,
)

T0 = CAMPAIGN_NOW
H = timedelta(hours=1)
A = Action


def _events(session: Session, case_id: int) -> list[str]:
    return list(
        session.exec(
            select(AuditEvent.action).where(AuditEvent.case_id == case_id).order_by(AuditEvent.id)
        )
    )


def _snapshot(session: Session, case: Case) -> dict:
    """What a refused call must leave untouched."""
    fresh = reload(session, case)
    return {
        "case": fresh.model_dump(),
        "events": session.exec(select(func.count()).select_from(AuditEvent)).one(),
        "comments": session.exec(select(func.count()).select_from(Comment)).one(),
    }


# --- the happy path --------------------------------------------------------------------

# (service, role, extra arguments, hours after filing, status after, fields to check)
HAPPY_PATH = [
    ("start_review", "officer", {}, 0.5, "in_review", {}),
    (
        "refer_to_platform",
        "officer",
        {"note": "Mohon ditinjau."},
        1,
        "sent",
        {"referred_at": T0 + H, "sla_due_at": T0 + 25 * H},
    ),
    ("acknowledge", "liaison", {}, 2, "acknowledged", {"acknowledged_at": T0 + 2 * H}),
    (
        "request_information",
        "liaison",
        {"question": "Kapan diunggah?"},
        3,
        "info_requested",
        {"sla_paused_since": T0 + 3 * H, "sla_due_at": T0 + 25 * H},
    ),
    (
        "provide_information",
        "officer",
        {"answer": "Saat masa tenang."},
        6,
        "acknowledged",
        {"sla_paused_since": None, "sla_paused_seconds": 3 * 3600, "sla_due_at": T0 + 28 * H},
    ),
    (
        "record_decision",
        "liaison",
        {"decision": removal_decision()},
        8,
        "decided",
        {"decided_at": T0 + 8 * H, "outcome": "removed", "acknowledged_at": T0 + 2 * H},
    ),
    (
        "contest_decision",
        "officer",
        {"reason": "Konten serupa masih ada."},
        9,
        "contested",
        {"contest_count": 1, "decided_at": None, "sla_due_at": T0 + 33 * H},
    ),
    ("acknowledge", "liaison", {}, 10, "acknowledged", {"acknowledged_at": T0 + 2 * H}),
    (
        "record_decision",
        "liaison",
        {"decision": removal_decision(decisions=["removed", "account_suspended"])},
        11,
        "decided",
        {"decided_at": T0 + 11 * H},
    ),
    (
        "close_case",
        "officer",
        {"note": "Konten sudah diturunkan."},
        12,
        "closed",
        {"closed_at": T0 + 12 * H, "closing_note": "Konten sudah diturunkan."},
    ),
    (
        "reopen_case",
        "officer",
        {"reason": "Konten muncul kembali."},
        30,
        "reopened",
        {"closed_at": None, "outcome": None},
    ),
    ("resume_review", "officer", {}, 31, "in_review", {"referred_at": T0 + H}),
]


def test_a_case_goes_through_its_whole_lifecycle_one_version_per_action(session, desk):
    case = make_case(session, actor=desk.officer, now=T0)
    assert (case.status, case.version, case.created_at) == ("new", 1, T0)

    for service, role, extra, hours, status, fields in HAPPY_PATH:
        before = case.version
        at = T0 + timedelta(hours=hours)
        case = getattr(cases, service)(
            session=session,
            actor=getattr(desk, role),
            case_id=case.id,
            version=case.version,
            now=at,
            **extra,
        )
        stored = reload(session, case)
        assert (stored.status, stored.version, stored.updated_at) == (status, before + 1, at)
        assert {name: getattr(stored, name) for name in fields} == fields, service

    assert _events(session, case.id) == ["case_filed"] + [step[0] for step in HAPPY_PATH]


def test_the_audit_events_name_the_actor_and_the_states_of_each_step(session, desk):
    case = make_case(session, actor=desk.officer)
    advance(session, desk, case, A.START_REVIEW, A.REFER_TO_PLATFORM, A.ACKNOWLEDGE)

    rows = session.exec(
        select(AuditEvent).where(AuditEvent.case_id == case.id).order_by(AuditEvent.id)
    ).all()

    assert [(e.actor_id, e.from_status, e.to_status) for e in rows] == [
        (desk.officer.user_id, None, "new"),
        (desk.officer.user_id, "new", "in_review"),
        (desk.officer.user_id, "in_review", "sent"),
        (desk.liaison.user_id, "sent", "acknowledged"),
    ]


def test_questions_answers_and_contests_become_shared_comments(session, desk):
    case = make_case(session, actor=desk.officer)
    case = advance(
        session,
        desk,
        case,
        *(A.START_REVIEW, A.REFER_TO_PLATFORM, A.ACKNOWLEDGE, A.REQUEST_INFORMATION),
        *(A.PROVIDE_INFORMATION, A.RECORD_DECISION, A.CONTEST_DECISION),
    )

    shared = case_comments(session=session, actor=desk.liaison, case_id=case.id)

    assert [(c.body, c.visibility) for c in shared] == [
        ("Kapan konten ini diunggah?", "shared"),
        ("Diunggah saat masa tenang.", "shared"),
        ("Konten serupa masih tersedia.", "shared"),
    ]


# --- refusals --------------------------------------------------------------------------

TO_SENT = (A.START_REVIEW, A.REFER_TO_PLATFORM)
TO_DECIDED = (*TO_SENT, A.RECORD_DECISION)
TO_INFO_REQUESTED = (*TO_SENT, A.ACKNOWLEDGE, A.REQUEST_INFORMATION)
TO_ESCALATED = (*TO_SENT, A.ESCALATE)
SURVIVOR = "a second case to merge into"


def _reach(session, desk, case, path):
    """Take `case` along `path`, escalating an hour after its deadline passed."""
    for action in path:
        now = case.sla_due_at + H if action == A.ESCALATE else None
        case = advance(session, desk, case, action, now=now)
    return case


def _arguments(session, desk, extra: dict) -> dict:
    """`extra` with the SURVIVOR placeholder replaced by a freshly filed case."""
    if extra.get("into_case_id") == SURVIVOR:
        return {**extra, "into_case_id": make_case(session, actor=desk.officer).id}
    return extra


def _act(session, desk, role, case, action, *, version=None, now=None, **extra):
    """Take `action` on `case` as `role`, an hour after the case's last change."""
    return cases.ACTION_SERVICES[action](
        session=session,
        actor=getattr(desk, role),
        case_id=case.id,
        version=case.version if version is None else version,
        now=now or case.updated_at + H,
        **extra,
    )


@pytest.mark.parametrize(
    ("path", "action", "role", "extra"),
    [
        pytest.param(TO_SENT, A.ACKNOWLEDGE, "officer", {}, id="officer-acknowledges"),
        pytest.param(
            TO_SENT,
            A.RECORD_DECISION,
            "officer",
            {"decision": removal_decision()},
            id="officer-records-a-decision",
        ),
        pytest.param(
            (A.START_REVIEW,), A.MERGE, "officer", {"into_case_id": SURVIVOR}, id="officer-merges"
        ),
        pytest.param(TO_SENT, A.ESCALATE, "officer", {"reason": "Lewat."}, id="officer-escalates"),
        pytest.param(
            TO_DECIDED, A.CONTEST_DECISION, "liaison", {"reason": "Tidak."}, id="liaison-contests"
        ),
        pytest.param(TO_DECIDED, A.CLOSE, "liaison", {}, id="liaison-closes"),
        pytest.param(
            TO_INFO_REQUESTED,
            A.PROVIDE_INFORMATION,
            "liaison",
            {"answer": "Jawaban."},
            id="liaison-answers-its-own-question",
        ),
        pytest.param(
            TO_ESCALATED,
            A.RECORD_DECISION,
            "regulator",
            {"decision": removal_decision()},
            id="regulator-records-a-platform-decision",
        ),
        pytest.param(
            TO_ESCALATED,
            A.RECORD_REGULATOR_ORDER,
            "lead",
            {"order": "Perintah."},
            id="lead-records-a-regulator-order",
        ),
    ],
)
def test_a_role_outside_the_transition_is_refused_and_nothing_changes(
    session, desk, path, action, role, extra
):
    case = _reach(session, desk, make_case(session, actor=desk.officer), path)
    extra = _arguments(session, desk, extra)
    before = _snapshot(session, case)

    with pytest.raises(PermissionDenied):
        _act(session, desk, role, case, action, **extra)

    assert _snapshot(session, case) == before


@pytest.mark.parametrize(
    ("path", "action", "role", "extra"),
    [
        pytest.param((), A.REFER_TO_PLATFORM, "officer", {}, id="refer-before-review"),
        pytest.param((A.START_REVIEW,), A.CLOSE, "officer", {}, id="close-in-review"),
        pytest.param(
            (A.START_REVIEW,), A.REOPEN, "officer", {"reason": "Lagi."}, id="reopen-an-open-case"
        ),
        pytest.param(
            TO_SENT,
            A.REQUEST_INFORMATION,
            "liaison",
            {"question": "Apa?"},
            id="ask-before-acknowledging",
        ),
        pytest.param(
            (*TO_SENT, A.ACKNOWLEDGE),
            A.CONTEST_DECISION,
            "officer",
            {"reason": "Tidak."},
            id="contest-before-a-decision",
        ),
        pytest.param(TO_SENT, A.MERGE, "lead", {"into_case_id": SURVIVOR}, id="merge-a-sent-case"),
        pytest.param(
            (*TO_DECIDED, A.CLOSE),
            A.CLOSE,
            "officer",
            {},
            id="close-twice",
        ),
        pytest.param((A.REJECT,), A.START_REVIEW, "officer", {}, id="review-a-rejected-case"),
    ],
)
def test_an_action_the_status_does_not_allow_is_refused_and_nothing_changes(
    session, desk, path, action, role, extra
):
    case = _reach(session, desk, make_case(session, actor=desk.officer), path)
    extra = _arguments(session, desk, extra)
    before = _snapshot(session, case)

    with pytest.raises(InvalidTransition):
        _act(session, desk, role, case, action, **extra)

    assert _snapshot(session, case) == before


def test_no_action_is_possible_on_a_merged_case(session, desk):
    survivor = make_case(session, actor=desk.officer)
    duplicate = make_case(session, actor=desk.officer)
    duplicate = merge_case(
        session=session,
        actor=desk.lead,
        case_id=duplicate.id,
        version=duplicate.version,
        into_case_id=survivor.id,
        now=T0 + H,
    )

    for action, extra in ((A.START_REVIEW, {}), (A.REOPEN, {"reason": "Lagi."}), (A.CLOSE, {})):
        with pytest.raises(InvalidTransition):
            _act(session, desk, "lead", duplicate, action, **extra)
    assert reload(session, duplicate).status == "merged"


@pytest.mark.parametrize("offset", [-1, 1], ids=["older-version", "newer-version"])
def test_an_action_on_a_stale_version_is_refused_and_nothing_changes(session, desk, offset):
    case = advance(session, desk, make_case(session, actor=desk.officer), A.START_REVIEW)
    before = _snapshot(session, case)

    with pytest.raises(StaleVersion):
        _act(session, desk, "officer", case, A.REFER_TO_PLATFORM, version=case.version + offset)

    assert _snapshot(session, case) == before


def test_acting_on_a_page_drawn_before_anothers_change_reports_the_change(session, desk):
    case = make_case(session, actor=desk.officer)
    drawn_version = case.version
    case = advance(session, desk, case, A.START_REVIEW)  # someone else, meanwhile

    with pytest.raises(StaleVersion):
        _act(session, desk, "officer", case, A.START_REVIEW, version=drawn_version)

    assert reload(session, case).version == drawn_version + 1


@pytest.mark.parametrize(
    ("path", "action", "role", "argument"),
    [
        pytest.param((), A.REJECT, "officer", "reason", id="reject"),
        pytest.param((A.START_REVIEW,), A.REJECT, "lead", "reason", id="reject-in-review"),
        pytest.param(
            (*TO_SENT, A.ACKNOWLEDGE), A.REQUEST_INFORMATION, "liaison", "question", id="ask"
        ),
        pytest.param(TO_INFO_REQUESTED, A.PROVIDE_INFORMATION, "officer", "answer", id="answer"),
        pytest.param(TO_DECIDED, A.CONTEST_DECISION, "officer", "reason", id="contest"),
        pytest.param(TO_SENT, A.ESCALATE, "lead", "reason", id="escalate"),
        pytest.param(TO_ESCALATED, A.RECORD_REGULATOR_ORDER, "regulator", "order", id="order"),
        pytest.param((*TO_DECIDED, A.CLOSE), A.REOPEN, "officer", "reason", id="reopen"),
    ],
)
@pytest.mark.parametrize("blank", ["", "   \n\t"], ids=["empty", "whitespace"])
def test_an_action_that_needs_a_reason_refuses_a_blank_one(
    session, desk, path, action, role, argument, blank
):
    case = _reach(session, desk, make_case(session, actor=desk.officer), path)
    before = _snapshot(session, case)

    with pytest.raises(ValidationError) as refused:
        _act(session, desk, role, case, action, now=case.updated_at + 48 * H, **{argument: blank})

    assert set(refused.value.field_errors) == {argument}
    assert _snapshot(session, case) == before


@pytest.mark.parametrize(
    ("decision", "field"),
    [
        pytest.param(removal_decision(decisions=[]), "decisions", id="no-decision"),
        pytest.param(
            removal_decision(decisions=["no_action", "removed"]),
            "decisions",
            id="no-action-combined-with-removal",
        ),
        pytest.param(removal_decision(decisions=["vaporised"]), "decisions", id="unknown-decision"),
        pytest.param(
            removal_decision(ground="law", legal_reference="  "),
            "legal_reference",
            id="law-ground-without-a-law",
        ),
        pytest.param(
            removal_decision(policy_reference=None), "policy_reference", id="terms-without-policy"
        ),
        pytest.param(removal_decision(ground="whim"), "ground", id="unknown-ground"),
        pytest.param(
            removal_decision(decided_at=datetime(2024, 1, 10, 12, 0)),
            "decided_at",
            id="naive-decision-time",
        ),
        pytest.param(
            removal_decision(decided_at=T0 + 1000 * H), "decided_at", id="decided-in-the-future"
        ),
    ],
)
def test_a_decision_must_be_a_complete_statement_of_reasons(session, desk, decision, field):
    case = _reach(session, desk, make_case(session, actor=desk.officer), TO_SENT)
    before = _snapshot(session, case)

    with pytest.raises(ValidationError) as refused:
        _act(session, desk, "liaison", case, A.RECORD_DECISION, decision=decision)

    assert field in refused.value.field_errors
    assert _snapshot(session, case) == before


def test_a_decision_on_law_names_the_law_and_is_stored(session, desk):
    case = _reach(session, desk, make_case(session, actor=desk.officer), TO_SENT)
    decision = removal_decision(
        decisions=["geo_blocked", "geo_blocked"],
        ground="law",
        legal_reference="UU 7/2017 Pasal 280 ayat (1)",
    )

    case = _act(session, desk, "liaison", case, A.RECORD_DECISION, decision=decision)

    stored = cases.case_decisions(session=session, actor=desk.officer, case_id=case.id)
    assert [(d.decisions, d.ground, d.legal_reference) for d in stored] == [
        (["geo_blocked"], "law", "UU 7/2017 Pasal 280 ayat (1)")
    ]


# --- escalation ------------------------------------------------------------------------


def _escalate(session, desk, case, now):
    return escalate_to_regulator(
        session=session,
        actor=desk.lead,
        case_id=case.id,
        version=case.version,
        reason="Platform tidak menanggapi.",
        now=now,
    )


@pytest.mark.parametrize(
    ("path", "contests"),
    [
        pytest.param(TO_SENT, 0, id="sent-within-the-deadline"),
        pytest.param((*TO_SENT, A.ACKNOWLEDGE), 0, id="acknowledged-within-the-deadline"),
        pytest.param((*TO_DECIDED, A.CONTEST_DECISION), 1, id="contested-once"),
    ],
)
def test_escalation_is_refused_before_the_deadline_and_before_two_contests(
    session, desk, path, contests
):
    case = _reach(session, desk, make_case(session, actor=desk.officer), path)
    assert case.contest_count == contests
    before = _snapshot(session, case)

    with pytest.raises(InvalidTransition) as refused:
        _escalate(session, desk, case, now=case.sla_due_at - timedelta(minutes=1))

    assert "contested twice" in refused.value.msgid
    assert _snapshot(session, case) == before


def test_escalation_is_allowed_once_the_deadline_passed(session, desk):
    case = _reach(session, desk, make_case(session, actor=desk.officer), TO_SENT)
    late = case.sla_due_at + timedelta(minutes=1)

    case = _escalate(session, desk, case, now=late)

    stored = reload(session, case)
    assert (stored.status, stored.escalated_at) == ("escalated", late)


def test_a_paused_clock_does_not_count_towards_the_deadline(session, desk):
    case = _reach(session, desk, make_case(session, actor=desk.officer), TO_INFO_REQUESTED)

    with pytest.raises(InvalidTransition):
        _escalate(session, desk, case, now=case.sla_due_at + 100 * H)


def test_escalation_is_allowed_after_two_contests_even_within_the_deadline(session, desk):
    path = (*TO_DECIDED, A.CONTEST_DECISION, A.ACKNOWLEDGE, A.RECORD_DECISION, A.CONTEST_DECISION)
    case = _reach(session, desk, make_case(session, actor=desk.officer), path)
    assert (case.status, case.contest_count) == ("contested", 2)

    case = _escalate(session, desk, case, now=case.updated_at + timedelta(minutes=5))

    assert reload(session, case).status == "escalated"
    assert _events(session, case.id)[-1] == "escalate_to_regulator"


# --- merging ---------------------------------------------------------------------------


def test_merging_moves_urls_and_comments_adds_the_report_count_and_audits_both(session, desk):
    survivor = make_case(session, actor=desk.officer)
    duplicate = make_case(
        session,
        actor=desk.officer,
        urls=["https://www.tiktok.com/@akun.lain/video/7312345678900000001"],
        now=T0 + H,
    )
    add_comment(
        session=session, actor=desk.officer, case_id=duplicate.id, body="Duplikat.", now=T0 + H
    )
    survivor_version = survivor.version

    merged = merge_case(
        session=session,
        actor=desk.lead,
        case_id=duplicate.id,
        version=duplicate.version,
        into_case_id=survivor.id,
        now=T0 + 2 * H,
    )

    merged, survivor = reload(session, merged), reload(session, survivor)
    assert (merged.status, merged.merged_into_id, merged.outcome) == (
        "merged",
        survivor.id,
        "merged",
    )
    assert merged.closed_at == T0 + 2 * H
    assert survivor.report_count == 2
    assert survivor.version == survivor_version + 1
    urls = case_urls(session=session, actor=desk.officer, case_id=survivor.id)
    assert sorted(u.url for u in urls) == [
        "https://www.tiktok.com/@akun.contoh/video/7312345678901234567",
        "https://www.tiktok.com/@akun.lain/video/7312345678900000001",
    ]
    comments = case_comments(session=session, actor=desk.officer, case_id=survivor.id)
    assert [c.body for c in comments] == ["Duplikat."]
    assert _events(session, merged.id)[-1] == "merge_case"
    assert _events(session, survivor.id)[-1] == "case_absorbed"


@pytest.mark.parametrize("into", ["itself", "a-merged-case"])
def test_a_case_cannot_be_merged_into_itself_or_into_a_merged_case(session, desk, into):
    case = make_case(session, actor=desk.officer)
    target = case
    if into == "a-merged-case":
        target = make_case(session, actor=desk.officer)
        merge_case(
            session=session,
            actor=desk.lead,
            case_id=target.id,
            version=target.version,
            into_case_id=make_case(session, actor=desk.officer).id,
        )
    before = _snapshot(session, case)

    with pytest.raises(ValidationError) as refused:
        merge_case(
            session=session,
            actor=desk.lead,
            case_id=case.id,
            version=case.version,
            into_case_id=target.id,
        )

    assert set(refused.value.field_errors) == {"into_case_id"}
    assert _snapshot(session, case) == before


# --- filing ----------------------------------------------------------------------------


def _cases_and_events(session: Session) -> tuple[int, int]:
    return (
        session.exec(select(func.count()).select_from(Case)).one(),
        session.exec(select(func.count()).select_from(AuditEvent)).one(),
    )


def test_a_bad_report_names_every_bad_field_at_once_and_files_nothing(session, desk):
    bad = report(
        title="   ",
        platform_code="myspace",
        urls=["javascript:alert(1)"],
        province_code="32",
        regency_code="31.71",
        # Without a zone: local time in the province, and still in the future.
        posted_at=datetime(2030, 1, 9, 20, 0),
    )

    with pytest.raises(ValidationError) as refused:
        file_report(session=session, actor=desk.officer, report=bad, now=T0)

    assert set(refused.value.field_errors) == {
        "title",
        "platform_code",
        "urls",
        "regency_code",
        "posted_at",
    }
    assert _cases_and_events(session) == (0, 0)


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "ftp://example.com/video.mp4",
        "data:text/html,<script>alert(1)</script>",
        "https://",
        "tiktok.com/@akun/video/1",
        "https://www.tiktok.com/@akun contoh/video/1",
    ],
)
def test_a_link_that_is_not_a_web_address_is_refused(session, desk, url):
    with pytest.raises(ValidationError) as refused:
        file_report(session=session, actor=desk.officer, report=report(urls=[url]), now=T0)

    assert set(refused.value.field_errors) == {"urls"}


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"category_code": "gossip"}, "category_code"),
        ({"source": "rumour"}, "source"),
        ({"province_code": "99", "regency_code": None}, "province_code"),
        ({"province_code": "32.01", "regency_code": None}, "province_code"),
        ({"priority": "whenever"}, "priority"),
        ({"posted_at": T0 + H}, "posted_at"),
        ({"first_seen_at": datetime(2030, 1, 9, 8, 0)}, "first_seen_at"),
        ({"reach": -1}, "reach"),
        ({"title": "x" * 301}, "title"),
    ],
    ids=[
        "unknown-category",
        "unknown-source",
        "unknown-province",
        "regency-as-province",
        "unknown-priority",
        "posted-in-the-future",
        "first-seen-in-the-future-local-time",
        "negative-reach",
        "title-too-long",
    ],
)
def test_a_report_with_one_bad_field_names_that_field(session, desk, overrides, field):
    with pytest.raises(ValidationError) as refused:
        file_report(session=session, actor=desk.officer, report=report(**overrides), now=T0)

    assert set(refused.value.field_errors) == {field}


def test_a_regional_officer_cannot_file_a_case_outside_their_province(session):
    bandung_officer = make_actor(session, role=Role.OFFICER, region_code="32")
    jakarta = report(province_code="31", regency_code="31.71")

    with pytest.raises(ValidationError) as refused:
        file_report(session=session, actor=bandung_officer, report=jakarta, now=T0)

    assert set(refused.value.field_errors) == {"province_code"}
    assert _cases_and_events(session) == (0, 0)
    assert session.exec(select(ReferenceCounter)).all() == []


def test_a_regional_officer_files_inside_their_province(session):
    bandung_officer = make_actor(session, role=Role.OFFICER, region_code="32")

    case = file_report(session=session, actor=bandung_officer, report=report(), now=T0)

    assert (case.province_code, case.reporting_organisation_id) == (
        "32",
        bandung_officer.organisation_id,
    )


@pytest.mark.parametrize("role", [Role.LIAISON, Role.REGULATOR, Role.OBSERVER, Role.ADMIN], ids=str)
def test_only_the_supervisory_body_files_reports(session, role):
    with pytest.raises(PermissionDenied):
        file_report(session=session, actor=make_actor(session, role=role), report=report(), now=T0)

    assert _cases_and_events(session) == (0, 0)


def test_a_filed_case_records_who_filed_it_when_and_in_which_phase(session, desk):
    case = make_case(session, actor=desk.officer, now=T0)

    stored = reload(session, case)
    assert (stored.status, stored.version, stored.report_count) == ("new", 1, 1)
    assert (stored.created_by_id, stored.reporting_organisation_id) == (
        desk.officer.user_id,
        desk.officer.organisation_id,
    )
    assert (stored.created_at, stored.first_seen_at) == (T0, T0)
    assert (stored.election_code, stored.phase, stored.priority) == (
        "pemilu2024",
        "campaign",
        "normal",
    )
    assert stored.content_key == (
        case_urls(session=session, actor=desk.officer, case_id=case.id)[0].canonical_key
    )


def test_content_posted_in_the_quiet_period_is_urgent_with_a_four_hour_deadline(session, desk):
    posted = datetime(2024, 2, 12, 3, 0, tzinfo=UTC)
    case = make_case(session, actor=desk.officer, posted_at=posted, now=posted + 2 * H)

    assert (case.priority, case.phase) == ("urgent", "quiet_period")
    case = advance(session, desk, case, A.START_REVIEW, A.REFER_TO_PLATFORM)
    assert case.sla_due_at == case.referred_at + 4 * H


def test_an_officer_may_set_the_priority_against_the_calendar(session, desk):
    posted = datetime(2024, 2, 12, 3, 0, tzinfo=UTC)
    case = make_case(
        session, actor=desk.officer, posted_at=posted, priority="normal", now=posted + H
    )

    assert case.priority == "normal"


@pytest.mark.parametrize(
    ("province", "regency", "priority"),
    [("32", "32.01", "normal"), ("51", None, "urgent"), ("91", "91.03", "urgent")],
    ids=["23:30-WIB-in-Jawa-Barat", "00:30-WITA-in-Bali", "01:30-WIT-in-Papua"],
)
def test_the_quiet_period_begins_at_local_midnight_of_the_province(
    session, desk, province, regency, priority
):
    posted = datetime(2024, 2, 10, 16, 30, tzinfo=UTC)

    case = make_case(
        session,
        actor=desk.officer,
        province_code=province,
        regency_code=regency,
        posted_at=posted,
        now=posted + H,
    )

    assert case.priority == priority


def test_references_are_unique_increasing_and_numbered_per_year(session, desk):
    filed = [make_case(session, actor=desk.officer, now=T0 + i * H) for i in range(3)]
    next_year = make_case(session, actor=desk.officer, now=datetime(2025, 1, 2, 3, 0, tzinfo=UTC))

    references = [c.reference for c in filed]
    assert all(re.fullmatch(r"PAN-2024-\d{6}", r) for r in references)
    numbers = [int(r.rsplit("-", 1)[1]) for r in references]
    assert numbers == sorted(set(numbers))
    assert next_year.reference == "PAN-2025-000001"


def test_a_refused_filing_gives_its_reference_number_back(session, desk):
    first = make_case(session, actor=desk.officer)
    with pytest.raises(ValidationError):
        make_case(session, actor=desk.officer, title="")
    second = make_case(session, actor=desk.officer)

    assert int(second.reference[-6:]) == int(first.reference[-6:]) + 1


# --- comments --------------------------------------------------------------------------


def _comment(session, actor, case, body, visibility="shared"):
    return add_comment(
        session=session, actor=actor, case_id=case.id, body=body, visibility=visibility
    )


@pytest.fixture
def conversation(session, desk):
    """A sent case with one comment of each kind from each side."""
    case = _reach(session, desk, make_case(session, actor=desk.officer), TO_SENT)
    _comment(session, desk.officer, case, "Officer, shared.")
    _comment(session, desk.officer, case, "Officer, internal: pelapor anggota DPRD.", "internal")
    _comment(session, desk.liaison, case, "Liaison, shared.")
    # A platform's comments are always shared now; an internal note a liaison wrote
    # before that rule is still read only inside its organisation.
    session.add(
        Comment(
            case_id=case.id,
            author_id=desk.liaison.user_id,
            organisation_id=desk.liaison.organisation_id,
            visibility="internal",
            body="Liaison, internal.",
            created_at=utcnow(),
        )
    )
    session.commit()
    return case


def test_a_liaison_sees_shared_comments_and_its_own_internal_notes_only(
    session, desk, conversation
):
    seen = case_comments(session=session, actor=desk.liaison, case_id=conversation.id)

    assert [c.body for c in seen] == ["Officer, shared.", "Liaison, shared.", "Liaison, internal."]


def test_a_colleague_at_another_office_sees_the_supervisory_bodys_internal_notes(
    session, desk, conversation
):
    colleague = make_actor(session, role=Role.LEAD)

    seen = {
        c.body for c in case_comments(session=session, actor=colleague, case_id=conversation.id)
    }

    assert {"Officer, shared.", "Officer, internal: pelapor anggota DPRD."} <= seen


def test_an_officer_never_sees_a_liaisons_internal_notes(session, desk, conversation):
    seen = [
        c.body for c in case_comments(session=session, actor=desk.officer, case_id=conversation.id)
    ]

    assert "Liaison, internal." not in seen


def test_each_comment_is_audited_with_its_visibility(session, desk, conversation):
    rows = session.exec(
        select(AuditEvent)
        .where(AuditEvent.case_id == conversation.id, AuditEvent.action == "comment_added")
        .order_by(AuditEvent.id)
    ).all()

    assert [(e.actor_id, e.detail["visibility"]) for e in rows] == [
        (desk.officer.user_id, "shared"),
        (desk.officer.user_id, "internal"),
        (desk.liaison.user_id, "shared"),
    ]


def test_a_platforms_comments_are_always_shared(session, desk):
    case = _reach(session, desk, make_case(session, actor=desk.officer), TO_SENT)
    before = session.exec(select(func.count()).select_from(Comment)).one()

    with pytest.raises(ValidationError) as refused:
        _comment(session, desk.liaison, case, "Catatan internal platform.", "internal")

    assert set(refused.value.field_errors) == {"visibility"}
    assert session.exec(select(func.count()).select_from(Comment)).one() == before


@pytest.mark.parametrize(
    ("body", "visibility", "field"),
    [("   ", "shared", "body"), ("Catatan.", "public", "visibility")],
    ids=["blank-body", "unknown-visibility"],
)
def test_a_comment_needs_a_body_and_a_known_visibility(session, desk, body, visibility, field):
    case = make_case(session, actor=desk.officer)

    with pytest.raises(ValidationError) as refused:
        _comment(session, desk.officer, case, body, visibility)

    assert set(refused.value.field_errors) == {field}
    assert session.exec(select(func.count()).select_from(Comment)).one() == 0


@pytest.mark.parametrize("role", [Role.OBSERVER, Role.ADMIN], ids=str)
def test_observers_and_admins_cannot_comment(session, desk, role):
    case = make_case(session, actor=desk.officer)

    with pytest.raises(PermissionDenied):
        _comment(session, make_actor(session, role=role), case, "Halo.")
