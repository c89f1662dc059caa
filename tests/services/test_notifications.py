"""Who is told what: the two parties along the lifecycle, assignees, mentioned users,
and the leads when a platform's deadline is near or missed."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import select

from casework.desk.cases import add_comment
from casework.desk.workflow import Action
from casework.outbox.notifications import (
    NOTIFICATION_TEXTS,
    check_sla,
    list_notifications,
    mark_read,
    mentioned_usernames,
    unread_count,
)
from casework.people.roles import Role
from db.models import Notification, SlaAlert
from tests.factories import advance, make_actor, make_case, reload

A = Action
H = timedelta(hours=1)


def _kinds(session, user_id: int) -> list[str]:
    query = select(Notification.kind).where(Notification.user_id == user_id)
    return list(session.exec(query.order_by(Notification.id)))


def _advance(session, desk, case, *actions, start=None):
    return advance(session, desk, case, *actions, now=start)


def test_each_step_of_the_round_trip_tells_the_other_party(session, desk):
    case = make_case(session, actor=desk.officer)
    _advance(
        session,
        desk,
        case,
        A.START_REVIEW,
        A.REFER_TO_PLATFORM,
        A.ACKNOWLEDGE,
        A.REQUEST_INFORMATION,
        A.PROVIDE_INFORMATION,
        A.RECORD_DECISION,
        A.CONTEST_DECISION,
    )
    assert _kinds(session, desk.liaison.user_id) == [
        "case_referred",
        "information_provided",
        "decision_contested",
    ]
    assert _kinds(session, desk.officer.user_id) == [
        "case_acknowledged",
        "information_requested",
        "decision_recorded",
    ]


def test_escalation_tells_the_regulator(session, desk):
    case = make_case(session, actor=desk.officer, priority="urgent")
    case = _advance(session, desk, case, A.START_REVIEW, A.REFER_TO_PLATFORM)
    _advance(session, desk, case, A.ESCALATE, start=case.sla_due_at + H)
    assert _kinds(session, desk.regulator.user_id) == ["case_escalated"]


def test_mentions_are_read_from_the_comment_text():
    body = "@Budi.Santoso tolong cek, cc @ani_w. Bukan email: x@y.id @@ganda"
    assert mentioned_usernames(body) == ["budi.santoso", "ani_w"]


def test_a_mentioned_colleague_who_can_see_the_case_is_notified(session, desk):
    case = make_case(session, actor=desk.officer)
    add_comment(
        session=session,
        actor=desk.officer,
        case_id=case.id,
        body=f"@{desk.lead.username} mohon keputusan",
        visibility="internal",
    )
    assert _kinds(session, desk.lead.user_id) == ["mentioned"]


def test_a_mention_never_reveals_a_case_or_an_internal_note(session, desk):
    case = make_case(session, actor=desk.officer, province_code="32", regency_code="32.01")
    elsewhere = make_actor(session, role=Role.OFFICER, region_code="35")
    body = f"@{elsewhere.username} @{desk.liaison.username} @nobody.here"
    # A regional officer outside the case's province, and a liaison before referral,
    # cannot see the case: neither hears of it.
    add_comment(session=session, actor=desk.officer, case_id=case.id, body=body)
    assert _kinds(session, elsewhere.user_id) == []
    assert _kinds(session, desk.liaison.user_id) == []
    case = _advance(session, desk, reload(session, case), A.START_REVIEW, A.REFER_TO_PLATFORM)
    # Referred now, but an internal note is still not the platform's to read.
    add_comment(
        session=session,
        actor=desk.officer,
        case_id=case.id,
        body=f"@{desk.liaison.username} internal",
        visibility="internal",
    )
    assert _kinds(session, desk.liaison.user_id) == ["case_referred"]
    add_comment(
        session=session,
        actor=desk.officer,
        case_id=case.id,
        body=f"@{desk.liaison.username} shared",
        visibility="shared",
    )
    assert _kinds(session, desk.liaison.user_id) == ["case_referred", "mentioned"]


def test_unread_counts_and_marking_read(session, desk):
    case = make_case(session, actor=desk.officer)
    _advance(session, desk, case, A.START_REVIEW, A.REFER_TO_PLATFORM, A.ACKNOWLEDGE)
    _advance(session, desk, reload(session, case), A.REQUEST_INFORMATION)
    officer = desk.officer.user_id
    assert unread_count(session=session, user_id=officer) == 2
    newest = list_notifications(session=session, user_id=officer)[0]
    assert newest.kind == "information_requested"
    assert mark_read(session=session, user_id=officer, notification_id=newest.id) == 1
    assert unread_count(session=session, user_id=officer) == 1
    # Somebody else's notification is not theirs to mark.
    assert mark_read(session=session, user_id=desk.lead.user_id) == 0
    assert mark_read(session=session, user_id=officer) == 1
    assert unread_count(session=session, user_id=officer) == 0


def test_every_notification_kind_has_a_text():
    kinds = {
        "case_referred",
        "case_acknowledged",
        "information_requested",
        "information_provided",
        "decision_recorded",
        "decision_contested",
        "regulator_order",
        "comment_added",
        "case_assigned",
        "mentioned",
        "case_escalated",
        "sla_at_risk",
        "sla_breached",
        "clock_at_risk",
        "clock_breached",
        "identity_linked",
    }
    assert kinds == set(NOTIFICATION_TEXTS)
    # Every case notification names its case; an account notification has none.
    assert all(
        "{reference}" in text
        for kind, text in NOTIFICATION_TEXTS.items()
        if kind != "identity_linked"
    )


# --- the deadline watch ----------------------------------------------------------------


def _referred(session, desk, **overrides):
    case = make_case(session, actor=desk.officer, priority="urgent", **overrides)
    return _advance(session, desk, case, A.START_REVIEW, A.REFER_TO_PLATFORM)


def test_leads_hear_once_when_a_deadline_is_an_hour_away_and_once_when_missed(session, desk):
    case = _referred(session, desk)
    due = case.sla_due_at
    assert check_sla(session=session, now=due - 2 * H) == 0
    assert check_sla(session=session, now=due - 30 * timedelta(minutes=1)) == 1
    assert check_sla(session=session, now=due - 10 * timedelta(minutes=1)) == 0
    assert check_sla(session=session, now=due + 5 * timedelta(minutes=1)) == 1
    assert check_sla(session=session, now=due + 2 * H) == 0
    assert _kinds(session, desk.lead.user_id) == ["sla_at_risk", "sla_breached"]
    assert _kinds(session, desk.officer.user_id) == []  # leads only


def test_a_deadline_first_seen_missed_is_announced_as_missed_only(session, desk):
    case = _referred(session, desk)
    assert check_sla(session=session, now=case.sla_due_at + H) == 1
    assert check_sla(session=session, now=case.sla_due_at + 2 * H) == 0
    assert _kinds(session, desk.lead.user_id) == ["sla_breached"]


def test_paused_or_decided_clocks_and_old_breaches_raise_no_warning(session, desk):
    paused = _referred(session, desk)
    paused = _advance(session, desk, paused, A.ACKNOWLEDGE, A.REQUEST_INFORMATION)
    decided = _referred(session, desk)
    _advance(session, desk, decided, A.RECORD_DECISION)
    stale = _referred(session, desk)
    assert check_sla(session=session, now=stale.sla_due_at + 30 * H) == 0
    assert session.exec(select(SlaAlert)).all() == []
    assert _kinds(session, desk.lead.user_id) == []


def test_a_new_deadline_after_a_contest_warns_again(session, desk):
    case = _referred(session, desk)
    check_sla(session=session, now=case.sla_due_at + H)
    case = _advance(
        session, desk, case, A.RECORD_DECISION, A.CONTEST_DECISION, start=case.sla_due_at + 2 * H
    )
    assert check_sla(session=session, now=case.sla_due_at + H) == 1
    assert _kinds(session, desk.lead.user_id) == ["sla_breached", "sla_breached"]


def test_only_leads_whose_region_holds_the_case_are_warned(session, desk):
    west_lead = make_actor(session, role=Role.LEAD, region_code="32")
    east_lead = make_actor(session, role=Role.LEAD, region_code="35")
    case = _referred(session, desk, province_code="32", regency_code="32.01")
    check_sla(session=session, now=case.sla_due_at + H)
    assert _kinds(session, west_lead.user_id) == ["sla_breached"]
    assert _kinds(session, desk.lead.user_id) == ["sla_breached"]  # national
    assert _kinds(session, east_lead.user_id) == []
