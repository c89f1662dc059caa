"""The clock engine on a table: units, zones, the holiday calendar, pauses, a rule changed
mid-flight, a clock started twice (issue 18)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from casework.clocks import engine
from casework.clocks.calendar import HolidayCalendar
from casework.clocks.engine import Change, Rule, State, Unit

WIB, WITA, WIT = "Asia/Jakarta", "Asia/Makassar", "Asia/Jayapura"
H = timedelta(hours=1)
T0 = datetime(2024, 1, 10, 3, 0, tzinfo=UTC)

# Part of the 2024 calendar: Isra Mikraj (8 Feb), cuti bersama Imlek (9 Feb), voting day
# (14 Feb), Nyepi (11 Mar) and its cuti bersama (12 Mar).
CALENDAR = HolidayCalendar.of(
    [date(2024, 2, 8), date(2024, 2, 9), date(2024, 2, 14), date(2024, 3, 11), date(2024, 3, 12)]
)


def rule(**overrides) -> Rule:
    values = dict(
        code="agreed",
        version=1,
        kind="agreed",
        owner="platform",
        unit=Unit.HOURS,
        amount=24,
        urgent_amount=4,
        label_id="Tenggat kesepakatan",
        label_en="Agreed deadline",
        start_on=("refer_to_platform",),
        restart_on=("contest_decision",),
        stop_on=("record_decision",),
        cancel_on=("escalate", "close"),
        pause_on=("request_information",),
        resume_on=("provide_information",),
    )
    values.update(overrides)
    return Rule(**values)


def local(zone: str, *args) -> datetime:
    return datetime(*args, tzinfo=ZoneInfo(zone))


@pytest.mark.parametrize(
    ("unit", "amount", "start", "zone", "due"),
    [
        (Unit.HOURS, 24, local(WIB, 2024, 2, 9, 10, 0), WIB, local(WIB, 2024, 2, 10, 10, 0)),
        (Unit.HOURS, 4, local(WIT, 2024, 2, 10, 23, 30), WIT, local(WIT, 2024, 2, 11, 3, 30)),
        # 7 days from a day: the end of the 7th day after it, in the case's zone.
        (
            Unit.CALENDAR_DAYS,
            7,
            local(WIB, 2024, 2, 1, 9, 0),
            WIB,
            local(WIB, 2024, 2, 8, 23, 59, 59),
        ),
        # 00:30 WIT on 11 Feb is still 10 Feb in Jakarta: the WIT case counts from the 11th.
        (
            Unit.CALENDAR_DAYS,
            7,
            local(WIT, 2024, 2, 11, 0, 30),
            WIT,
            local(WIT, 2024, 2, 18, 23, 59, 59),
        ),
        (
            Unit.CALENDAR_DAYS,
            7,
            local(WIT, 2024, 2, 11, 0, 30),
            WIB,
            local(WIB, 2024, 2, 17, 23, 59, 59),
        ),
        # Across Isra Mikraj, cuti bersama Imlek, a weekend and voting day:
        # 12, 13 and 15 February are the three working days.
        (
            Unit.WORKING_DAYS,
            3,
            local(WITA, 2024, 2, 7, 16, 0),
            WITA,
            local(WITA, 2024, 2, 15, 23, 59, 59),
        ),
        # Nyepi and its cuti bersama: from Friday 8 March, 2 working days end on the 14th.
        (
            Unit.WORKING_DAYS,
            2,
            local(WIB, 2024, 3, 8, 8, 0),
            WIB,
            local(WIB, 2024, 3, 14, 23, 59, 59),
        ),
    ],
    ids=[
        "24-hours",
        "4-hours-in-wit-near-midnight",
        "7-calendar-days",
        "7-days-in-wit-filed-after-midnight",
        "the-same-instant-counted-in-wib-is-a-day-earlier",
        "working-days-across-a-holiday-cuti-bersama-and-voting-day",
        "working-days-across-nyepi-and-its-cuti-bersama",
    ],
)
def test_a_due_time_counts_the_unit_in_the_cases_zone(unit, amount, start, zone, due):
    assert engine.due_time(start, unit, amount, zone, CALENDAR) == due


def test_a_pause_across_the_deadline_moves_it_by_the_length_of_the_pause():
    clock, _ = engine.apply(rule(), None, "refer_to_platform", T0, WIB)
    clock, change = engine.apply(rule(), clock, "request_information", T0 + 20 * H, WIB)
    assert change is Change.PAUSED
    assert engine.view(clock, T0 + 29 * H).state is State.PAUSED
    clock, change = engine.apply(rule(), clock, "provide_information", T0 + 30 * H, WIB)

    assert change is Change.RESUMED
    assert clock.due_at == T0 + 34 * H
    assert engine.view(clock, T0 + 33 * H).state is State.RUNNING
    assert engine.view(clock, T0 + 35 * H).state is State.OVERDUE


def test_a_clock_paused_after_its_deadline_stays_breached_while_it_waits():
    clock, _ = engine.apply(rule(), None, "refer_to_platform", T0, WIB)
    clock, _ = engine.apply(rule(), clock, "request_information", T0 + 25 * H, WIB)

    seen = engine.view(clock, T0 + 40 * H)
    assert seen.breached and seen.state is State.OVERDUE
    assert seen.remaining == -H


def test_a_rule_changed_mid_flight_moves_no_running_clock_unless_asked():
    first = rule()
    clock, _ = engine.apply(first, None, "refer_to_platform", T0, WIB)
    changed = replace(first, version=2, amount=12)

    clock, change = engine.apply(changed, clock, "acknowledge", T0 + H, WIB)
    assert change is None and clock.due_at == T0 + 24 * H and clock.rule_version == 1

    moved = engine.recompute(clock, changed, WIB)
    assert moved.due_at == T0 + 12 * H and moved.rule_version == 2
    # A new clock takes the new version.
    fresh, _ = engine.apply(changed, None, "refer_to_platform", T0, WIB)
    assert fresh.due_at == T0 + 12 * H


def test_a_clock_started_twice_keeps_its_first_start_and_a_restart_begins_afresh():
    clock, _ = engine.apply(rule(), None, "refer_to_platform", T0, WIB)
    again, change = engine.apply(rule(), clock, "refer_to_platform", T0 + 5 * H, WIB)
    assert change is None and again == clock

    decided, change = engine.apply(rule(), clock, "record_decision", T0 + 6 * H, WIB)
    assert change is Change.STOPPED and engine.view(decided, T0 + 99 * H).state is State.MET
    restarted, change = engine.apply(rule(), decided, "contest_decision", T0 + 7 * H, WIB)
    assert change is Change.RESTARTED and restarted.due_at == T0 + 31 * H


def test_an_urgent_start_takes_the_urgent_amount():
    clock, _ = engine.apply(rule(), None, "refer_to_platform", T0, WIB, urgent=True)
    assert clock.due_at == T0 + 4 * H


def test_a_cancelled_clock_counts_only_when_it_was_already_late():
    clock, _ = engine.apply(rule(), None, "refer_to_platform", T0, WIB)
    early, _ = engine.apply(rule(), clock, "escalate", T0 + 2 * H, WIB)
    late, _ = engine.apply(rule(), clock, "escalate", T0 + 30 * H, WIB)

    assert engine.view(early, T0 + 99 * H).state is State.CANCELLED
    assert not engine.settled(early, T0 + 99 * H)
    assert engine.view(late, T0 + 99 * H).state is State.LATE
    assert engine.settled(late, T0 + 99 * H) and not engine.in_time(late, T0 + 99 * H)


def test_the_decision_deadline_extends_to_fourteen_working_days_from_the_start():
    decision = rule(
        code="decision",
        kind="statutory",
        owner="supervisory",
        unit=Unit.CALENDAR_DAYS,
        amount=7,
        urgent_amount=None,
        start_on=("laporan_registered",),
        restart_on=(),
        stop_on=("plenary_decision",),
        extend_on=("decision_extended",),
        extended_amount=14,
        extended_unit=Unit.WORKING_DAYS,
    )
    start = local(WIB, 2024, 2, 5, 10, 0)
    clock, _ = engine.apply(decision, None, "laporan_registered", start, WIB, CALENDAR)
    assert clock.due_at == local(WIB, 2024, 2, 12, 23, 59, 59)
    clock, change = engine.apply(decision, clock, "decision_extended", start + H, WIB, CALENDAR)
    # 6, 7, 12, 13, 15, 16, 19-23, 26, 27, 28 February: the 14th working day is the 28th.
    assert change is Change.EXTENDED
    assert clock.due_at == local(WIB, 2024, 2, 28, 23, 59, 59)
    again, change = engine.apply(decision, clock, "decision_extended", start + 2 * H, WIB)
    assert change is None and again == clock


def test_an_inactive_rule_starts_no_clock():
    clock, change = engine.apply(rule(active=False), None, "refer_to_platform", T0, WIB)
    assert clock is None and change is None
