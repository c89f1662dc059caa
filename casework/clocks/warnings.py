"""Warnings before a clock breaches and the breach itself, for every clock but the
agreed one (which `notifications.check_sla` announces as before): leads of the office for
Bawaslu's and Gakkumdu's clocks, the platform's liaisons for the platform's. Each goes
out once per due time, as a notification (mailed like every other) and a webhook event;
a breach is also an audit event (issue 18)."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import or_, update
from sqlmodel import Session

from casework.clocks import breach, engine, service
from casework.records.audit import record_event
from db.engine import begin_write
from db.models import Case, CaseClock


def check_clocks(*, session: Session, now: datetime) -> int:
    """Announce the clocks due within the hour or just breached. Returns how many."""
    from casework.outbox.notifications import leads_for, notify_platform, notify_users
    from casework.outbox.webhooks import Event, case_event

    candidates = [
        (row.id, row.due_at, row.owner, row.rule_code, case.id)
        for row, case in service.clocks_to_announce(session, now)
        if row.kind != engine.Kind.AGREED
    ]
    session.rollback()
    sent = 0
    for clock_id, due, owner, rule_code, case_id in candidates:
        breached = breach.is_breached(due=due, stopped_at=None, paused_since=None, now=now)
        column = CaseClock.breach_announced_due_at if breached else CaseClock.warned_due_at
        begin_write(session)
        claimed = session.execute(
            update(CaseClock)
            .where(CaseClock.id == clock_id, or_(column.is_(None), column != due))
            .values({column.key: due})
        ).rowcount
        if not claimed:
            session.rollback()
            continue
        case = session.get(Case, case_id)
        kind = "clock_breached" if breached else "clock_at_risk"
        if owner == engine.Owner.PLATFORM:
            notify_platform(session, case, kind=kind)
        else:
            notify_users(session, leads_for(session, case), case, kind=kind)
        event = Event.CLOCK_BREACHED if breached else Event.CLOCK_AT_RISK
        case_event(session, case, event, at=now)
        if breached:
            record_event(
                session,
                action="clock_breached",
                actor_id=None,
                case_id=case_id,
                detail={"rule": rule_code, "due_at": due.astimezone(UTC).isoformat()},
                at=now,
            )
        session.commit()
        sent += 1
    return sent
