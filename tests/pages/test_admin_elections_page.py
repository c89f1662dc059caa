"""Issue 19 on the pages: an admin adds a re-vote on the taxonomy page, and it places new
cases in its region (only there); a dashboard link may name a province by an alias."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlmodel import Session, select

from casework.desk.cases import file_report
from casework.people.actors import actor_for
from db import engine as engine_module
from db.models import Election, User
from tests.factories import report
from tests.pages.conftest import app_as, open_page


def _officer():
    with Session(engine_module.get_engine()) as session:
        user = session.exec(select(User).where(User.username == "demo.officer")).one()
        return actor_for(session, user.id)


def test_an_election_added_on_the_admin_page_drives_phase_and_priority_in_its_region_only(
    demo_database,
):
    at = open_page(app_as("demo.admin").run(), "taxonomy")
    at.text_input(key="election_code").input("psu2025_1271")
    at.text_input(key="election_name").input("PSU Kota Medan 2025")
    at.selectbox(key="election_kind").set_value("psu")
    at.selectbox(key="election_regime").set_value("pilkada")
    at.date_input(key="election_voting_day").set_value(date(2025, 6, 7))
    at.multiselect(key="election_regions").set_value(["12.71"])
    at.date_input(key="election_start_quiet_period").set_value(date(2025, 6, 4))
    at.date_input(key="election_end_quiet_period").set_value(date(2025, 6, 6))
    at.date_input(key="election_start_revote").set_value(date(2025, 6, 7))
    at.date_input(key="election_end_revote").set_value(date(2025, 6, 7))
    at.button(key="election_add").click().run()

    assert not at.exception
    assert not [e.value for e in at.error]
    with Session(engine_module.get_engine(), expire_on_commit=False) as session:
        election = session.get(Election, "psu2025_1271")
        assert (election.kind, election.legal_regime, election.region_codes) == (
            "psu",
            "pilkada",
            ["12.71"],
        )
        quiet = datetime(2025, 6, 5, 3, 0, tzinfo=UTC)
        medan, deli_serdang = (
            file_report(
                session=session,
                actor=_officer(),
                report=report(
                    province_code="12",
                    regency_code=regency,
                    posted_at=quiet,
                    urls=[f"https://www.tiktok.com/@akun/video/73123456789012345{n}"],
                ),
                now=quiet,
            )
            for n, regency in ((10, "12.71"), (11, "12.07"))
        )
    assert (medan.election_code, medan.phase, medan.priority) == (
        "psu2025_1271",
        "quiet_period",
        "urgent",
    )
    assert (deli_serdang.phase, deli_serdang.priority) == (None, "normal")


def test_a_bad_election_on_the_admin_page_names_what_is_wrong(demo_database):
    at = open_page(app_as("demo.admin", language="id").run(), "taxonomy")
    at.text_input(key="election_code").input("psu lagi")
    at.button(key="election_add").click().run()

    assert not at.exception
    errors = " ".join(e.value for e in at.error)
    assert "Gunakan huruf kecil" in errors
    assert "Tambahkan paling sedikit satu tahapan." in errors


def test_a_dashboard_link_may_name_a_province_by_an_alias(demo_database):
    at = app_as("demo.officer")
    at.query_params.update({"province": "Jabar,ID-SN,Bangka Belitung"})
    at = open_page(at, "dashboard")

    assert not at.exception
    selected = {m.label: m.value for m in at.multiselect}
    assert selected["Province"] == ["32", "73", "19"]
