"""The dashboard page for every role that has it, and its filters in the URL."""

from __future__ import annotations

from datetime import date

import pytest

from tests.pages.conftest import app_as, open_page

DASHBOARD_ROLES = {
    "demo.officer": True,
    "demo.officer.jabar": True,
    "demo.lead": True,
    "demo.liaison.meta": True,
    "demo.observer": False,
    "demo.admin": False,
}


@pytest.mark.parametrize(("username", "reads_cases"), list(DASHBOARD_ROLES.items()))
def test_the_dashboard_draws_its_figures_for_every_role_that_has_it(
    demo_database, username, reads_cases
):
    at = app_as(username)
    at.query_params["from"] = "2023-01-01"  # every demo case, whatever election
    at = open_page(at, "dashboard")

    assert not at.exception
    assert [m.label for m in at.metric] == [
        "Open",
        "Overdue",
        "Referred this week",
        "Median hours to decision",
        "Share actioned",
    ]
    assert int(at.metric[0].value.replace(",", "")) > 0
    subheaders = [s.value for s in at.subheader]
    assert "Cases filed by category" in subheaders
    assert ("Accounts behind the most cases" in subheaders) is reads_cases
    assert ("Export the filtered cases" in subheaders) is reads_cases


def test_a_liaison_is_offered_only_their_own_platforms(demo_database):
    at = open_page(app_as("demo.liaison.meta"), "dashboard")

    platform = next(m for m in at.multiselect if m.label == "Platform")
    assert platform.options == ["Facebook", "Instagram", "Threads"]


def test_filters_in_the_url_set_the_widgets(demo_database):
    at = app_as("demo.officer")
    at.query_params.update(
        {
            "from": "2024-02-01",
            "to": "2024-02-14",
            "platform": "tiktok,youtube",
            "category": "hoax",
            "province": "32",
            "priority": "urgent",
            "phase": "campaign",
            "election": "pemilu2024",
            "interval": "week",
        }
    )
    at = open_page(at, "dashboard")

    assert not at.exception
    assert [d.value for d in at.date_input][:2] == [
        date(2024, 2, 1),
        date(2024, 2, 14),
    ]
    selected = {m.label: m.value for m in at.multiselect}
    assert selected["Platform"] == ["tiktok", "youtube"]
    assert selected["Category"] == ["hoax"]
    assert selected["Province"] == ["32"]
    assert selected["Priority"] == ["urgent"]
    assert selected["Phase"] == ["campaign"]
    assert selected["Election"] == ["pemilu2024"]


def test_changing_a_filter_writes_it_to_the_url(demo_database):
    at = open_page(app_as("demo.officer"), "dashboard")

    next(m for m in at.multiselect if m.label == "Category").select("hoax").run()

    assert not at.exception
    assert at.query_params["category"] in ("hoax", ["hoax"])


def test_unknown_codes_in_the_url_are_ignored(demo_database):
    at = app_as("demo.liaison.meta")
    at.query_params.update({"platform": "tiktok,facebook", "province": "99", "from": "not-a-date"})
    at = open_page(at, "dashboard")

    assert not at.exception
    selected = {m.label: m.value for m in at.multiselect}
    assert selected["Platform"] == ["facebook"]
    assert selected["Province"] == []


def test_charts_speak_indonesian_months_decimal_commas_and_toolbar(demo_database):
    import json

    at = open_page(app_as("demo.officer", language="id"), "dashboard")
    assert not at.exception, at.exception
    charts = at.get("plotly_chart")
    assert charts
    config = json.loads(charts[0].proto.config)
    locale = config["locales"][config["locale"]]
    assert config["locale"] == "id"
    assert locale["format"]["shortMonths"][:3] == ["Jan", "Feb", "Mar"]
    assert locale["format"]["months"][7] == "Agustus"
    assert (locale["format"]["decimal"], locale["format"]["thousands"]) == (",", ".")
    assert locale["dictionary"]["Zoom in"] == "Perbesar"


def test_a_first_visit_opens_on_the_current_or_latest_election_weekly_above_60_days(demo_database):
    from sqlmodel import Session, select

    from db import engine as engine_module
    from db.models import Case, ElectionPhase

    with Session(engine_module.get_engine()) as session:
        with_cases = set(session.exec(select(Case.election_code).distinct()))
        phases = [p for p in session.exec(select(ElectionPhase)) if p.election_code in with_cases]
    today = date.today()
    spans = {}
    for p in phases:
        first, last = spans.get(p.election_code, (p.starts_on, p.ends_on))
        spans[p.election_code] = (min(first, p.starts_on), max(last, p.ends_on))
    current = [c for c, (f, t) in spans.items() if f <= today <= t]
    expected = (
        current[0]
        if current
        else max((c for c, (f, _t) in spans.items() if f <= today), key=lambda c: spans[c][1])
    )

    at = open_page(app_as("demo.officer"), "dashboard")
    assert not at.exception, at.exception
    assert at.query_params["election"] == expected
    assert at.query_params["from"] == spans[expected][0].isoformat()
    # By week when the range (its first day to today at the latest) is over 60 days.
    first, last = spans[expected]
    weekly = (min(last, today) - first).days > 60
    assert at.query_params.get("interval", "day") == ("week" if weekly else "day")


def test_the_headline_numbers_open_the_queue_on_the_cases_they_count(demo_database):
    at = app_as("demo.officer")
    at.query_params["from"] = "2023-01-01"
    at = open_page(at, "dashboard")
    assert not at.exception, at.exception
    links = [link for link in at.get("page_link") if link.proto.label == "Show the cases"]
    assert len(links) == 5
    counts = {m.label: int(m.value.replace(",", "")) for m in at.metric[:2]}
    for link, label in zip(links[:2], ("Open", "Overdue"), strict=True):
        queue = app_as("demo.officer").run()
        for key in list(queue.query_params):
            del queue.query_params[key]
        assert "from=2023-01-01" in link.proto.query_string
        for key, values in _params(link.proto.query_string):
            queue.query_params[key] = values
        queue = open_page(queue, "queue")
        caption = next(c.value for c in queue.caption if c.value.endswith(" cases"))
        assert int(caption.split()[0].replace(",", "")) == counts[label], label


def _params(query: str):
    from urllib.parse import parse_qsl

    return parse_qsl(query)


def test_the_dashboard_shows_deadline_compliance_per_rule_and_owner_in_indonesian(demo_database):
    """Issue 18: the Deadlines tab counts the clocks of the cohort per rule and per owner
    and gives the platforms' median and p90 hours of the agreed deadline. The demo's
    cases carry clocks of their own: six TikTok cases without one are moved to a month no
    demo case was filed in, given six clocks, and the dashboard is filtered to it."""
    from datetime import UTC, datetime, timedelta

    from sqlalchemy import delete, insert, update
    from sqlmodel import Session, select

    from casework.analytics.sql import shared_read_model
    from db import engine as engine_module
    from db.models import Case, CaseClock

    now = datetime.now(UTC)
    filed = datetime(2023, 1, 2, 3, 0, tzinfo=UTC)
    engine = engine_module.get_engine()
    with Session(engine) as session:
        picked = session.exec(
            select(Case.id, Case.created_at)
            .where(Case.platform_code == "tiktok", Case.id.not_in(select(CaseClock.case_id)))
            .order_by(Case.id)
            .limit(6)
        ).all()
        ids = [case_id for case_id, _ in picked]
        # As an action would: the case's updated_at moves with its clocks (the read model
        # re-reads a case, and its clocks, when it does).
        session.execute(
            update(Case).where(Case.id.in_(ids)).values(created_at=filed, updated_at=now)
        )
        # Met in time, met late and running (twice each), all agreed deadlines of TikTok.
        stops = [2, 2, 30, 30, None, None]
        session.execute(
            insert(CaseClock),
            [
                dict(
                    case_id=case_id,
                    rule_code="agreed_platform",
                    rule_version=1,
                    kind="agreed",
                    owner="platform",
                    unit="hours",
                    amount=24,
                    started_at=now - timedelta(hours=48 if stop else 1),
                    due_at=now - timedelta(hours=24 if stop else -23),
                    stopped_at=None if stop is None else now - timedelta(hours=48 - stop),
                    outcome=None if stop is None else "met",
                )
                for case_id, stop in zip(ids, stops, strict=True)
            ],
        )
        session.commit()
    shared_read_model().refresh(force=True)
    try:
        at = app_as("demo.officer", language="id")
        at.query_params["from"] = "2023-01-01"  # no demo case was filed in January 2023
        at.query_params["to"] = "2023-01-31"
        at = open_page(at, "dashboard")

        assert not at.exception, at.exception
        subheaders = [s.value for s in at.subheader]
        assert "Tenggat yang terpenuhi, per aturan dan per penanggung jawab" in subheaders
        assert (
            "Jam hingga keputusan platform, tenggat kesepakatan dan tenggat perintah Komdigi"
            in subheaders
        )
        tables = [d.value for d in at.dataframe]
        by_rule = next(
            t for t in tables if "Penanggung jawab" in t.columns and "Tenggat" in t.columns
        )
        row = by_rule.iloc[0]
        assert row["Penanggung jawab"] == "Platform"
        assert [row["Terpenuhi tepat waktu"], row["Terlambat"], row["Berjalan"], row["Dijeda"]] == [
            "2",
            "2",
            "2",
            "0",
        ]
        times = next(t for t in tables if "Median jam" in t.columns)
        assert list(times["Tenggat"]) == ["Tenggat kesepakatan"]
        assert list(times["Platform"]) == ["TikTok"]
        # Met after 2, 2, 30 and 30 hours: median 16, p90 30 (decimal comma).
        assert list(times["Median jam"]) == ["16,0"]
        assert list(times["Jam persentil ke-90"]) == ["30,0"]
    finally:
        with Session(engine) as session:
            session.execute(delete(CaseClock).where(CaseClock.case_id.in_(ids)))
            for case_id, created_at in picked:
                session.execute(
                    update(Case)
                    .where(Case.id == case_id)
                    .values(created_at=created_at, updated_at=datetime.now(UTC))
                )
            session.commit()
        shared_read_model().refresh(force=True)
