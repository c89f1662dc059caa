"""SLA clocks and default priority: pure functions, checked with literal times."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from casework.desk.sla import (
    ClockState,
    Priority,
    SlaPolicy,
    clock,
    default_priority,
    due_at,
    is_breached,
    resume,
)
from casework.i18n import format_datetime

T0 = datetime(2024, 1, 10, 3, 0, tzinfo=UTC)  # a referral, 10:00 WIB
H = timedelta(hours=1)
WIB = ZoneInfo("Asia/Jakarta")

# The default calendar, written from DESIGN.md: (phase, first day, last day).
PHASES = [
    ("campaign", date(2023, 11, 28), date(2024, 2, 10)),
    ("quiet_period", date(2024, 2, 11), date(2024, 2, 13)),
    ("voting", date(2024, 2, 14), date(2024, 2, 14)),
    ("recapitulation", date(2024, 2, 15), date(2024, 3, 20)),
    ("campaign", date(2024, 9, 25), date(2024, 11, 23)),
    ("quiet_period", date(2024, 11, 24), date(2024, 11, 26)),
    ("voting", date(2024, 11, 27), date(2024, 11, 27)),
]


# --- deadlines -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("priority", "policy", "paused_seconds", "due"),
    [
        ("urgent", SlaPolicy(), 0, T0 + 4 * H),
        ("normal", SlaPolicy(), 0, T0 + 24 * H),
        ("urgent", SlaPolicy(urgent_hours=2, normal_hours=12), 0, T0 + 2 * H),
        ("normal", SlaPolicy(urgent_hours=2, normal_hours=12), 0, T0 + 12 * H),
        ("urgent", SlaPolicy(urgent_hours=1.5), 0, T0 + timedelta(minutes=90)),
        ("normal", SlaPolicy(), 3600, T0 + 25 * H),
        ("urgent", SlaPolicy(), 90, T0 + 4 * H + timedelta(seconds=90)),
    ],
    ids=[
        "urgent-default-4h",
        "normal-default-24h",
        "urgent-custom-2h",
        "normal-custom-12h",
        "urgent-fractional-hours",
        "normal-plus-an-hour-paused",
        "urgent-plus-90s-paused",
    ],
)
def test_a_decision_is_due_the_priority_hours_after_referral_plus_time_paused(
    priority, policy, paused_seconds, due
):
    assert due_at(T0, priority, policy, paused_seconds) == due


def test_the_default_policy_follows_permenkominfo_5_2020():
    assert (SlaPolicy().urgent_hours, SlaPolicy().normal_hours) == (4, 24)


def test_a_priority_that_is_not_urgent_gets_the_normal_deadline():
    assert due_at(T0, "unknown", SlaPolicy(urgent_hours=1, normal_hours=9)) == T0 + 9 * H


def test_resuming_moves_the_deadline_by_the_length_of_the_pause():
    due, paused = resume(T0 + 24 * H, paused_since=T0 + 2 * H, paused_seconds=0, now=T0 + 5 * H)

    assert due == T0 + 27 * H
    assert paused == 3 * 3600


def test_a_second_pause_adds_to_the_first():
    due, paused = resume(T0 + 27 * H, T0 + 10 * H, 3 * 3600, T0 + 10 * H + timedelta(minutes=30))

    assert due == T0 + 27 * H + timedelta(minutes=30)
    assert paused == 3 * 3600 + 1800


# --- the clock a viewer sees -----------------------------------------------------------


def _clock(**overrides):
    values = dict(
        referred_at=T0,
        due=T0 + 24 * H,
        decided_at=None,
        paused_since=None,
        paused_seconds=0,
        now=T0 + H,
    )
    values.update(overrides)
    return clock(**values)


@pytest.mark.parametrize(
    ("overrides", "state", "due", "remaining"),
    [
        ({"referred_at": None, "due": None}, ClockState.NOT_STARTED, None, None),
        ({}, ClockState.RUNNING, T0 + 24 * H, 23 * H),
        ({"now": T0 + 25 * H}, ClockState.BREACHED, T0 + 24 * H, -H),
        (
            {"paused_since": T0 + 2 * H, "now": T0 + 6 * H},
            ClockState.PAUSED,
            T0 + 28 * H,
            22 * H,
        ),
        ({"decided_at": T0 + 23 * H, "now": T0 + 40 * H}, ClockState.MET, T0 + 24 * H, H),
        ({"decided_at": T0 + 24 * H}, ClockState.MET, T0 + 24 * H, timedelta(0)),
        ({"decided_at": T0 + 30 * H}, ClockState.MISSED, T0 + 24 * H, -6 * H),
    ],
    ids=[
        "not-started-before-referral",
        "running-before-the-deadline",
        "breached-after-the-deadline",
        "paused-while-information-is-requested",
        "met-when-decided-before-the-deadline",
        "met-when-decided-at-the-deadline",
        "missed-when-decided-after-the-deadline",
    ],
)
def test_the_clock_state_follows_referral_pause_deadline_and_decision(
    overrides, state, due, remaining
):
    shown = _clock(**overrides)

    assert (shown.state, shown.due_at, shown.remaining) == (state, due, remaining)


def test_a_paused_clock_freezes_the_remaining_time_and_shows_the_pause():
    early = _clock(paused_since=T0 + 2 * H, paused_seconds=600, now=T0 + 3 * H)
    late = _clock(paused_since=T0 + 2 * H, paused_seconds=600, now=T0 + 30 * H)

    assert early.remaining == late.remaining == 22 * H
    assert late.state == ClockState.PAUSED  # paused past the old deadline is not overdue
    assert early.paused_for == timedelta(seconds=600) + H
    assert late.paused_for == timedelta(seconds=600) + 28 * H
    assert late.due_at == T0 + 24 * H + 28 * H


def test_a_decided_clock_reports_the_pauses_it_had():
    assert _clock(decided_at=T0 + 5 * H, paused_seconds=7200).paused_for == 2 * H


def test_a_clock_exactly_at_its_deadline_is_not_yet_overdue():
    due = T0 + 24 * H

    assert not is_breached(due=due, decided_at=None, paused_since=None, now=due)
    assert _clock(now=due).state == ClockState.RUNNING


@pytest.mark.parametrize(
    ("due", "decided_at", "paused_since", "now", "breached"),
    [
        (None, None, None, T0 + 99 * H, False),
        (T0 + 24 * H, None, None, T0 + 23 * H, False),
        (T0 + 24 * H, None, None, T0 + 24 * H, False),
        (T0 + 24 * H, None, None, T0 + 25 * H, True),
        (T0 + 24 * H, T0 + 20 * H, None, T0 + 99 * H, False),
        (T0 + 24 * H, T0 + 26 * H, None, T0 + 26 * H, True),
        (T0 + 24 * H, None, T0 + 20 * H, T0 + 99 * H, False),
        (T0 + 24 * H, None, T0 + 26 * H, T0 + 27 * H, True),
    ],
    ids=[
        "no-deadline-never",
        "before-the-deadline",
        "at-the-deadline",
        "after-the-deadline",
        "decided-in-time-stays-met",
        "decided-late",
        "paused-before-the-deadline",
        "paused-after-the-deadline",
    ],
)
def test_a_case_is_breached_once_its_deadline_passed_without_decision(
    due, decided_at, paused_since, now, breached
):
    assert is_breached(due=due, decided_at=decided_at, paused_since=paused_since, now=now) is (
        breached
    )


# --- default priority from the election calendar ---------------------------------------


def _utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


@pytest.mark.parametrize(
    ("posted_at", "zone", "priority"),
    [
        (None, "Asia/Jakarta", "normal"),
        (_utc(2024, 1, 10, 3, 0), "Asia/Jakarta", "normal"),
        (datetime(2024, 2, 11, 0, 0, tzinfo=WIB), "Asia/Jakarta", "urgent"),
        (datetime(2024, 2, 13, 23, 59, tzinfo=WIB), "Asia/Jakarta", "urgent"),
        (datetime(2024, 2, 14, 12, 0, tzinfo=WIB), "Asia/Jakarta", "urgent"),
        (datetime(2024, 2, 15, 0, 0, tzinfo=WIB), "Asia/Jakarta", "normal"),
        (_utc(2024, 11, 25, 3, 0), "Asia/Makassar", "urgent"),
        (_utc(2024, 11, 27, 3, 0), "Asia/Jayapura", "urgent"),
        (_utc(2024, 11, 1, 3, 0), "Asia/Jakarta", "normal"),
        (_utc(2025, 6, 1, 3, 0), "Asia/Jakarta", "normal"),
    ],
    ids=[
        "unknown-posting-time",
        "pemilu-campaign",
        "first-minute-of-the-quiet-period",
        "last-minute-of-the-quiet-period",
        "pemilu-voting-day",
        "first-minute-of-the-recapitulation",
        "pilkada-quiet-period",
        "pilkada-voting-day",
        "pilkada-campaign",
        "outside-any-election",
    ],
)
def test_content_from_the_quiet_period_or_voting_day_is_urgent(posted_at, zone, priority):
    assert default_priority(posted_at, PHASES, zone) == Priority(priority)


@pytest.mark.parametrize(
    ("posted_at", "zone", "priority"),
    [
        (datetime(2024, 2, 10, 23, 30, tzinfo=WIB), "Asia/Jakarta", "normal"),
        (datetime(2024, 2, 10, 23, 30, tzinfo=WIB), "Asia/Jayapura", "urgent"),
        (_utc(2024, 2, 10, 17, 30), "Asia/Jayapura", "urgent"),
        (_utc(2024, 2, 10, 15, 30), "Asia/Makassar", "normal"),
        (_utc(2024, 2, 10, 16, 30), "Asia/Makassar", "urgent"),
        (_utc(2024, 2, 14, 16, 30), "Asia/Jakarta", "urgent"),
        (_utc(2024, 2, 14, 16, 30), "Asia/Makassar", "normal"),
    ],
    ids=[
        "23:30-WIB-is-still-the-campaign-in-Java",
        "the-same-instant-is-01:30-WIT-quiet-period-in-Papua",
        "17:30-UTC-is-02:30-WIT-quiet-period",
        "15:30-UTC-is-23:30-WITA-campaign",
        "16:30-UTC-is-00:30-WITA-quiet-period",
        "16:30-UTC-is-23:30-WIB-voting-day",
        "16:30-UTC-is-00:30-WITA-recapitulation",
    ],
)
def test_the_day_of_posting_is_the_regions_local_day(posted_at, zone, priority):
    assert default_priority(posted_at, PHASES, zone) == Priority(priority)


# --- showing times in the viewer's zone ------------------------------------------------


@pytest.mark.parametrize(
    ("zone", "shown"),
    [
        ("Asia/Jakarta", "10 Feb 2024 23:30 WIB"),
        ("Asia/Makassar", "11 Feb 2024 00:30 WITA"),
        ("Asia/Jayapura", "11 Feb 2024 01:30 WIT"),
        ("UTC", "10 Feb 2024 16:30 UTC"),
    ],
)
def test_a_utc_time_is_shown_in_the_viewers_zone_with_its_abbreviation(zone, shown):
    assert format_datetime(_utc(2024, 2, 10, 16, 30), language="en", time_zone=zone) == shown


def test_the_zone_of_the_stored_value_does_not_change_what_is_shown():
    as_wit = datetime(2024, 2, 11, 1, 30, tzinfo=ZoneInfo("Asia/Jayapura"))

    assert format_datetime(as_wit, language="en", time_zone="Asia/Jakarta") == (
        "10 Feb 2024 23:30 WIB"
    )


@pytest.mark.parametrize(
    ("month", "indonesian", "english"),
    [(5, "Mei", "May"), (8, "Agu", "Aug"), (10, "Okt", "Oct"), (12, "Des", "Dec")],
)
def test_month_names_are_in_the_viewers_language(month, indonesian, english):
    moment = _utc(2024, month, 16, 3, 0)

    shown_id = format_datetime(moment, language="id", time_zone="Asia/Jakarta")
    shown_en = format_datetime(moment, language="en", time_zone="Asia/Jakarta")

    assert shown_id == f"16 {indonesian} 2024 10.00 WIB"
    assert shown_en == f"16 {english} 2024 10:00 WIB"


def test_a_missing_time_is_shown_as_a_dash():
    assert format_datetime(None, language="id", time_zone="Asia/Jakarta") == "—"


def test_indonesian_times_use_a_period_between_hours_and_minutes():
    shown = format_datetime(_utc(2024, 2, 14, 2, 30), language="id", time_zone="Asia/Jakarta")

    assert shown == "14 Feb 2024 09.30 WIB"
