"""The demo reads right whatever day it starts: Pemilu 2024 stays as history, and a
simulated election whose campaign runs today holds cases at every stage with
deadlines around now (due within the hour, later today, paused, just missed)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func
from sqlmodel import select

from casework.demo import DEMO_ELECTION_CODE, seed_demo
from casework.desk import sla
from casework.desk.queries import CaseFilters, View, list_cases
from casework.people.actors import actor_for
from casework.statutory.demo import SHOWCASE_TITLE
from db.models import AuditEvent, Case, Election, ElectionPhase, Organisation, User

TODAY = datetime.now(UTC).replace(microsecond=0)


@pytest.mark.parametrize(
    "now", [TODAY, TODAY + timedelta(days=730)], ids=["today", "two years from today"]
)
def test_the_demo_seeded_on_any_day_shows_deadlines_due_within_the_day(session, now):
    seed_demo(session, case_count=150, now=now, current_case_count=80)

    election = session.get(Election, DEMO_ELECTION_CODE)
    assert "demo" in election.name.lower()
    campaign = session.exec(
        select(ElectionPhase).where(
            ElectionPhase.election_code == DEMO_ELECTION_CODE, ElectionPhase.phase == "campaign"
        )
    ).one()
    assert campaign.starts_on <= now.date() <= campaign.ends_on
    history = session.exec(
        select(func.count()).select_from(Case).where(Case.election_code == "pemilu2024")
    ).one()
    assert history == 150

    current = session.exec(select(Case).where(Case.election_code == DEMO_ELECTION_CODE)).all()
    # The generated 80, and the statutory showcase (a laporan forwarded up, issue 17).
    assert len(current) == 81
    showcase = next(c for c in current if c.title == SHOWCASE_TITLE)
    assert (showcase.intake_type, showcase.statutory_stage) == ("laporan", "in_kajian")
    assert session.get(Organisation, showcase.handling_organisation_id).region_code is None
    assert {"new", "in_review", "sent", "acknowledged", "info_requested", "decided", "closed"} <= {
        case.status for case in current
    }
    latest_event = session.exec(select(func.max(AuditEvent.created_at))).one()
    assert latest_event <= now  # nothing happened in the future

    lead = session.exec(select(User).where(User.username == "demo.lead")).one()
    page = list_cases(
        session=session,
        actor=actor_for(session, lead.id),
        filters=CaseFilters(view=View.AWAITING_PLATFORM, elections=(DEMO_ELECTION_CODE,)),
        sort="sla_due_at",
        descending=False,
        page_size=200,
        now=now,
    )
    clocks = [
        sla.clock(
            referred_at=case.referred_at,
            due=case.sla_due_at,
            decided_at=case.decided_at,
            paused_since=case.sla_paused_since,
            paused_seconds=case.sla_paused_seconds,
            now=now,
        )
        for case in page.rows
    ]
    running = [c.remaining for c in clocks if c.state == sla.ClockState.RUNNING]
    assert any(left <= timedelta(hours=1) for left in running)
    assert sum(left <= timedelta(hours=24) for left in running) >= 3
    missed = [c.remaining for c in clocks if c.state == sla.ClockState.BREACHED]
    assert missed and all(-left <= timedelta(days=4) for left in missed)
    assert any(case.sla_paused_since for case in current)


def test_the_demos_cases_carry_running_met_and_late_clocks_from_their_histories(session):
    from casework.clocks import breach, service
    from db.models import CaseClock

    seed_demo(session, case_count=150, now=TODAY, current_case_count=80)

    clocks = session.exec(select(CaseClock, Case).join(Case, Case.id == CaseClock.case_id)).all()
    states = {"running": 0, "met": 0, "late": 0, "paused": 0}
    for clock, _case in clocks:
        late = breach.is_breached(
            due=clock.due_at,
            stopped_at=clock.stopped_at,
            paused_since=clock.paused_since,
            now=TODAY,
        )
        if late:
            states["late"] += 1
        elif clock.outcome == "met":
            states["met"] += 1
        elif clock.stopped_at is None:
            states["paused" if clock.paused_since else "running"] += 1
    assert all(states[name] > 0 for name in ("running", "met", "late")), states
    # The clocks follow from the histories: every case the demo referred to a platform
    # has its agreed deadline, and every running clock's case has its next deadline.
    referred = session.exec(select(Case).where(Case.referred_at.is_not(None))).all()
    with_agreed = set(
        session.exec(select(CaseClock.case_id).where(CaseClock.rule_code == "agreed_platform"))
    )
    assert referred and {c.id for c in referred} <= with_agreed
    running = {c.case_id for c, _ in clocks if c.stopped_at is None}
    assert all(session.get(Case, i).next_clock_due_at is not None for i in running)
    # The case page lists them.
    case = next(c for c in referred if c.election_code == DEMO_ELECTION_CODE)
    assert service.clocks_of_case(session, case, TODAY)
