"""The aggregate routes give the dashboard's own figures, within the dashboard's scope."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from casework.analytics import figures
from casework.analytics.filters import DashboardFilters
from casework.desk.workflow import Action
from casework.outbox.api_tokens import Scope, authenticate
from casework.people.roles import OrgKind
from db.read_model import ReadModel
from db.types import utcnow
from tests.api.conftest import api_settings, issue
from tests.factories import advance, make_case, make_desk, make_organisation
from web.api import create_api


@pytest.fixture
def figures_client(engine, session):
    """The API with a read model of the test's database, refreshed on every call."""
    desk = make_desk(session)
    for _ in range(3):
        case = make_case(session, actor=desk.officer, urls=[])
        advance(session, desk, case, Action.START_REVIEW, Action.REFER_TO_PLATFORM)
    make_case(session, actor=desk.officer, urls=[])
    model = ReadModel(engine.url.render_as_string(hide_password=False))

    def refreshed():
        model.refresh()
        return model

    api = create_api(engine=lambda: engine, settings=api_settings(), read_model=refreshed)
    with TestClient(api) as client:
        yield client, refreshed


def test_the_headline_is_the_dashboards_headline_for_the_same_viewer(
    session, admin, figures_client, tiktok_token
):
    client, model = figures_client
    answer = client.get("/aggregates/headline", headers=tiktok_token.headers)
    assert answer.status_code == 200, answer.text
    liaison = authenticate(session=session, token=tiktok_token.token).actor
    direct = figures.headline(
        actor=liaison, filters=DashboardFilters(), now=utcnow(), model=model()
    )
    assert answer.json()["open"] == direct.open == 3


@pytest.mark.parametrize("name", ["volume-by-platform", "backlog", "outcomes", "provinces"])
def test_each_figure_answers_as_rows(figures_client, office_token, name):
    client, _ = figures_client
    answer = client.get(f"/aggregates/{name}", headers=office_token.headers)
    assert answer.status_code == 200, answer.text
    assert answer.json()["name"] == name
    assert isinstance(answer.json()["rows"], list)


def test_a_partner_token_reads_aggregates_but_never_a_case(session, admin, figures_client):
    client, _ = figures_client
    partner = make_organisation(session, kind=OrgKind.PARTNER)
    token = issue(session, admin, partner.id, scopes=[Scope.READ_AGGREGATES])
    headline = client.get("/aggregates/headline", headers=token.headers).json()
    # 4 open cases: fewer than PANTAU_REPORT_MIN_COUNT, so an observer does not see it.
    assert "open" in headline and headline["open"] is None
    assert client.get("/cases", headers=token.headers).status_code == 403


def test_a_regulator_token_counts_only_the_cases_escalated_to_the_regulator(
    session, admin, figures_client
):
    client, _ = figures_client
    regulator = make_organisation(session, kind=OrgKind.REGULATOR)
    token = issue(session, admin, regulator.id, scopes=[Scope.READ_AGGREGATES])
    answer = client.get("/aggregates/backlog", headers=token.headers)
    # The dashboard's scope for a regulator (issue 13): escalated cases only, and none of
    # the fixture's cases is escalated.
    assert answer.status_code == 200, answer.text
    assert sum(row.get("cases", 0) or 0 for row in answer.json()["rows"]) == 0
