"""The database side of the clocks: rules and the holiday calendar read from their
tables, clocks driven by the actions taken on a case, each start, pause, resume, stop and
breach written to the audit log, warnings before a breach (issue 18)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import func, update
from sqlmodel import Session, select

from casework.clocks import breach, engine
from casework.clocks.calendar import HolidayCalendar
from casework.records.audit import record_event
from db.models import (
    AuditEvent,
    Case,
    CaseClock,
    ClockRule,
    Election,
    Holiday,
    Platform,
    Region,
)

# Detail keys whose value qualifies an action as an event: `forward_case:gakkumdu`.
QUALIFIERS = ("body", "violation_kind", "violation_type", "conclusion", "kind")


def rule_of(row: ClockRule) -> engine.Rule:
    events = row.events or {}
    return engine.Rule(
        code=row.code,
        version=row.version,
        kind=row.kind,
        owner=row.owner,
        unit=row.unit,
        amount=row.amount,
        urgent_amount=row.urgent_amount,
        extended_amount=row.extended_amount,
        extended_unit=row.extended_unit,
        label_id=row.label_id,
        label_en=row.label_en,
        citation=row.citation,
        regime=row.regime,
        active=row.active,
        to_verify=row.to_verify,
        **{key: tuple(events.get(key, ())) for key in engine.EVENT_KEYS},
    )


def current_rules(session: Session) -> dict[str, engine.Rule]:
    """The latest version of every rule, by code."""
    latest = (
        select(ClockRule.code, func.max(ClockRule.version).label("version"))
        .group_by(ClockRule.code)
        .subquery()
    )
    rows = session.exec(
        select(ClockRule).join(
            latest, (ClockRule.code == latest.c.code) & (ClockRule.version == latest.c.version)
        )
    )
    return {row.code: rule_of(row) for row in rows}


def rule_labels(session: Session, language: str) -> dict[str, str]:
    """Each rule's label in `language` (Indonesian unless English), by code."""
    english = language == "en"
    return {
        code: (rule.label_en if english else rule.label_id) or code
        for code, rule in current_rules(session).items()
    }


def rule_versions(session: Session) -> dict[tuple[str, int], engine.Rule]:
    return {(r.code, r.version): rule_of(r) for r in session.exec(select(ClockRule))}


def holiday_calendar(session: Session) -> HolidayCalendar:
    return HolidayCalendar.of(session.exec(select(Holiday.day)))


def case_zone(session: Session, case: Case) -> str:
    region = session.get(Region, case.province_code) if case.province_code else None
    return region.time_zone if region else "Asia/Jakarta"


def case_regime(session: Session, case: Case) -> str:
    election = session.get(Election, case.election_code) if case.election_code else None
    return election.legal_regime if election else "pemilu"


def clock_of(row: CaseClock) -> engine.Clock:
    return engine.Clock(
        rule_code=row.rule_code,
        rule_version=row.rule_version,
        owner=row.owner,
        unit=row.unit,
        amount=row.amount,
        started_at=row.started_at,
        due_at=row.due_at,
        paused_since=row.paused_since,
        paused_seconds=row.paused_seconds,
        stopped_at=row.stopped_at,
        outcome=row.outcome,
        urgent=row.urgent,
        extended=row.extended,
    )


def _store(row: CaseClock, clock: engine.Clock, kind: str) -> None:
    row.rule_version = clock.rule_version
    row.kind = kind
    row.owner = clock.owner
    row.unit = clock.unit
    row.amount = clock.amount
    row.urgent = clock.urgent
    row.extended = clock.extended
    row.started_at = clock.started_at
    row.due_at = clock.due_at
    row.paused_since = clock.paused_since
    row.paused_seconds = clock.paused_seconds
    row.stopped_at = clock.stopped_at
    row.outcome = clock.outcome


def events_of(action: str, detail: dict[str, Any] | None) -> list[str]:
    events = [action]
    for key in QUALIFIERS:
        value = (detail or {}).get(key)
        if isinstance(value, str) and value:
            events.append(f"{action}:{value}")
    return events


def _applies(rule: engine.Rule, regime: str) -> bool:
    return rule.regime in ("any", regime)


def drive(
    session: Session,
    case: Case,
    action: str,
    at: datetime,
    *,
    detail: dict[str, Any] | None = None,
    urgent: bool | None = None,
    rules: dict[str, engine.Rule] | None = None,
    zone: str | None = None,
    regime: str | None = None,
    store_next: bool = True,
) -> list[dict[str, Any]]:
    """What `action` (with its detail) at `at` does to every clock of `case`. Returns the
    changes (rule, version, change, due time), which the action's own audit event
    carries under `clocks`: every start, pause, resume and stop is in the audit log,
    chained with the action that caused it."""
    events = events_of(action, detail)
    wanted = set(events)
    # A replay passes what it has already read: the current `rules`, the case's `zone`
    # and `regime`; and stores the next due times itself (`store_next`).
    rules = [r for r in (rules or current_rules(session)).values() if r.events() & wanted]
    if not rules:
        return []
    regime = regime or case_regime(session, case)
    rules = [r for r in rules if _applies(r, regime)]
    if not rules:
        return []
    zone = zone or case_zone(session, case)
    calendar = (
        holiday_calendar(session)
        if any(engine.Unit.WORKING_DAYS in (r.unit, r.extended_unit) for r in rules)
        else HolidayCalendar()
    )
    rows = {
        row.rule_code: row
        for row in session.exec(select(CaseClock).where(CaseClock.case_id == case.id))
    }
    versions = None
    changed = []
    for rule in rules:
        row = rows.get(rule.code)
        before = clock_of(row) if row is not None else None
        # A running clock keeps the version it started with.
        if before is not None and before.running and before.rule_version != rule.version:
            versions = versions or rule_versions(session)
            rule_now = versions.get((rule.code, before.rule_version), rule)
            rule_now = _with_events(rule_now, rule)
        else:
            rule_now = rule
        if urgent is not None:
            is_urgent = urgent
        elif rule.kind == engine.Kind.REGULATORY:
            # Urgency of Komdigi's order is Komdigi's call (mendesak), not the phase's.
            is_urgent = bool((detail or {}).get("mendesak") or (detail or {}).get("urgent"))
        else:
            is_urgent = case.priority == "urgent"
        amount = None
        if rule.kind == engine.Kind.AGREED:
            platform = session.get(Platform, case.platform_code)
            if platform is not None:
                amount = platform.sla_urgent_hours if is_urgent else platform.sla_normal_hours
        after, change = None, None
        for event in events:
            after, change = engine.apply(
                rule_now, before, event, at, zone, calendar, urgent=is_urgent, amount=amount
            )
            if change is not None:
                break
        if change is None or after is None:
            continue
        if row is None:
            row = CaseClock(case_id=case.id, rule_code=rule.code, **_blank(after, rule.kind))
        _store(row, after, rule.kind)
        session.add(row)
        changed.append(
            {
                "rule": rule.code,
                "version": after.rule_version,
                "change": str(change),
                "due_at": after.due_at.astimezone(UTC).isoformat(),
            }
        )
    session.flush()
    if changed and store_next:
        store_next_due(session, [case.id])
    return changed


def replay_histories(session: Session, case_ids: list[int] | None = None) -> int:
    """Drive the clocks of cases that have none from the actions already in their audit
    log, in the order they happened, by the current rules: what the actions would have
    started, paused and stopped had they gone through `drive` (the demo's histories are
    written in bulk, past the services). The audit events stay as they are. None: every
    case without a clock. Returns the cases given clocks."""
    if case_ids is None:
        case_ids = list(session.exec(select(Case.id).order_by(Case.id)))
    rules = current_rules(session)
    heard = set().union(*(rule.events() for rule in rules.values()))
    have = select(CaseClock.case_id)
    given: set[int] = set()
    ids = sorted(case_ids)
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        cases = {
            case.id: case
            for case in session.exec(select(Case).where(Case.id.in_(chunk), Case.id.not_in(have)))
        }
        if not cases:
            continue
        events = session.exec(
            select(AuditEvent.case_id, AuditEvent.action, AuditEvent.detail, AuditEvent.created_at)
            .where(AuditEvent.case_id.in_(list(cases)))
            .order_by(AuditEvent.case_id, AuditEvent.created_at, AuditEvent.id)
        ).all()
        places = {
            case.id: (case_zone(session, case), case_regime(session, case))
            for case in cases.values()
        }
        for case_id, action, detail, at in events:
            if not heard & set(events_of(action, detail)):
                continue  # no rule listens: spare `drive` its reads
            zone, regime = places[case_id]
            changed = drive(
                session,
                cases[case_id],
                action,
                at,
                detail=detail,
                rules=rules,
                zone=zone,
                regime=regime,
                store_next=False,
            )
            if changed:
                given.add(case_id)
        store_next_due(session, sorted(given & set(cases)))
    return len(given)


def store_next_due(session: Session, case_ids: list[int] | None = None) -> None:
    """Keep `case_file.next_clock_due_at` (the queue's "next deadline" sort) in step with
    the cases' running clocks, in the caller's transaction. None: every case. A plain
    UPDATE, not through the ORM: a derived column does not bump the case's version."""
    next_due = (
        select(func.min(CaseClock.due_at))
        .where(CaseClock.case_id == Case.id, CaseClock.stopped_at.is_(None))
        .scalar_subquery()
    )
    statement = update(Case).values(next_clock_due_at=next_due)
    if case_ids is not None:
        statement = statement.where(Case.id.in_(case_ids))
    session.execute(statement.execution_options(synchronize_session=False))


def _with_events(old: engine.Rule, new: engine.Rule) -> engine.Rule:
    """An old version's amounts with the events the current version listens to."""
    return replace(
        old,
        **{key: getattr(new, key) for key in engine.EVENT_KEYS},
    )


def _blank(clock: engine.Clock, kind: str) -> dict[str, Any]:
    return dict(
        rule_version=clock.rule_version,
        kind=kind,
        owner=clock.owner,
        unit=clock.unit,
        amount=clock.amount,
        started_at=clock.started_at,
        due_at=clock.due_at,
    )


# --- reading ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ClockLine:
    """One clock on the case page."""

    row: CaseClock
    rule: engine.Rule
    view: engine.View
    zone: str


def clocks_of_case(session: Session, case: Case, now: datetime) -> list[ClockLine]:
    """Every clock of `case`, the next due first, with the rule version it runs under."""
    versions = rule_versions(session)
    zone = case_zone(session, case)
    lines = []
    for row in session.exec(select(CaseClock).where(CaseClock.case_id == case.id)):
        rule = versions.get((row.rule_code, row.rule_version))
        if rule is None:
            continue
        lines.append(ClockLine(row, rule, engine.view(clock_of(row), now), zone))
    lines.sort(key=lambda line: (line.row.stopped_at is not None, line.row.due_at))
    return lines


# --- admin: moving running clocks onto a new version -----------------------------------


def recompute_running(session: Session, rule_code: str, *, actor_id: int, now: datetime) -> int:
    """Move every running clock of `rule_code` onto the rule's current version (only on
    an administrator's explicit request). Returns how many moved."""
    rule = current_rules(session).get(rule_code)
    if rule is None:
        return 0
    calendar = holiday_calendar(session)
    moved: list[int] = []
    rows = session.exec(
        select(CaseClock, Case)
        .join(Case, Case.id == CaseClock.case_id)
        .where(CaseClock.rule_code == rule_code, CaseClock.stopped_at.is_(None))
    ).all()
    for row, case in rows:
        if row.rule_version == rule.version:
            continue
        after = engine.recompute(clock_of(row), rule, case_zone(session, case), calendar)
        _store(row, after, rule.kind)
        session.add(row)
        record_event(
            session,
            action="clock_recomputed",
            actor_id=actor_id,
            case_id=case.id,
            detail={
                "rule": rule_code,
                "version": rule.version,
                "due_at": after.due_at.astimezone(UTC).isoformat(),
            },
            at=now,
        )
        moved.append(case.id)
    session.flush()
    for start in range(0, len(moved), 500):
        store_next_due(session, moved[start : start + 500])
        # The read model re-reads a case, with its clocks, when `updated_at` moves: a
        # plain UPDATE, like the next due time, so no one's open form goes stale.
        session.execute(
            update(Case)
            .where(Case.id.in_(moved[start : start + 500]))
            .values(updated_at=now)
            .execution_options(synchronize_session=False)
        )
    return len(moved)


# --- warnings and breaches -------------------------------------------------------------

AT_RISK = timedelta(hours=1)
LOOKBACK = timedelta(hours=24)


def clocks_to_announce(session: Session, now: datetime):
    """Running, unpaused clocks due within the warning window or breached in the last
    day: (row, case) pairs."""
    return session.exec(
        select(CaseClock, Case)
        .join(Case, Case.id == CaseClock.case_id)
        .where(
            CaseClock.stopped_at.is_(None),
            CaseClock.paused_since.is_(None),
            CaseClock.due_at <= now + AT_RISK,
            CaseClock.due_at >= now - LOOKBACK,
        )
    ).all()


def is_breached(row: CaseClock, now: datetime) -> bool:
    return breach.is_breached(
        due=row.due_at, stopped_at=row.stopped_at, paused_since=row.paused_since, now=now
    )
