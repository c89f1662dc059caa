"""Who sees what on the dashboard: liaisons their own platforms by name and all
platforms only as one aggregate; observers aggregates and never a single case."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest
from sqlmodel import Session, select

from casework.analytics import figures, suppression
from casework.analytics.filters import DashboardFilters
from casework.analytics.scope import OTHER_PLATFORMS
from casework.errors import PermissionDenied
from casework.people.actors import actor_for
from casework.people.roles import Role
from db.models import Case, User
from db.read_model import ReadModel
from tests.factories import make_actor

NOW = datetime(2024, 3, 1, tzinfo=UTC)
EVERYTHING = DashboardFilters()


@pytest.fixture(scope="module")
def world(demo_cases_database):
    """The demo cases, the read model over them and every demo account as an actor."""
    url, engine = demo_cases_database
    model = ReadModel(url)
    with Session(engine) as session:
        ids = dict(session.exec(select(User.username, User.id)).all())
        actors = {name: actor_for(session, user_id) for name, user_id in ids.items()}
        cases = list(session.exec(select(Case)))
    yield model, actors, cases
    model.close()


def test_a_liaison_sees_only_their_own_platforms_by_name(world):
    model, actors, _ = world
    meta = actors["demo.liaison.meta"]
    own = {"facebook", "instagram", "threads"}

    by_platform = figures.volume(actor=meta, filters=EVERYTHING, by="platform", model=model)
    sla = figures.sla_compliance(actor=meta, filters=EVERYTHING, now=NOW, model=model)
    times = figures.response_times(actor=meta, filters=EVERYTHING, model=model)
    decided = figures.outcomes(actor=meta, filters=EVERYTHING, model=model)
    accounts = figures.top_accounts(actor=meta, filters=EVERYTHING, limit=100, model=model)

    for names in (set(by_platform["key"]), set(sla["platform"]), set(times["platform"])):
        assert names == own | {OTHER_PLATFORMS}
    assert set(decided["platform"]) <= own | {OTHER_PLATFORMS}
    assert set(accounts["platform"]) <= own


def test_a_liaison_sees_the_other_platforms_beside_their_own_never_counted_twice(
    world, monkeypatch
):
    # Small days of the aggregate are left out (issue 15); here every day counts.
    monkeypatch.setattr(suppression, "threshold", lambda: 1)
    model, actors, cases = world
    meta = actors["demo.liaison.meta"]
    mine = ("facebook", "instagram", "threads")

    by_platform = figures.volume(actor=meta, filters=EVERYTHING, by="platform", model=model)

    others = by_platform[by_platform["key"] == OTHER_PLATFORMS]["cases"].sum()
    own = by_platform[by_platform["key"] != OTHER_PLATFORMS]["cases"].sum()
    assert others == sum(c.referred_at is not None and c.platform_code not in mine for c in cases)
    assert own == sum(c.referred_at is not None and c.platform_code in mine for c in cases)
    # Stacked, the bars add up to every referred case once.
    assert own + others == sum(c.referred_at is not None for c in cases)
    assert own > 0 and others > 0


def test_a_platform_filter_never_reaches_into_another_platform_for_a_liaison(world):
    model, actors, _ = world
    meta = actors["demo.liaison.meta"]

    frame = figures.volume(
        actor=meta, filters=DashboardFilters(platforms=("tiktok",)), by="platform", model=model
    )

    assert set(frame["key"]) == {OTHER_PLATFORMS}
    assert (
        figures.case_rows(
            actor=meta, filters=DashboardFilters(platforms=("tiktok",)), model=model
        ).num_rows
        == 0
    )


def test_an_observer_reads_aggregates_of_every_case(world, monkeypatch):
    monkeypatch.setattr(suppression, "threshold", lambda: 1)  # every day in full here
    model, actors, cases = world
    observer = actors["demo.observer"]

    volume = figures.volume(actor=observer, filters=EVERYTHING, by="category", model=model)
    classes = figures.account_classes(actor=observer, filters=EVERYTHING, model=model)

    assert volume["cases"].sum() == len(cases)
    assert classes["cases"].sum() == len(cases)


@pytest.mark.parametrize("viewer", ["demo.observer", "demo.admin"])
def test_aggregate_only_viewers_get_no_account_handles_and_no_case_rows(world, viewer):
    model, actors, _ = world

    with pytest.raises(PermissionDenied):
        figures.top_accounts(actor=actors[viewer], filters=EVERYTHING, model=model)
    with pytest.raises(PermissionDenied):
        figures.case_rows(actor=actors[viewer], filters=EVERYTHING, model=model)


def test_a_regional_officer_sees_their_province_and_their_offices_own_reports(world):
    model, actors, cases = world
    jabar = actors["demo.officer.jabar"]

    provinces = figures.province_counts(actor=jabar, filters=EVERYTHING, now=NOW, model=model)

    expected = [
        c
        for c in cases
        if c.province_code == "32" or c.reporting_organisation_id == jabar.organisation_id
    ]
    assert provinces["cases"].sum() == len(expected)
    assert set(provinces["province"]) == {c.province_code for c in expected}


def test_a_regulator_liaisons_dashboard_counts_only_the_cases_escalated_to_the_regulator(world):
    model, actors, cases = world
    regulator = actors["demo.regulator"]

    by_platform = figures.volume(actor=regulator, filters=EVERYTHING, by="platform", model=model)

    escalated = [c for c in cases if c.escalated_at is not None]
    assert escalated and by_platform["cases"].sum() == len(escalated)


def test_a_regulator_liaison_outside_the_regulator_has_no_dashboard(world, demo_cases_database):
    model, _, _ = world
    with Session(demo_cases_database[1]) as session:
        stray = make_actor(session, role=Role.OBSERVER)
    stray = replace(stray, role=Role.REGULATOR)  # a regulator role outside the regulator

    with pytest.raises(PermissionDenied):
        figures.headline(actor=stray, filters=EVERYTHING, now=NOW, model=model)
