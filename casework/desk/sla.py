"""SLA clocks: the deadline from referral to decision, paused while the platform waits
for information. Pure functions over plain values, so every rule is unit-testable."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from casework.clocks import breach
from casework.i18n import N_


class Priority(StrEnum):
    URGENT = "urgent"
    NORMAL = "normal"


PRIORITY_LABELS = {Priority.URGENT: N_("Urgent"), Priority.NORMAL: N_("Normal")}

# Phases in which content is urgent by default under the platform agreement: Pantau's
# own policy for the agreed deadline, not Permenkominfo 5/2020's (whose 4 h / 1x24 h run
# from Komdigi's order, with urgency set by content: the regulatory clock, issue 18).
URGENT_PHASES = frozenset({"quiet_period", "voting"})


class ClockState(StrEnum):
    NOT_STARTED = "not_started"
    RUNNING = "running"
    PAUSED = "paused"
    BREACHED = "breached"
    MET = "met"
    MISSED = "missed"


CLOCK_LABELS = {
    ClockState.NOT_STARTED: N_("Not started"),
    ClockState.RUNNING: N_("Running"),
    ClockState.PAUSED: N_("Paused"),
    ClockState.BREACHED: N_("Overdue"),
    ClockState.MET: N_("Decided in time"),
    ClockState.MISSED: N_("Decided late"),
}


@dataclass(frozen=True)
class SlaPolicy:
    urgent_hours: float = 4
    normal_hours: float = 24

    def hours_for(self, priority: str) -> float:
        return self.urgent_hours if priority == Priority.URGENT else self.normal_hours


def due_at(referred_at: datetime, priority: str, policy: SlaPolicy, paused_seconds: int = 0):
    """When a decision is due: referral + the priority's hours + time spent paused."""
    return referred_at + timedelta(hours=policy.hours_for(priority), seconds=paused_seconds)


@dataclass(frozen=True)
class Clock:
    state: ClockState
    due_at: datetime | None
    remaining: timedelta | None  # negative when overdue
    paused_for: timedelta


def clock(
    *,
    referred_at: datetime | None,
    due: datetime | None,
    decided_at: datetime | None,
    paused_since: datetime | None,
    paused_seconds: int,
    now: datetime,
) -> Clock:
    """The clock as a viewer at `now` sees it."""
    paused_total = timedelta(seconds=paused_seconds)
    if referred_at is None or due is None:
        return Clock(ClockState.NOT_STARTED, None, None, paused_total)
    if decided_at is not None:
        state = ClockState.MET if decided_at <= due else ClockState.MISSED
        return Clock(state, due, due - decided_at, paused_total)
    if paused_since is not None:
        # Frozen: the remaining time is what was left when the pause began.
        paused_now = now - paused_since
        return Clock(
            ClockState.PAUSED, due + paused_now, due - paused_since, paused_total + paused_now
        )
    remaining = due - now
    # At the deadline itself the platform is still in time, as is_breached() says.
    state = ClockState.RUNNING if remaining >= timedelta(0) else ClockState.BREACHED
    return Clock(state, due, remaining, paused_total)


def resume(due: datetime, paused_since: datetime, paused_seconds: int, now: datetime):
    """New (due, paused_seconds) when a pause that began at `paused_since` ends at `now`."""
    pause = now - paused_since
    return due + pause, paused_seconds + int(pause.total_seconds())


def is_breached(*, due: datetime | None, decided_at: datetime | None, paused_since, now) -> bool:
    """The one definition (`casework.clocks.breach`), the decision being the stop."""
    return breach.is_breached(due=due, stopped_at=decided_at, paused_since=paused_since, now=now)


def default_priority(posted_at: datetime | None, phases, time_zone: str) -> Priority:
    """Urgent when content was posted, in the region's local time, on a day that falls in
    a quiet period or on a voting day of any election in `phases` (phase, start, end)."""
    if posted_at is None:
        return Priority.NORMAL
    local_day: date = posted_at.astimezone(ZoneInfo(time_zone)).date()
    for phase, starts_on, ends_on in phases:
        if phase in URGENT_PHASES and starts_on <= local_day <= ends_on:
            return Priority.URGENT
    return Priority.NORMAL


# Above this, lateness and time left read in days: "26.362 hours" says nothing.
DAYS_ABOVE = timedelta(hours=48)


def in_days_or_hours(span: timedelta) -> tuple[float, str]:
    """A duration as (amount, "days") above 48 hours, else (amount, "hours"); the
    amount is positive, whatever the sign of `span`."""
    seconds = abs(span.total_seconds())
    if seconds > DAYS_ABOVE.total_seconds():
        return seconds / 86400, "days"
    return seconds / 3600, "hours"
