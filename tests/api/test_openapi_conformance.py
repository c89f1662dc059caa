"""The API against its own OpenAPI schema: property-based requests (schemathesis) on a
seeded database, as a platform's token and as a supervisory office's token. Every
answer must be documented, match its schema, and never be a server error."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings

from casework.desk.workflow import Action
from db.read_model import ReadModel
from tests.api.conftest import api_settings, issue
from tests.factories import advance, make_case, make_desk, make_organisation, platform_operator
from web.api import create_api

CHECKS = [
    schemathesis.checks.not_a_server_error,
    schemathesis.checks.status_code_conformance,
    schemathesis.checks.content_type_conformance,
    schemathesis.checks.response_schema_conformance,
    schemathesis.checks.negative_data_rejection,
]


@pytest.fixture(params=["platform", "office"])
def seeded_api(request, engine, session, admin):
    """The API on a database with cases in several states, and a token of one kind."""
    desk = make_desk(session)
    for steps in ((), (Action.START_REVIEW, Action.REFER_TO_PLATFORM)) * 2 + (
        (Action.START_REVIEW, Action.REFER_TO_PLATFORM, Action.ACKNOWLEDGE),
    ):
        advance(session, desk, make_case(session, actor=desk.officer, urls=[]), *steps)
    if request.param == "platform":
        organisation = platform_operator(session, "tiktok")
    else:
        organisation = make_organisation(session, kind="supervisory")
    token = issue(session, admin, organisation.id)
    model = ReadModel(engine.url.render_as_string(hide_password=False))

    def refreshed():
        model.refresh()
        return model

    # A generous rate: the generated requests are not what the limit is tested with.
    app = create_api(
        engine=lambda: engine,
        settings=api_settings(api_rate_per_minute=100_000, api_rate_burst=100_000),
        read_model=refreshed,
    )
    return app, token


# One test per operation, named after it; the schema does not depend on the data.
OPERATIONS = [
    (method.upper(), path)
    for path, methods in create_api().openapi()["paths"].items()
    for method in methods
]


@pytest.mark.parametrize("method, path", OPERATIONS, ids=[f"{m} {p}" for m, p in OPERATIONS])
def test_every_answer_conforms_to_the_schema(seeded_api, method, path):
    app, token = seeded_api
    operation = schemathesis.openapi.from_asgi("/openapi.json", app)[path][method]

    @given(case=operation.as_strategy())
    @settings(
        max_examples=25,
        derandomize=True,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def conforms(case):
        case.call_and_validate(headers=token.headers, checks=CHECKS)

    conforms()
