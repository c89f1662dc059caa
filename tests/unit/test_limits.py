"""Each text limit is declared once, on the table's field, and every other place reads
it: the API's schema, the service's checks (tests/services) and the forms' widgets."""

from __future__ import annotations

import pytest

from casework.desk.actions import spec_of
from casework.desk.schemas import COMMENT_LIMIT, DECISION_LIMITS, REPORT_LIMITS
from casework.desk.workflow import Action
from web.api import models as m


def _api_limit(model, field: str) -> int:
    schema = model.model_json_schema()["properties"][field]
    options = schema.get("anyOf", [schema])
    return next(o["maxLength"] for o in options if "maxLength" in o)


@pytest.mark.parametrize("field", sorted(REPORT_LIMITS))
def test_the_api_takes_a_report_field_exactly_as_long_as_the_case_table_declares(field):
    assert _api_limit(m.ReportBody, field) == REPORT_LIMITS[field]


@pytest.mark.parametrize("field", sorted(DECISION_LIMITS))
def test_the_api_takes_a_decision_field_exactly_as_long_as_the_decision_table_declares(field):
    assert _api_limit(m.DecisionBody, field) == DECISION_LIMITS[field]


def test_the_api_takes_a_comment_exactly_as_long_as_the_comment_table_declares():
    assert _api_limit(m.CommentIn, "body") == COMMENT_LIMIT


@pytest.mark.parametrize(
    ("model", "field", "action"),
    [
        (m.NoteIn, "note", Action.REFER_TO_PLATFORM),
        (m.NoteIn, "note", Action.CLOSE),
        (m.QuestionIn, "question", Action.REQUEST_INFORMATION),
        (m.AnswerIn, "answer", Action.PROVIDE_INFORMATION),
    ],
)
def test_the_api_bounds_an_actions_text_as_its_spec_does(model, field, action):
    assert _api_limit(model, field) == spec_of(action).input(field).max_length
