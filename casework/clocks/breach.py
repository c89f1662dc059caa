"""The one definition of "breached" (issues 14 and 18), and its renderings.

A clock counts until it is paused or stopped. It is breached when the moment it stopped
counting is after its due time:

    breached  ⇔  due is set  and  coalesce(paused_since, stopped_at, now) > due

so a clock exactly at its deadline is still in time; a clock paused after its deadline is
breached (it was late before it waited); a clock stopped (decided, cancelled) keeps the
verdict of its stop. "Overdue" is breached and still counting against its owner: not
stopped. The queue, the dashboard (DuckDB), notifications and escalation all use the
renderings below; tests/unit/test_clock_breach_agreement.py holds them to each other.

Today's single clock lives in columns of `case_file` (`sla_due_at`, `sla_paused_since`,
and the stop, which is the decision or, with none, the moment the clock was given up:
escalation or closing). `legacy_*` spell the same definition over those columns; the
`case_clock` table has the columns by name."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import and_, case, func, literal, or_


def is_breached(
    *,
    due: datetime | None,
    stopped_at: datetime | None,
    paused_since: datetime | None,
    now: datetime,
) -> bool:
    """The definition, in Python."""
    if due is None:
        return False
    counted_until = paused_since or stopped_at or now
    return counted_until > due


def is_overdue(
    *, due: datetime | None, stopped_at: datetime | None, paused_since: datetime | None, now
) -> bool:
    """Breached and still owed: the owner has not yet acted."""
    return stopped_at is None and is_breached(
        due=due, stopped_at=None, paused_since=paused_since, now=now
    )


# --- SQLAlchemy ------------------------------------------------------------------------


def breached_sql(due, stopped_at, paused_since, now: datetime):
    """The definition over three columns (SQLAlchemy)."""
    return and_(due.is_not(None), func.coalesce(paused_since, stopped_at, literal(now)) > due)


def overdue_sql(due, stopped_at, paused_since, now: datetime):
    return and_(stopped_at.is_(None), breached_sql(due, stopped_at, paused_since, now))


# --- DuckDB (text) ---------------------------------------------------------------------


def breached_duck(due: str, stopped_at: str, paused_since: str, now_param: str = "?") -> str:
    """The definition over three columns, as DuckDB SQL text."""
    return f"({due} IS NOT NULL AND coalesce({paused_since}, {stopped_at}, {now_param}) > {due})"


def overdue_duck(due: str, stopped_at: str, paused_since: str, now_param: str = "?") -> str:
    return f"({stopped_at} IS NULL AND {breached_duck(due, stopped_at, paused_since, now_param)})"


# --- today's clock, in the case's columns ------------------------------------------------

# Statuses in which the agreed clock runs or waits on the platform.
LIVE_STATUSES = ("acknowledged", "contested", "info_requested", "sent")
# Where a case has no decision, the clock was given up by escalation or closing.


def legacy_stopped(case) -> datetime | None:
    """When the agreed clock of a `Case` stopped (None: it still counts)."""
    if case.status in LIVE_STATUSES:
        return None
    return case.decided_at or case.escalated_at or case.closed_at or case.updated_at


def legacy_breached(case, now: datetime) -> bool:
    return is_breached(
        due=case.sla_due_at,
        stopped_at=legacy_stopped(case),
        paused_since=case.sla_paused_since,
        now=now,
    )


def legacy_overdue(case, now: datetime) -> bool:
    return legacy_stopped(case) is None and legacy_breached(case, now)


def legacy_stopped_sql(Case):
    return case(
        (Case.status.in_(LIVE_STATUSES), None),
        else_=func.coalesce(Case.decided_at, Case.escalated_at, Case.closed_at, Case.updated_at),
    )


def legacy_breached_sql(Case, now: datetime):
    return breached_sql(Case.sla_due_at, legacy_stopped_sql(Case), Case.sla_paused_since, now)


def legacy_overdue_sql(Case, now: datetime):
    """Overdue, written so that the (status, sla_due_at) index serves it: a live status
    and a due time before now, or paused after its due time."""
    return and_(
        Case.status.in_(LIVE_STATUSES),
        Case.sla_due_at.is_not(None),
        or_(
            and_(Case.sla_paused_since.is_(None), Case.sla_due_at < now),
            Case.sla_paused_since > Case.sla_due_at,
        ),
    )


def _in(column: str, values) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


def legacy_stopped_duck() -> str:
    return (
        f"(CASE WHEN {_in('CAST(status AS VARCHAR)', LIVE_STATUSES)} THEN NULL "
        "ELSE coalesce(decided_at, escalated_at, closed_at, updated_at) END)"
    )


def legacy_breached_duck(now_param: str = "?") -> str:
    return breached_duck("sla_due_at", legacy_stopped_duck(), "sla_paused_since", now_param)


def legacy_overdue_duck(now_param: str = "?") -> str:
    return (
        f"({_in('CAST(status AS VARCHAR)', LIVE_STATUSES)} AND sla_due_at IS NOT NULL AND "
        f"((sla_paused_since IS NULL AND sla_due_at < {now_param}) "
        "OR sla_paused_since > sla_due_at))"
    )


def legacy_met_duck() -> str:
    """The platform decided (in time or late): counted in compliance."""
    return "decided_at IS NOT NULL"
