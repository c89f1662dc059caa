"""Clocks driven by the real actions (issue 18): the agreed deadline kept in step with
today's SLA columns, the regulatory clock from Komdigi's order, a rule changed by an
administrator mid-flight, statutory clocks in the case's own zone."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import select

from casework.clocks import admin as clock_admin
from casework.clocks import engine, service
from casework.desk.workflow import Action as A
from casework.errors import PermissionDenied, ValidationError
from casework.people.roles import Role
from db.models import AuditEvent, CaseClock, Holiday
from tests.factories import CAMPAIGN_NOW, advance, make_actor, make_case, make_desk, reload

H = timedelta(hours=1)


@pytest.fixture
def desk(session):
    return make_desk(session)


def _clocks(session, case) -> dict[str, CaseClock]:
    session.expire_all()
    return {
        c.rule_code: c for c in session.exec(select(CaseClock).where(CaseClock.case_id == case.id))
    }


def _agreed_matches_the_case(session, case) -> None:
    case = reload(session, case)
    agreed = _clocks(session, case)["agreed_platform"]
    assert agreed.due_at == case.sla_due_at
    assert agreed.paused_since == case.sla_paused_since


def test_the_agreed_clock_follows_referral_pause_answer_and_decision(session, desk):
    case = make_case(session, actor=desk.officer)
    case = advance(session, desk, case, A.START_REVIEW, A.REFER_TO_PLATFORM, A.ACKNOWLEDGE)
    _agreed_matches_the_case(session, case)
    case = advance(session, desk, case, A.REQUEST_INFORMATION)
    _agreed_matches_the_case(session, case)
    assert _clocks(session, case)["agreed_platform"].paused_since is not None
    case = advance(session, desk, case, A.PROVIDE_INFORMATION, step=timedelta(hours=3))
    _agreed_matches_the_case(session, case)
    case = advance(session, desk, case, A.RECORD_DECISION)

    agreed = _clocks(session, case)["agreed_platform"]
    assert agreed.outcome == "met" and agreed.stopped_at == reload(session, case).decided_at
    view = engine.view(service.clock_of(agreed), CAMPAIGN_NOW + 99 * H)
    assert view.state is engine.State.MET


def test_each_start_pause_and_stop_is_in_the_audit_event_of_its_action(session, desk):
    case = make_case(session, actor=desk.officer)
    advance(
        session,
        desk,
        case,
        A.START_REVIEW,
        A.REFER_TO_PLATFORM,
        A.ACKNOWLEDGE,
        A.REQUEST_INFORMATION,
        A.PROVIDE_INFORMATION,
        A.RECORD_DECISION,
    )
    events = session.exec(
        select(AuditEvent.action, AuditEvent.detail)
        .where(AuditEvent.case_id == case.id)
        .order_by(AuditEvent.id)
    ).all()
    changes = [
        (action, change["change"])
        for action, detail in events
        for change in (detail or {}).get("clocks", [])
    ]
    assert changes == [
        ("refer_to_platform", "started"),
        ("request_information", "paused"),
        ("provide_information", "resumed"),
        ("record_decision", "stopped"),
    ]


def test_a_contest_restarts_the_agreed_clock_with_a_fresh_deadline(session, desk):
    case = make_case(session, actor=desk.officer)
    case = advance(
        session,
        desk,
        case,
        A.START_REVIEW,
        A.REFER_TO_PLATFORM,
        A.RECORD_DECISION,
        A.CONTEST_DECISION,
    )
    agreed = _clocks(session, case)["agreed_platform"]
    assert agreed.stopped_at is None and agreed.outcome is None
    _agreed_matches_the_case(session, case)


@pytest.mark.parametrize(("mendesak", "hours"), [(False, 24), (True, 4)])
def test_komdigis_order_starts_the_regulatory_clock_and_escalation_gives_up_the_agreed(
    session, desk, mendesak, hours
):
    case = make_case(session, actor=desk.officer, priority="normal")
    case = advance(session, desk, case, A.START_REVIEW, A.REFER_TO_PLATFORM)
    late = case.updated_at + 30 * H
    case = advance(session, desk, case, A.ESCALATE, now=late)
    from casework.desk.cases import record_regulator_order

    ordered_at = late + H
    case = record_regulator_order(
        session=session,
        actor=desk.regulator,
        case_id=case.id,
        version=case.version,
        order="Surat perintah pemutusan akses.",
        mendesak=mendesak,
        now=ordered_at,
    )
    clocks = _clocks(session, case)
    assert clocks["agreed_platform"].outcome == "cancelled"
    assert service.is_breached(clocks["agreed_platform"], ordered_at)
    regulatory = clocks["regulatory_order"]
    assert regulatory.owner == "platform"
    assert regulatory.due_at == ordered_at + hours * H

    case = advance(session, desk, case, A.RECORD_DECISION, now=ordered_at + 2 * H)
    assert _clocks(session, case)["regulatory_order"].outcome == "met"


def test_a_rule_changed_by_an_administrator_moves_running_clocks_only_when_asked(session, desk):
    admin = make_actor(session, role=Role.ADMIN)
    case = make_case(session, actor=desk.officer, priority="normal")
    case = advance(session, desk, case, A.START_REVIEW, A.REFER_TO_PLATFORM)
    agreed_due = _clocks(session, case)["agreed_platform"].due_at
    rule = clock_admin.save_rule(
        session=session,
        actor=admin,
        code="decision",
        amount=5,
        note="Perubahan peraturan (uji)",
    )
    assert rule.version == 2
    # A clock started after the change runs under the new version.
    first = make_case(session, actor=desk.officer)
    start = datetime(2024, 3, 4, 2, 0, tzinfo=UTC)  # a Monday, 09:00 WIB
    service.drive(session, first, "register_laporan", start)
    session.commit()
    assert _clocks(session, first)["decision"].rule_version == 2
    assert clock_admin.recompute(session=session, actor=admin, code="decision") == 0
    assert _clocks(session, case)["agreed_platform"].due_at == agreed_due

    with pytest.raises(PermissionDenied):
        clock_admin.save_rule(session=session, actor=desk.lead, code="decision", amount=3)
    with pytest.raises(ValidationError):
        clock_admin.save_rule(session=session, actor=admin, code="decision", amount=0)


def test_a_clock_keeps_its_version_until_an_administrator_recomputes_it(session, desk):
    admin = make_actor(session, role=Role.ADMIN)
    case = make_case(session, actor=desk.officer)
    start = datetime(2024, 3, 4, 2, 0, tzinfo=UTC)
    service.drive(session, case, "register_laporan", start)
    session.commit()
    before = _clocks(session, case)["decision"]
    assert before.due_at == datetime(2024, 3, 11, 23, 59, 59, tzinfo=ZoneInfo("Asia/Jakarta"))

    clock_admin.save_rule(session=session, actor=admin, code="decision", amount=3)
    service.drive(session, case, "decision_extended_not_a_rule_event", start + H)
    assert _clocks(session, case)["decision"].due_at == before.due_at

    moved = clock_admin.recompute(session=session, actor=admin, code="decision")
    after = _clocks(session, case)["decision"]
    assert moved == 1 and after.rule_version == 2
    assert after.due_at == datetime(2024, 3, 7, 23, 59, 59, tzinfo=ZoneInfo("Asia/Jakarta"))


def test_the_decision_clock_extends_over_the_holiday_calendar_an_admin_keeps(session, desk):
    admin = make_actor(session, role=Role.ADMIN)
    case = make_case(session, actor=desk.officer)
    start = datetime(2024, 3, 4, 2, 0, tzinfo=UTC)
    service.drive(session, case, "register_laporan", start)
    service.drive(session, case, "decision_extended", start + H)
    session.commit()
    # 14 working days from Monday 4 March 2024 skip Nyepi (11th), its cuti bersama
    # (12th) and Good Friday (29th): 5-8, 13-15, 18-22, 25-26 March.
    zone = ZoneInfo("Asia/Jakarta")
    assert _clocks(session, case)["decision"].due_at == datetime(
        2024, 3, 26, 23, 59, 59, tzinfo=zone
    )
    assert session.get(Holiday, datetime(2024, 3, 12).date()).kind == "cuti_bersama"
    clock_admin.save_holiday(
        session=session,
        actor=admin,
        day=datetime(2024, 3, 25).date(),
        kind="cuti_bersama",
        label_id="Cuti bersama (uji)",
        label_en="Joint leave (test)",
    )
    other = make_case(session, actor=desk.officer)
    service.drive(session, other, "register_laporan", start)
    service.drive(session, other, "decision_extended", start + H)
    session.commit()
    assert _clocks(session, other)["decision"].due_at == datetime(
        2024, 3, 27, 23, 59, 59, tzinfo=zone
    )


def test_statutory_clocks_count_days_in_the_cases_own_zone(session, desk):
    # Jayapura (Papua, WIT): 00:30 WIT on 11 February is still the 10th in Jakarta.
    case = make_case(session, actor=desk.officer, province_code="91", regency_code=None)
    reported = datetime(2024, 2, 11, 0, 30, tzinfo=ZoneInfo("Asia/Jayapura"))
    service.drive(session, case, "laporan_received", reported)
    session.commit()
    kajian = _clocks(session, case)["kajian_awal"]
    assert kajian.due_at == datetime(2024, 2, 13, 23, 59, 59, tzinfo=ZoneInfo("Asia/Jayapura"))
    assert kajian.owner == "supervisory"


def test_the_gakkumdu_clock_starts_on_a_criminal_finding_and_stops_when_forwarded(session, desk):
    case = make_case(session, actor=desk.officer)
    found = datetime(2024, 2, 20, 3, 0, tzinfo=UTC)
    service.drive(session, case, "approve_kajian", found, detail={"violation_type": "pidana"})
    clock = _clocks(session, case)["gakkumdu_forwarding"]
    assert clock.owner == "gakkumdu" and clock.due_at == found + 24 * H
    service.drive(session, case, "forward_case", found + 30 * H, detail={"body": "gakkumdu"})
    clock = _clocks(session, case)["gakkumdu_forwarding"]
    assert clock.outcome == "met" and service.is_breached(clock, found + 40 * H)


def test_leads_hear_before_and_when_a_statutory_clock_breaches_once_each(session, desk):
    from casework.outbox.notifications import check_sla
    from db.models import Notification, WebhookDelivery

    case = make_case(session, actor=desk.officer)
    found = datetime(2024, 2, 20, 3, 0, tzinfo=UTC)
    service.drive(session, case, "approve_kajian", found, detail={"violation_type": "pidana"})
    session.commit()

    assert check_sla(session=session, now=found + 23.5 * H) == 1
    assert check_sla(session=session, now=found + 23.6 * H) == 0
    assert check_sla(session=session, now=found + 25 * H) == 1
    assert check_sla(session=session, now=found + 26 * H) == 0

    kinds = session.exec(
        select(Notification.kind, Notification.user_id).where(Notification.case_id == case.id)
    ).all()
    assert {(k, u) for k, u in kinds} == {
        ("clock_at_risk", desk.lead.user_id),
        ("clock_breached", desk.lead.user_id),
    }
    breaches = session.exec(
        select(AuditEvent.detail).where(
            AuditEvent.case_id == case.id, AuditEvent.action == "clock_breached"
        )
    ).all()
    assert [d["rule"] for d in breaches] == ["gakkumdu_forwarding"]
    assert session.exec(select(WebhookDelivery.id)).all() == []  # no endpoint subscribed


def test_the_queue_filters_by_clock_owner_and_state_and_sorts_by_the_next_deadline(session, desk):
    from casework.desk.queries import CaseFilters, list_cases

    def refs(now, **filters):
        page = list_cases(
            session=session, actor=desk.officer, filters=CaseFilters(**filters), now=now
        )
        return {c.reference for c in page.rows}

    late = make_case(session, actor=desk.officer, priority="normal")
    late = advance(session, desk, late, A.START_REVIEW, A.REFER_TO_PLATFORM)
    other = make_case(
        session,
        actor=desk.officer,
        priority="normal",
        urls=["https://www.tiktok.com/@akun.lain/video/7312345678901299999"],
    )
    other = advance(session, desk, other, A.START_REVIEW, A.REFER_TO_PLATFORM, now=late.updated_at)
    escalated = advance(session, desk, other, A.ESCALATE, now=other.updated_at + 30 * H)
    now = escalated.updated_at + H

    assert refs(now, clock_owner="platform", clock_state="overdue") == {late.reference}
    assert refs(now, clock_state="awaiting_order") == {escalated.reference}
    assert refs(now, clock_owner="gakkumdu") == set()

    found = now - 23 * H
    service.drive(session, escalated, "approve_kajian", found, detail={"violation_type": "pidana"})
    session.commit()
    assert refs(now, clock_owner="gakkumdu", clock_state="running") == {escalated.reference}
    page = list_cases(
        session=session, actor=desk.officer, sort="next_clock_due", descending=False, now=now
    )
    assert [c.reference for c in page.rows][:2] == [late.reference, escalated.reference]


def test_clock_compliance_per_rule_and_owner_matches_plain_python(session, desk):
    from casework.clocks import figures

    cases = []
    for n, actions in enumerate(
        [
            (A.START_REVIEW, A.REFER_TO_PLATFORM),
            (A.START_REVIEW, A.REFER_TO_PLATFORM, A.RECORD_DECISION),
            (A.START_REVIEW, A.REFER_TO_PLATFORM, A.ACKNOWLEDGE, A.REQUEST_INFORMATION),
            (A.START_REVIEW,),
        ]
    ):
        case = make_case(
            session,
            actor=desk.officer,
            priority="urgent",
            urls=[f"https://www.tiktok.com/@akun.contoh/video/73123456789012{n:05d}"],
        )
        cases.append(advance(session, desk, case, *actions))
    service.drive(
        session, cases[3], "approve_kajian", CAMPAIGN_NOW, detail={"violation_type": "pidana"}
    )
    session.commit()

    for now in (CAMPAIGN_NOW + H, CAMPAIGN_NOW + 3 * H, CAMPAIGN_NOW + 30 * H):
        expected: dict[tuple[str, str], list[int]] = {}
        for row in session.exec(select(CaseClock)).all():
            clock = service.clock_of(row)
            counts = expected.setdefault((row.rule_code, row.owner), [0, 0, 0, 0])
            if clock.breached(now):
                counts[1] += 1
            elif clock.outcome == "met":
                counts[0] += 1
            elif clock.stopped_at is None and clock.paused_since is None:
                counts[2] += 1
            elif clock.stopped_at is None:
                counts[3] += 1
        got = figures.compliance(session=session, actor=desk.lead, now=now)
        assert {(c.rule_code, c.owner): [c.on_time, c.late, c.running, c.paused] for c in got} == (
            expected
        )

    durations = figures.platform_durations(session=session, actor=desk.lead)
    assert [(d.platform, d.kind, d.measured) for d in durations] == [("tiktok", "agreed", 1)]
    assert durations[0].median_hours == pytest.approx(10 / 60)


def test_registering_a_laporan_through_the_statutory_service_starts_the_decision_clock(
    session, desk
):
    from datetime import date

    from casework.desk.cases import start_review
    from casework.statutory.kajian import register_laporan

    case = make_case(
        session,
        actor=desk.officer,
        intake_type="laporan",
        source="public_complaint",
        reporter_name="Siti Aminah",
        reporter_contact="siti@example.org",
        terlapor_name="Budi Santoso",
        terlapor_status="tim_kampanye",
        incident_at=CAMPAIGN_NOW - timedelta(days=1),
        incident_place="Kabupaten Bogor",
        known_since=date(2024, 1, 9),
    )
    at = CAMPAIGN_NOW + H
    case = start_review(
        session=session, actor=desk.officer, case_id=case.id, version=case.version, now=at
    )
    register_laporan(
        session=session, actor=desk.officer, case_id=case.id, version=case.version, now=at
    )
    decision = _clocks(session, case)["decision"]
    # 10 January 2024 10:00 WIB + 7 days: the end of 17 January, in Bogor's WIB.
    assert decision.owner == "supervisory"
    assert decision.due_at == datetime(2024, 1, 17, 23, 59, 59, tzinfo=ZoneInfo("Asia/Jakarta"))
    event = session.exec(
        select(AuditEvent.detail).where(
            AuditEvent.case_id == case.id, AuditEvent.action == "register_laporan"
        )
    ).one()
    assert [c["rule"] for c in event["clocks"]] == ["decision"]
