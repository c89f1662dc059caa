"""Issue 14 item 4 and issue 18 item 6: one definition of breached and overdue
(`casework.clocks.breach`), held against its renderings on one table of cases: the Python
predicate, the SQLAlchemy condition the queue runs, the DuckDB condition the dashboard
runs, the escalation rule (`sla.is_breached`) and the clock engine's own view."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import update
from sqlmodel import Session, select

from casework.analytics import figures
from casework.analytics.filters import DashboardFilters
from casework.clocks import breach
from casework.desk import queries, sla
from casework.desk.queries import CaseFilters
from db.models import Case
from db.read_model import ReadModel
from tests.factories import CAMPAIGN_NOW, make_case, make_desk

NOW = CAMPAIGN_NOW + timedelta(days=2)
H = timedelta(hours=1)

# name: (status, due, paused since, decided, escalated, closed, breached, overdue), times
# in hours from NOW.
TABLE = {
    "running before its deadline": ("sent", 2, None, None, None, None, False, False),
    "running at its deadline": ("sent", 0, None, None, None, None, False, False),
    "running past its deadline": ("acknowledged", -2, None, None, None, None, True, True),
    "contested and past the new deadline": ("contested", -1, None, None, None, None, True, True),
    "paused before its deadline": ("info_requested", -2, -5, None, None, None, False, False),
    "paused after its deadline": ("info_requested", -5, -2, None, None, None, True, True),
    "decided in time": ("decided", -2, None, -5, None, None, False, False),
    "decided late": ("decided", -5, None, -2, None, None, True, False),
    "closed after a decision in time": ("closed", -10, None, -12, None, -1, False, False),
    "closed after an escalation past the deadline": (
        "closed",
        -10,
        None,
        None,
        -5,
        -1,
        True,
        False,
    ),
    "escalated past the deadline": ("escalated", -10, None, None, -5, None, True, False),
    "escalated within the deadline (two contests)": (
        "escalated",
        5,
        None,
        None,
        -1,
        None,
        False,
        False,
    ),
    "escalated while paused before the deadline": (
        "escalated",
        -1,
        -3,
        None,
        -2,
        None,
        False,
        False,
    ),
    "never referred": ("in_review", None, None, None, None, None, False, False),
}


def _at(hours):
    return None if hours is None else NOW + hours * H


@pytest.fixture
def table(file_database):
    url, engine = file_database
    session = Session(engine, expire_on_commit=False)
    desk = make_desk(session)
    ids = {}
    for n, (name, row) in enumerate(TABLE.items()):
        status, due, paused, decided, escalated, closed = row[:6]
        case = make_case(
            session,
            actor=desk.officer,
            urls=[f"https://www.tiktok.com/@akun.contoh/video/7312345678901{n:06d}"],
        )
        session.exec(
            update(Case)
            .where(Case.id == case.id)
            .values(
                status=status,
                referred_at=None if due is None else NOW - 30 * H,
                sla_due_at=_at(due),
                sla_paused_since=_at(paused),
                decided_at=_at(decided),
                escalated_at=_at(escalated),
                closed_at=_at(closed),
                updated_at=NOW - 20 * H,
            )
        )
        ids[case.id] = name
    session.commit()
    model = ReadModel(url)
    model.refresh()
    yield session, desk, model, ids
    model.close()
    session.close()


def _expected(column: int) -> set[str]:
    return {name for name, row in TABLE.items() if row[column]}


def test_every_rendering_of_breached_agrees_with_the_table(table):
    session, _, model, ids = table
    session.expire_all()
    cases = list(session.exec(select(Case).where(Case.id.in_(ids))))

    in_python = {ids[c.id] for c in cases if breach.legacy_breached(c, NOW)}
    in_sql = {
        ids[i]
        for i in session.exec(
            select(Case.id).where(Case.id.in_(ids), breach.legacy_breached_sql(Case, NOW))
        )
    }
    cursor = model.cursor()
    in_duckdb = {
        ids[row[0]]
        for row in cursor.execute(
            f"SELECT id FROM cases WHERE {breach.legacy_breached_duck()}",
            [NOW.replace(tzinfo=None)],
        ).fetchall()
    }
    cursor.close()
    # The escalation rule reads the decision as the stop of a clock still held.
    by_escalation = {
        ids[c.id]
        for c in cases
        if c.status in breach.LIVE_STATUSES
        and sla.is_breached(
            due=c.sla_due_at, decided_at=c.decided_at, paused_since=c.sla_paused_since, now=NOW
        )
    }

    assert in_python == in_sql == in_duckdb == _expected(6)
    assert by_escalation == _expected(7)


def test_every_rendering_of_overdue_agrees_with_the_table(table):
    session, desk, model, ids = table
    session.expire_all()
    cases = list(session.exec(select(Case).where(Case.id.in_(ids))))

    in_python = {ids[c.id] for c in cases if breach.legacy_overdue(c, NOW)}
    in_sql = {
        ids[i]
        for i in session.exec(
            select(Case.id).where(Case.id.in_(ids), breach.legacy_overdue_sql(Case, NOW))
        )
    }
    definition_in_sql = {
        ids[i]
        for i in session.exec(
            select(Case.id).where(
                Case.id.in_(ids),
                breach.overdue_sql(
                    Case.sla_due_at,
                    breach.legacy_stopped_sql(Case),
                    Case.sla_paused_since,
                    NOW,
                ),
            )
        )
    }
    cursor = model.cursor()
    in_duckdb = {
        ids[row[0]]
        for row in cursor.execute(
            f"SELECT id FROM cases WHERE {breach.legacy_overdue_duck()}",
            [NOW.replace(tzinfo=None)],
        ).fetchall()
    }
    cursor.close()
    queue = queries.list_cases(
        session=session,
        actor=desk.officer,
        filters=CaseFilters(overdue_only=True),
        now=NOW,
        page_size=100,
    )
    in_queue = {ids[c.id] for c in queue.rows}
    dashboard = figures.headline(
        actor=desk.officer, filters=DashboardFilters(), now=NOW, model=model
    ).overdue

    expected = _expected(7)
    assert in_python == in_sql == definition_in_sql == in_duckdb == in_queue == expected
    assert dashboard == len(expected)
