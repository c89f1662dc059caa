"""The case history file for the regulator's letter."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

from casework.desk.case_view import load_case_view
from casework.desk.cases import add_comment
from casework.desk.workflow import Action
from casework.i18n import translator
from casework.records.history_export import history_csv
from tests.factories import advance, make_case, make_desk

A = Action


def _rows(session, actor, case_id, language="en") -> list[list[str]]:
    view = load_case_view(session=session, actor=actor, case_id=case_id, language=language)
    data = history_csv(view, gettext=translator(language), language=language, zone="Asia/Jakarta")
    assert data.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def _escalated_case(session):
    desk = make_desk(session)
    case = make_case(session, actor=desk.officer, priority="urgent", title="=HYPERLINK(1)")
    case = advance(session, desk, case, A.START_REVIEW, A.REFER_TO_PLATFORM)
    add_comment(
        session=session,
        actor=desk.officer,
        case_id=case.id,
        body="Catatan internal: pelapor adalah saksi.",
        visibility="internal",
        now=case.updated_at + timedelta(minutes=1),
    )
    case = advance(session, desk, case, A.ESCALATE, now=case.sla_due_at + timedelta(hours=1))
    return desk, case


def test_the_history_lists_the_record_and_every_step_in_order(session):
    desk, case = _escalated_case(session)
    rows = _rows(session, desk.lead, case.id)
    record = {row[0]: row[1] for row in rows if len(row) == 2}
    assert record["Reference"] == case.reference
    assert record["Status"] == "Escalated to regulator"
    header = rows.index(["Time", "Who", "Organisation", "Event", "Status", "Text"])
    events = [row[3] for row in rows[header + 1 :]]
    assert events == [
        "Case filed",
        "Start review",
        "Refer to platform",
        "Internal comment",
        "Escalate to regulator",
    ]
    escalation = rows[-1]
    assert escalation[5] == "Tenggat platform terlewati."
    assert escalation[0].endswith("WIB")


def test_the_history_holds_only_what_its_reader_may_see(session):
    desk, case = _escalated_case(session)
    rows = _rows(session, desk.regulator, case.id)
    text = "\n".join(",".join(row) for row in rows)
    assert "Catatan internal" not in text
    assert "Tenggat platform terlewati." not in text  # the lead's reason stays inside


def test_cells_that_would_run_as_formulas_are_made_text(session):
    desk, case = _escalated_case(session)
    record = {row[0]: row[1] for row in _rows(session, desk.lead, case.id) if len(row) == 2}
    assert record["Title"] == "'=HYPERLINK(1)"


def test_the_history_speaks_the_readers_language(session):
    desk, case = _escalated_case(session)
    rows = _rows(session, desk.lead, case.id, language="id")
    assert ["Waktu", "Oleh"] in [row[:2] for row in rows]
    assert rows[-1][3] == "Ajukan ke Komdigi"
