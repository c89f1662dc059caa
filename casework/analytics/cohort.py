"""The dashboard's cohort as a condition on the case database's `Case` table, for the
figures read there rather than in the read model (removal checks, clock compliance):
filed on the filter's local dates (the viewer's zone), every other filter applied, inside
the viewer's scope when they see case rows (an aggregate-only reader sees every case,
as a count)."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import and_, true

from casework.analytics.filters import DashboardFilters
from casework.analytics.scope import dashboard_scope
from casework.analytics.sql import FILTER_COLUMNS
from casework.people.actors import Actor, case_scope
from db.models import Case


def _midnight(day, zone: str) -> datetime:
    return datetime.combine(day, time.min, tzinfo=ZoneInfo(zone)).astimezone(UTC)


def case_cohort(actor: Actor, filters: DashboardFilters):
    """The cases the dashboard's figures count for `actor` under `filters`. Refuses
    roles without a dashboard (`dashboard_scope`)."""
    scope = dashboard_scope(actor)
    conditions = [case_scope(actor) if scope.case_rows else true()]
    zone = actor.time_zone
    if filters.date_from:
        conditions.append(Case.created_at >= _midnight(filters.date_from, zone))
    if filters.date_to:
        conditions.append(Case.created_at < _midnight(filters.date_to + timedelta(days=1), zone))
    for name, column in FILTER_COLUMNS:
        values = getattr(filters, name)
        if values:
            conditions.append(getattr(Case, column).in_(values))
    return and_(*conditions)
