"""The read model: a cold load, then incremental refreshes that read only the cases
changed since the watermark, so that a new or changed case shows within seconds."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import update
from sqlmodel import Session

from casework.analytics import figures
from casework.analytics.filters import DashboardFilters
from casework.desk.workflow import Action
from db.models import Case
from db.read_model import WATERMARK_OVERLAP, ReadModel, adbc_uri
from tests.factories import CAMPAIGN_NOW, advance, make_case, make_desk, reload


class FakeClock:
    """Seconds that move only when a test says so (no sleeping, no timed assertion)."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def link(n: int) -> list[str]:
    return [f"https://www.tiktok.com/@akun.contoh/video/73123456789012{n:05d}"]


@pytest.fixture
def desk_and_model(file_database):
    """A session with the desk, the read model over the same file and the fake clock it reads."""
    url, engine = file_database
    clock = FakeClock()
    session = Session(engine, expire_on_commit=False)
    desk = make_desk(session)
    model = ReadModel(url, clock=clock)
    yield session, desk, model, clock
    model.close()
    session.close()


def counted(model, actor) -> int:
    return figures.headline(
        actor=actor, filters=DashboardFilters(), now=CAMPAIGN_NOW, model=model
    ).open


def test_the_first_use_loads_every_case(desk_and_model):
    session, desk, model, _ = desk_and_model
    for n in range(3):
        make_case(session, actor=desk.officer, urls=link(n))

    model.refresh()

    assert model.stats.loads == 1
    assert model.stats.rows_read == 3
    assert counted(model, desk.officer) == 3


def test_a_new_case_appears_after_a_refresh_that_reads_only_the_changed_rows(desk_and_model):
    session, desk, model, clock = desk_and_model
    for n in range(5):
        make_case(session, actor=desk.officer, urls=link(n), now=CAMPAIGN_NOW - timedelta(hours=3))
    make_case(session, actor=desk.officer, urls=link(5), now=CAMPAIGN_NOW - timedelta(hours=2))
    model.refresh()

    make_case(session, actor=desk.officer, urls=link(99))
    clock.now += 5
    model.refresh()

    assert counted(model, desk.officer) == 7
    # The new case, and the one stamped at the watermark (re-read by the overlap); not
    # the five older ones.
    assert model.stats.last_rows_read == 2
    assert model.stats.rows_read == 6 + 2


def test_a_changed_case_replaces_its_row_and_brings_its_decision(desk_and_model):
    session, desk, model, clock = desk_and_model
    case = make_case(session, actor=desk.officer, urls=link(1))
    model.refresh()
    before = figures.outcomes(actor=desk.officer, filters=DashboardFilters(), model=model)

    advance(
        session,
        desk,
        case,
        Action.START_REVIEW,
        Action.REFER_TO_PLATFORM,
        Action.RECORD_DECISION,
    )
    clock.now += 5
    model.refresh()

    after = figures.outcomes(actor=desk.officer, filters=DashboardFilters(), model=model)
    assert before.empty
    assert after.to_dict("records") == [
        {"platform": "tiktok", "category": "hoax", "decision_type": "removed", "cases": 1}
    ]
    total = figures.volume(
        actor=desk.officer, filters=DashboardFilters(), by="platform", model=model
    )["cases"].sum()
    assert total == 1
    assert model.stats.last_rows_read == 1


def test_a_row_committed_late_with_an_earlier_stamp_is_still_read(desk_and_model):
    session, desk, model, clock = desk_and_model
    make_case(session, actor=desk.officer, urls=link(1))
    model.refresh()
    watermark = model.watermark

    # A slow transaction commits after the refresh, stamped before the watermark.
    late = make_case(session, actor=desk.officer, urls=link(2))
    session.execute(
        update(Case)
        .where(Case.id == late.id)
        .values(updated_at=watermark - WATERMARK_OVERLAP / 2, version=Case.version + 1)
    )
    session.commit()
    clock.now += 5
    model.refresh()

    assert counted(model, desk.officer) == 2


def test_refreshes_are_throttled_to_one_per_interval(desk_and_model):
    session, desk, model, clock = desk_and_model
    make_case(session, actor=desk.officer, urls=link(1))
    model.refresh()

    make_case(session, actor=desk.officer, urls=link(2))
    clock.now += 0.5
    model.refresh()
    assert model.stats.refreshes == 0
    assert counted(model, desk.officer) == 1

    clock.now += 2
    model.refresh()
    assert model.stats.refreshes == 1
    assert counted(model, desk.officer) == 2


def test_a_refresh_without_changes_reads_only_the_rows_at_the_watermark(desk_and_model):
    session, desk, model, clock = desk_and_model
    make_case(session, actor=desk.officer, urls=link(1), now=CAMPAIGN_NOW - timedelta(hours=1))
    make_case(session, actor=desk.officer, urls=link(2))
    model.refresh()

    clock.now += 5
    model.refresh()

    assert model.stats.last_rows_read == 1
    assert counted(model, desk.officer) == 2


def test_a_code_and_a_handle_first_seen_in_a_refresh_are_counted(desk_and_model):
    # Codes are ENUMs and handles numbered at the cold load; a refresh widens both.
    session, desk, model, clock = desk_and_model
    make_case(session, actor=desk.officer, urls=link(1))
    model.refresh()

    make_case(
        session,
        actor=desk.officer,
        urls=link(2),
        category_code="black_campaign",
        province_code="31",
        regency_code="31.71",
        account_handle="@baru.sekali",
    )
    clock.now += 5
    model.refresh()

    everything = DashboardFilters()
    by_category = figures.volume(actor=desk.officer, filters=everything, by="category", model=model)
    assert sorted(by_category["key"]) == ["black_campaign", "hoax"]
    assert by_category["key"].dtype != "category"  # text, not the ENUM
    jakarta = figures.volume(
        actor=desk.officer, filters=DashboardFilters(provinces=("31",)), by="category", model=model
    )
    assert jakarta["cases"].sum() == 1
    accounts = figures.top_accounts(actor=desk.officer, filters=everything, model=model)
    assert sorted(accounts["account_handle"]) == ["@akun.contoh", "@baru.sekali"]


def test_a_refresh_that_changes_nothing_keeps_the_cached_figures(desk_and_model):
    session, desk, model, clock = desk_and_model
    make_case(session, actor=desk.officer, urls=link(1))
    model.refresh()
    first = counted(model, desk.officer)
    version = model.version

    clock.now += 5
    model.refresh()  # re-reads the case at the watermark, unchanged

    assert model.stats.last_rows_read == 1
    assert model.version == version
    assert counted(model, desk.officer) == first

    make_case(session, actor=desk.officer, urls=link(2))
    clock.now += 5
    model.refresh()

    assert model.version > version
    assert counted(model, desk.officer) == first + 1


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("sqlite:////var/lib/pantau/pantau.db", ("sqlite", "/var/lib/pantau/pantau.db")),
        (
            "postgresql+psycopg://pantau:secret@db:5432/pantau",
            ("postgresql", "postgresql://pantau:secret@db:5432/pantau"),
        ),
        ("postgresql://pantau@db/pantau", ("postgresql", "postgresql://pantau@db/pantau")),
    ],
)
def test_the_adbc_uri_is_the_file_path_or_a_libpq_uri(url, expected):
    assert adbc_uri(url) == expected


def test_an_in_memory_sqlite_database_cannot_back_a_read_model():
    with pytest.raises(ValueError):
        adbc_uri("sqlite://")


def test_a_persisted_model_is_taken_up_by_the_next_process_and_brought_up_to_date(
    desk_and_model, tmp_path
):
    session, desk, _model, _clock = desk_and_model
    url = session.get_bind().url.render_as_string(hide_password=False)
    path = str(tmp_path / "model.duckdb")
    for n in range(3):
        make_case(session, actor=desk.officer, urls=link(n), now=CAMPAIGN_NOW - timedelta(hours=3))
    make_case(session, actor=desk.officer, urls=link(3), now=CAMPAIGN_NOW - timedelta(hours=2))
    first = ReadModel(url, path=path)
    first.refresh()
    first.close()
    make_case(session, actor=desk.officer, urls=link(50))

    second = ReadModel(url, path=path)  # the next start
    second.refresh()

    assert second.stats.resumed and second.stats.loads == 0
    # The new case and the one at the watermark (the overlap), not all five.
    assert second.stats.rows_read == 2
    assert counted(second, desk.officer) == 5
    second.close()


def test_a_persisted_model_out_of_step_with_the_database_is_loaded_again(desk_and_model, tmp_path):
    session, desk, _model, _clock = desk_and_model
    url = session.get_bind().url.render_as_string(hide_password=False)
    path = str(tmp_path / "model.duckdb")
    for n in range(3):
        make_case(session, actor=desk.officer, urls=link(n), now=CAMPAIGN_NOW - timedelta(hours=3))
    first = ReadModel(url, path=path)
    first.refresh()
    first.close()
    # Rows stamped long before the persisted watermark (a restored backup of another
    # history, a bulk seed): catching up from the watermark would miss them.
    for n in range(2):
        make_case(
            session, actor=desk.officer, urls=link(20 + n), now=CAMPAIGN_NOW - timedelta(days=2)
        )

    second = ReadModel(url, path=path)
    second.refresh()

    assert not second.stats.resumed and second.stats.loads == 1
    assert counted(second, desk.officer) == 5
    second.close()


def _clocks_in_model(model, case_id: int) -> dict[str, tuple]:
    cursor = model.cursor()
    try:
        rows = cursor.execute(
            "SELECT CAST(rule_code AS VARCHAR), CAST(outcome AS VARCHAR), due_at, stopped_at "
            "FROM clocks WHERE case_id = ?",
            [case_id],
        ).fetchall()
    finally:
        cursor.close()
    return {rule: (outcome, due, stopped) for rule, outcome, due, stopped in rows}


def test_a_cases_clocks_come_with_it_and_follow_its_actions(desk_and_model):
    session, desk, model, clock = desk_and_model
    case = make_case(session, actor=desk.officer, urls=link(1))
    model.refresh()
    assert _clocks_in_model(model, case.id) == {}

    case = advance(session, desk, case, Action.START_REVIEW, Action.REFER_TO_PLATFORM)
    clock.now += 5
    model.refresh()
    outcome, due, stopped = _clocks_in_model(model, case.id)["agreed_platform"]
    assert (outcome, stopped) == (None, None)
    assert due == reload(session, case).sla_due_at.replace(tzinfo=None)

    case = advance(session, desk, case, Action.RECORD_DECISION)
    clock.now += 5
    model.refresh()
    outcome, _due, stopped = _clocks_in_model(model, case.id)["agreed_platform"]
    assert outcome == "met"
    assert stopped == reload(session, case).decided_at.replace(tzinfo=None)
    assert model.stats.loads == 1


def test_an_administrators_recompute_reaches_the_read_model(desk_and_model):
    from datetime import UTC, datetime

    from casework.clocks import admin as clock_admin
    from casework.clocks import service
    from casework.people.roles import Role
    from tests.factories import make_actor

    session, desk, model, clock = desk_and_model
    admin = make_actor(session, role=Role.ADMIN)
    case = make_case(session, actor=desk.officer, urls=link(1))
    service.drive(session, case, "register_laporan", datetime(2024, 3, 4, 2, 0, tzinfo=UTC))
    session.commit()
    model.refresh()
    before = _clocks_in_model(model, case.id)["decision"][1]

    clock_admin.save_rule(session=session, actor=admin, code="decision", amount=3)
    assert clock_admin.recompute(session=session, actor=admin, code="decision") == 1
    clock.now += 5
    model.refresh()

    after = _clocks_in_model(model, case.id)["decision"][1]
    assert after < before
    assert after == datetime(2024, 3, 7, 16, 59, 59)  # 23:59:59 WIB, in UTC


def test_a_clock_carries_its_cases_filter_columns_and_follows_their_change(desk_and_model):
    session, desk, model, clock = desk_and_model
    case = make_case(session, actor=desk.officer, urls=link(1))
    case = advance(session, desk, case, Action.START_REVIEW, Action.REFER_TO_PLATFORM)
    model.refresh()
    later = reload(session, case).updated_at + timedelta(minutes=5)
    session.execute(
        update(Case).where(Case.id == case.id).values(province_code="32", updated_at=later)
    )
    session.commit()
    clock.now += 5
    model.refresh()

    cursor = model.cursor()
    try:
        rows = cursor.execute(
            "SELECT CAST(c.province_code AS VARCHAR), CAST(k.province_code AS VARCHAR), "
            "CAST(k.platform_code AS VARCHAR) FROM clocks k JOIN cases c ON c.id = k.case_id "
            "WHERE k.case_id = ?",
            [case.id],
        ).fetchall()
    finally:
        cursor.close()
    assert rows and all(row == ("32", "32", "tiktok") for row in rows)
