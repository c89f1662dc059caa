"""The clock engine: pure functions over plain values, no database.

A rule says when a clock starts, stops, pauses and resumes (by action or event name), who
owns it, and how long it runs: hours, calendar days or working days. A clock is the rule's
copy on one case: it keeps the unit and amount it started with, so that a rule changed
later never moves it unless someone recomputes it on purpose (`recompute`).

Days are counted in the case's own zone (WIB, WITA, WIT): "within 7 days" ends at the end
(23:59:59 local) of the 7th day after the day the clock started; working days skip
weekends and the holiday calendar. A pause adds its length to the due time, whatever the
unit (see docs/decisions.md, issue 18)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from casework.clocks.breach import is_breached
from casework.clocks.calendar import EMPTY, HolidayCalendar
from casework.i18n import N_


class Unit(StrEnum):
    HOURS = "hours"
    CALENDAR_DAYS = "calendar_days"
    WORKING_DAYS = "working_days"


class Owner(StrEnum):
    SUPERVISORY = "supervisory"  # Bawaslu (the office holding the case)
    PLATFORM = "platform"
    REGULATOR = "regulator"  # Komdigi
    GAKKUMDU = "gakkumdu"


class Kind(StrEnum):
    STATUTORY = "statutory"
    AGREED = "agreed"
    REGULATORY = "regulatory"


UNIT_LABELS = {
    Unit.HOURS: N_("hours"),
    Unit.CALENDAR_DAYS: N_("days"),
    Unit.WORKING_DAYS: N_("working days"),
}
OWNER_LABELS = {
    Owner.SUPERVISORY: N_("Bawaslu"),
    Owner.PLATFORM: N_("Platform"),
    Owner.REGULATOR: N_("Komdigi"),
    Owner.GAKKUMDU: N_("Sentra Gakkumdu"),
}
KIND_LABELS = {
    Kind.STATUTORY: N_("Statutory deadline"),
    Kind.AGREED: N_("Agreed deadline"),
    Kind.REGULATORY: N_("Regulatory deadline"),
}


@dataclass(frozen=True)
class Rule:
    """One version of a deadline rule. Event names are action codes (`refer_to_platform`)
    or event codes the statutory process emits (`temuan_discovered`)."""

    code: str
    version: int
    kind: str
    owner: str
    unit: str
    amount: float
    label_id: str
    label_en: str
    citation: str = ""
    urgent_amount: float | None = None  # when the start event marks the matter urgent
    start_on: tuple[str, ...] = ()
    restart_on: tuple[str, ...] = ()  # starts afresh even when one is running
    stop_on: tuple[str, ...] = ()  # the owner did what was due: met or late
    cancel_on: tuple[str, ...] = ()  # no longer owed: counted only if already late
    pause_on: tuple[str, ...] = ()
    resume_on: tuple[str, ...] = ()
    extend_on: tuple[str, ...] = ()  # due becomes start + extended amount
    extended_amount: float | None = None
    extended_unit: str | None = None
    regime: str = "any"  # any | pemilu | pilkada
    active: bool = True
    to_verify: bool = False

    def amount_for(self, urgent: bool) -> float:
        return self.urgent_amount if urgent and self.urgent_amount is not None else self.amount

    def events(self) -> set[str]:
        """Every event name the rule listens to."""
        return {
            *self.start_on,
            *self.restart_on,
            *self.stop_on,
            *self.cancel_on,
            *self.pause_on,
            *self.resume_on,
            *self.extend_on,
        }


EVENT_KEYS = (
    "start_on",
    "restart_on",
    "stop_on",
    "cancel_on",
    "pause_on",
    "resume_on",
    "extend_on",
)


def _end_of_local_day(day: date, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, time(23, 59, 59), tzinfo=zone)


def due_time(
    start: datetime,
    unit: str,
    amount: float,
    zone: str,
    calendar: HolidayCalendar = EMPTY,
) -> datetime:
    """When a clock of `amount` `unit`s started at `start` falls due, in the case's zone."""
    tz = ZoneInfo(zone)
    if unit == Unit.HOURS:
        return start.astimezone(tz) + timedelta(hours=amount)
    start_day = start.astimezone(tz).date()
    if unit == Unit.CALENDAR_DAYS:
        return _end_of_local_day(start_day + timedelta(days=int(amount)), tz)
    if unit == Unit.WORKING_DAYS:
        return _end_of_local_day(calendar.add_working_days(start_day, int(amount)), tz)
    raise ValueError(f"unknown unit {unit!r}")


class Outcome(StrEnum):
    MET = "met"  # stopped by a stop event (in time or late: see `breached`)
    CANCELLED = "cancelled"


@dataclass(frozen=True)
class Clock:
    """One clock on one case, as stored. `unit` and `amount` are the ones it started with."""

    rule_code: str
    rule_version: int
    owner: str
    unit: str
    amount: float
    started_at: datetime
    due_at: datetime
    paused_since: datetime | None = None
    paused_seconds: int = 0
    stopped_at: datetime | None = None
    outcome: str | None = None
    urgent: bool = False
    extended: bool = False

    @property
    def running(self) -> bool:
        return self.stopped_at is None

    def breached(self, now: datetime) -> bool:
        return is_breached(
            due=self.due_at, stopped_at=self.stopped_at, paused_since=self.paused_since, now=now
        )


def start(
    rule: Rule,
    at: datetime,
    zone: str,
    calendar: HolidayCalendar = EMPTY,
    *,
    urgent: bool = False,
    amount: float | None = None,
) -> Clock:
    """A new clock for `rule` from `at`. `amount` overrides the rule's (a platform's
    agreed hours)."""
    amount = rule.amount_for(urgent) if amount is None else amount
    return Clock(
        rule_code=rule.code,
        rule_version=rule.version,
        owner=rule.owner,
        unit=rule.unit,
        amount=amount,
        started_at=at,
        due_at=due_time(at, rule.unit, amount, zone, calendar),
        urgent=urgent,
    )


def pause(clock: Clock, at: datetime) -> Clock:
    if not clock.running or clock.paused_since is not None:
        return clock
    return replace(clock, paused_since=at)


def resume(clock: Clock, at: datetime) -> Clock:
    if not clock.running or clock.paused_since is None:
        return clock
    pause_length = at - clock.paused_since
    return replace(
        clock,
        paused_since=None,
        due_at=clock.due_at + pause_length,
        paused_seconds=clock.paused_seconds + int(pause_length.total_seconds()),
    )


def stop(clock: Clock, at: datetime, outcome: str = Outcome.MET) -> Clock:
    """Stopped. A clock stopped while paused keeps its pause start: it stopped counting
    then (`breach.is_breached` reads the pause before the stop)."""
    if not clock.running:
        return clock
    return replace(clock, stopped_at=at, outcome=outcome)


def extend(clock: Clock, rule: Rule, zone: str, calendar: HolidayCalendar = EMPTY) -> Clock:
    """The extension the rule allows (the decision's 14 working days): due counts from
    the start again in the extended unit, plus any time paused."""
    if not clock.running or clock.extended or rule.extended_amount is None:
        return clock
    unit = rule.extended_unit or rule.unit
    due = due_time(clock.started_at, unit, rule.extended_amount, zone, calendar)
    due += timedelta(seconds=clock.paused_seconds)
    return replace(clock, due_at=max(due, clock.due_at), extended=True)


def recompute(clock: Clock, rule: Rule, zone: str, calendar: HolidayCalendar = EMPTY) -> Clock:
    """A running clock moved onto the current version of its rule (only when an admin
    asks for it)."""
    if not clock.running:
        return clock
    amount = rule.amount_for(clock.urgent)
    due = due_time(clock.started_at, rule.unit, amount, zone, calendar)
    due += timedelta(seconds=clock.paused_seconds)
    return replace(clock, rule_version=rule.version, unit=rule.unit, amount=amount, due_at=due)


class Change(StrEnum):
    STARTED = "started"
    RESTARTED = "restarted"
    PAUSED = "paused"
    RESUMED = "resumed"
    STOPPED = "stopped"
    CANCELLED = "cancelled"
    EXTENDED = "extended"


CHANGE_LABELS = {
    Change.STARTED: N_("Clock started"),
    Change.RESTARTED: N_("Clock started again"),
    Change.PAUSED: N_("Paused"),
    Change.RESUMED: N_("Clock resumed"),
    Change.STOPPED: N_("Clock stopped by the owner's action"),
    Change.CANCELLED: N_("No longer owed"),
    Change.EXTENDED: N_("Clock extended"),
}


def apply(
    rule: Rule,
    clock: Clock | None,
    event: str,
    at: datetime,
    zone: str,
    calendar: HolidayCalendar = EMPTY,
    *,
    urgent: bool = False,
    amount: float | None = None,
) -> tuple[Clock | None, Change | None]:
    """What `event` at `at` does to this rule's clock on a case: the clock after, and the
    change (None: nothing). A start event while the clock runs does nothing (a clock
    started twice keeps its first start); a restart event begins it afresh."""
    restart = event in rule.restart_on
    fresh = event in rule.start_on and (clock is None or not clock.running)
    if restart or fresh:
        if not rule.active:
            return clock, None
        change = Change.STARTED if clock is None else Change.RESTARTED
        return start(rule, at, zone, calendar, urgent=urgent, amount=amount), change
    if clock is None or not clock.running:
        return clock, None
    if event in rule.stop_on:
        return stop(clock, at, Outcome.MET), Change.STOPPED
    if event in rule.cancel_on:
        return stop(clock, at, Outcome.CANCELLED), Change.CANCELLED
    if event in rule.pause_on and clock.paused_since is None:
        return pause(clock, at), Change.PAUSED
    if event in rule.resume_on and clock.paused_since is not None:
        return resume(clock, at), Change.RESUMED
    if event in rule.extend_on and not clock.extended:
        extended = extend(clock, rule, zone, calendar)
        return extended, (Change.EXTENDED if extended != clock else None)
    return clock, None


class State(StrEnum):
    RUNNING = "running"
    PAUSED = "paused"
    OVERDUE = "overdue"  # running (or paused) past its deadline
    MET = "met"
    LATE = "late"
    CANCELLED = "cancelled"


STATE_LABELS = {
    State.RUNNING: N_("Running"),
    State.PAUSED: N_("Paused"),
    State.OVERDUE: N_("Overdue"),
    State.MET: N_("Met"),
    State.LATE: N_("Met late"),
    State.CANCELLED: N_("No longer owed"),
}


@dataclass(frozen=True)
class View:
    state: State
    due_at: datetime
    remaining: timedelta  # negative when overdue; frozen while paused
    breached: bool


def view(clock: Clock, now: datetime) -> View:
    """The clock as a viewer at `now` sees it."""
    breached = clock.breached(now)
    if clock.stopped_at is not None:
        if clock.outcome == Outcome.CANCELLED and not breached:
            state = State.CANCELLED
        else:
            state = State.LATE if breached else State.MET
        end = clock.paused_since or clock.stopped_at
        return View(state, clock.due_at, clock.due_at - end, breached)
    if clock.paused_since is not None:
        state = State.OVERDUE if breached else State.PAUSED
        return View(state, clock.due_at, clock.due_at - clock.paused_since, breached)
    state = State.OVERDUE if breached else State.RUNNING
    return View(state, clock.due_at, clock.due_at - now, breached)


def settled(clock: Clock, now: datetime) -> bool:
    """Counted in compliance: the owner acted, or the deadline passed."""
    return clock.outcome == Outcome.MET or clock.breached(now)


def in_time(clock: Clock, now: datetime) -> bool:
    return clock.outcome == Outcome.MET and not clock.breached(now)
