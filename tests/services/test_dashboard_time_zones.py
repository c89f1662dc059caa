"""Days on the dashboard are the viewer's local days, whatever day it is in UTC."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlmodel import Session

from casework.analytics import figures
from casework.analytics.filters import DashboardFilters
from db.read_model import ReadModel
from tests.factories import make_actor, make_case

# 23:30 WIB on 10 January (16:30 UTC) and 00:30 WIB on 11 January (17:30 UTC, still the
# 10th in UTC).
LATE_EVENING_WIB = datetime(2024, 1, 10, 16, 30, tzinfo=UTC)
PAST_MIDNIGHT_WIB = datetime(2024, 1, 10, 17, 30, tzinfo=UTC)


@pytest.fixture
def two_cases_around_midnight(file_database):
    """Two cases filed either side of midnight in WIB, in a database file the read model reads."""
    url, engine = file_database
    with Session(engine, expire_on_commit=False) as session:
        officer = make_actor(session)
        make_case(session, actor=officer, now=LATE_EVENING_WIB)
        make_case(
            session,
            actor=officer,
            now=PAST_MIDNIGHT_WIB,
            urls=["https://www.tiktok.com/@akun.contoh/video/7312345678901234999"],
        )
        viewers = {
            zone: make_actor(session, time_zone=zone)
            for zone in ("Asia/Jakarta", "Asia/Jayapura", "UTC")
        }
    model = ReadModel(url)
    yield model, viewers
    model.close()


def days_counted(model, actor, **filters) -> dict[date, int]:
    frame = figures.volume(
        actor=actor, filters=DashboardFilters(**filters), by="category", model=model
    )
    return {
        (value.date() if isinstance(value, datetime) else value): n
        for value, n in zip(frame["bucket"], frame["cases"], strict=True)
    }


def test_a_case_filed_at_2330_wib_counts_on_that_day_in_wib(two_cases_around_midnight):
    model, viewers = two_cases_around_midnight

    assert days_counted(model, viewers["Asia/Jakarta"]) == {
        date(2024, 1, 10): 1,
        date(2024, 1, 11): 1,
    }


def test_the_same_cases_fall_on_other_days_for_viewers_in_wit_and_utc(two_cases_around_midnight):
    model, viewers = two_cases_around_midnight

    assert days_counted(model, viewers["Asia/Jayapura"]) == {date(2024, 1, 11): 2}
    assert days_counted(model, viewers["UTC"]) == {date(2024, 1, 10): 2}


def test_a_date_filter_means_the_viewers_local_dates(two_cases_around_midnight):
    model, viewers = two_cases_around_midnight
    wib = viewers["Asia/Jakarta"]

    assert days_counted(model, wib, date_from=date(2024, 1, 10), date_to=date(2024, 1, 10)) == {
        date(2024, 1, 10): 1
    }
    assert days_counted(model, wib, date_from=date(2024, 1, 11)) == {date(2024, 1, 11): 1}
    assert days_counted(model, wib, date_to=date(2024, 1, 9)) == {}


def test_weeks_start_on_monday_in_the_viewers_zone(two_cases_around_midnight):
    model, viewers = two_cases_around_midnight

    # 10 and 11 January 2024 are a Wednesday and a Thursday: the week of Monday the 8th.
    assert days_counted(model, viewers["Asia/Jakarta"], interval="week") == {date(2024, 1, 8): 2}
